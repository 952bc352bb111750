from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data (`manage.py seed_demo`): schools, companies, partnerships and people
    to try every page with."""

    name = "demo"
    verbose_name = _("Demo data")
