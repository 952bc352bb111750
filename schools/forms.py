from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import AeTarget, Fkb, FundingRate


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


class FundingRateForm(forms.ModelForm):
    """One year's rates. The year names the row: it is given once, when the row is added."""

    class Meta:
        model = FundingRate
        fields = [
            "year",
            "veu_per_week",
            "veu_is_estimate",
            "fee_per_week",
            "fee_is_estimate",
            "full_price_per_week",
            "full_price_is_estimate",
        ]
        localized_fields = ["veu_per_week", "fee_per_week", "full_price_per_week"]
        error_messages = {
            "year": {"unique": _("There are rates for this year already: edit them instead.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True


class AeTargetsForm(forms.Form):
    """One year's ÅE targets: a field for each school the user sets targets for and for
    each of its departments; an empty field means no target."""

    def __init__(self, *args, schools, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        existing = {
            (t.school_id, t.department_id): t.target
            for t in AeTarget.objects.filter(school__in=schools, year=year)
        }
        self.rows = []  # (field name, school, department or None)
        for school in schools.prefetch_related("departments").order_by("name"):
            for department in (None, *school.departments.all()):
                name = f"d{department.pk}" if department else f"s{school.pk}"
                self.fields[name] = forms.DecimalField(
                    label=department.name
                    if department
                    else _("%(school)s, the whole school") % {"school": school.name},
                    required=False,
                    min_value=0,
                    max_digits=6,
                    decimal_places=1,
                    localize=True,
                    initial=existing.get((school.pk, department.pk if department else None)),
                )
                self.rows.append((name, school, department))

    def table(self) -> list[tuple]:
        """(bound field, school, department or None) for each row, schools first."""
        return [(self[name], school, department) for name, school, department in self.rows]

    def targets(self) -> list[tuple]:
        """(school, department or None, target or None) for each row, once valid."""
        return [
            (school, department, self.cleaned_data[name]) for name, school, department in self.rows
        ]
