from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Course blocks and enrolment")

    def ready(self):
        from . import reminders  # noqa: F401 (registers with notifications.hooks)
