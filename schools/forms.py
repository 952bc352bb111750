from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import Fkb


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Number or title"))
    fkb = forms.ModelChoiceField(
        label=_("FKB"), queryset=Fkb.objects.order_by("code"), required=False, empty_label=_("All")
    )


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue file (CSV)"),
        help_text=_("Columns: number, title, days, FKB code, FKB title."),
    )
