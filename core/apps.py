from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core import lookups, request_log  # noqa: F401 - request_log: task signals

        lookups.register()
