from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetencePlansConfig(AppConfig):
    name = "competence_plans"
    verbose_name = _("Competence plans")
