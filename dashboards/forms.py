import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import SchoolMembership, SchoolRole, User
from companies.models import Sector
from core.forms import DateInput, PlausibleDatesMixin
from schools.models import Department, School


class DashboardFilterForm(PlausibleDatesMixin, forms.Form):
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All")
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"), queryset=User.objects.none(), required=False, empty_label=_("All")
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("All"))] + Sector.choices, required=False
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("name")
        self.fields["department"].queryset = (
            Department.objects.filter(school__in=schools)
            .select_related("school")
            .order_by("school__name", "name")
        )
        self.fields["coordinator"].queryset = User.objects.filter(
            pk__in=SchoolMembership.objects.filter(
                school__in=schools, role=SchoolRole.COORDINATOR
            ).values("user_id")
        ).order_by("first_name", "last_name")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["start"] = data.get("start") or dt.date(today.year, 1, 1)
        data["end"] = data.get("end") or dt.date(today.year, 12, 31)
        if data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        school, department = data.get("school"), data.get("department")
        if school and department and department.school_id != school.pk:
            self.add_error("department", _("The department belongs to another school."))
        return data


class BlockListFilterForm(DashboardFilterForm):
    STATUSES = [
        ("", _("All")),
        ("planned", _("Planned or confirmed")),
        ("held", _("Held")),
        ("cancelled", _("Cancelled")),
    ]
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    course = forms.CharField(label=_("AMU number"), required=False, max_length=10)
    fkb = forms.CharField(label=_("FKB"), required=False, max_length=10)
