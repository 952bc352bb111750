from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # checks: deployment checks; request_log: the task signals.
        from core import checks, lookups, request_log  # noqa: F401

        lookups.register()
