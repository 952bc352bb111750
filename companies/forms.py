from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import (
    CertificateType,
    Company,
    Contact,
    EducationLevel,
    Employee,
    EmployeeCertificate,
    EmployeeGroup,
    Sector,
    SizeBand,
)
from core.forms import DateInput, PlausibleDatesMixin
from core.isoweek import parse_iso_week
from core.validators import is_ascii_digits
from schools.models import School

ANY = [("", _("All"))]


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name, CVR or city"))
    sector = forms.ChoiceField(label=_("Sector"), choices=ANY + Sector.choices, required=False)
    size_band = forms.ChoiceField(label=_("Size"), choices=ANY + SizeBand.choices, required=False)
    ownership = forms.ChoiceField(
        label=_("Public or private"),
        choices=ANY + [("public", _("Public")), ("private", _("Private"))],
        required=False,
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All")
    )
    active_partnership = forms.ChoiceField(
        label=_("Active partnership"),
        choices=ANY + [("yes", _("Yes")), ("no", _("No"))],
        required=False,
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class CompanyForm(forms.ModelForm):
    # Longer than the stored eight digits: people paste "DK 1015 0817".
    cvr = forms.CharField(
        label=_("CVR number"), max_length=20, help_text=_("Eight digits, e.g. 10150817.")
    )

    class Meta:
        model = Company
        fields = [
            "name",
            "cvr",
            "sector",
            "size_band",
            "is_public",
            "address",
            "postal_code",
            "city",
            "strategy",
            "development_plans",
        ]
        widgets = {
            "strategy": forms.Textarea(attrs={"rows": 5}),
            "development_plans": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_cvr(self):
        # People paste CVR numbers with spaces or a "DK" prefix.
        value = self.cleaned_data["cvr"].upper().removeprefix("DK").replace(" ", "")
        return value

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if value and not is_ascii_digits(value, 4):
            raise forms.ValidationError(_("A Danish postal code has four digits."))
        return value


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "job_title", "email", "phone"]


class EmployeeGroupForm(forms.ModelForm):
    class Meta:
        model = EmployeeGroup
        fields = ["name", "description", "max_away", "max_away_percent"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class EmployeeForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = ["name", "job_title", "group", "education_level", "email"]

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = company.employee_groups.order_by("name")
        self.fields["education_level"].choices = EducationLevel.choices


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=EmployeeGroup.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))],
        required=False,
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = company.employee_groups.order_by("name")


class EmployeeImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns: name, job title, group, education level (optionally e-mail). "
            "Danish or English headings."
        ),
    )


class BlackoutWeekForm(forms.Form):
    week = forms.CharField(
        label=_("Week"),
        widget=forms.TextInput(attrs={"type": "week"}),
        help_text=_("For example 2027-W14."),
    )
    note = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean_week(self):
        try:
            return parse_iso_week(self.cleaned_data["week"])
        except ValueError as error:
            raise forms.ValidationError(_("Write the week as 2026-W48.")) from error


class CertificateForm(PlausibleDatesMixin, forms.ModelForm):
    class Meta:
        model = EmployeeCertificate
        fields = ["type", "issued_on", "expires_on", "note"]
        widgets = {"issued_on": DateInput, "expires_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = CertificateType.objects.order_by("name")

    def clean_issued_on(self):
        issued = self.cleaned_data["issued_on"]
        if issued > timezone.localdate():
            raise forms.ValidationError(_("A certificate cannot be issued in the future."))
        return issued


class CertificateImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns: navn or e-mail, certifikat, udstedt, and optionally udløber and note. "
            "Danish or English headings."
        ),
    )
