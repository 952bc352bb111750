from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import SchoolMembership, SchoolRole, User
from core.forms import DateInput, PlausibleDatesMixin
from core.isoweek import parse_iso_week, week_monday
from scheduling.models import CourseBlock
from schools.models import AmuCourse, Department, School


class CourseBlockForm(PlausibleDatesMixin, forms.ModelForm):
    confirm_conflicts = forms.BooleanField(
        label=_("Save anyway: I have seen the conflicts above"), required=False
    )
    confirm_cancel = forms.BooleanField(
        label=_(
            "Cancel the block although people are enrolled (their HR and coordinators are told)"
        ),
        required=False,
    )

    class Meta:
        model = CourseBlock
        fields = [
            "school",
            "department",
            "course",
            "reference",
            "start_date",
            "end_date",
            "location",
            "company",
            "address",
            "teachers",
            "capacity",
            "status",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "teachers": forms.CheckboxSelectMultiple(),
        }
        help_texts = {"reference": _("Leave empty to number the block automatically.")}

    def __init__(self, *args, schools, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("name")
        self.fields["department"].queryset = Department.objects.filter(school__in=schools)
        self.fields["course"].queryset = AmuCourse.objects.filter(active=True)
        self.fields["company"].queryset = companies.order_by("name")
        self.fields["reference"].required = False
        self.fields["teachers"].queryset = User.objects.filter(
            pk__in=SchoolMembership.objects.filter(
                school__in=schools, role=SchoolRole.TEACHER
            ).values("user_id")
        ).order_by("first_name", "last_name")
        self.fields["teachers"].required = False
        if len(self.fields["school"].queryset) == 1 and not self.instance.pk:
            self.initial.setdefault("school", self.fields["school"].queryset[0].pk)


class EnrollForm(forms.Form):
    employees = forms.ModelMultipleChoiceField(
        label=_("Employees"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    confirm_conflicts = forms.BooleanField(
        label=_("Enrol anyway: I have seen the conflicts above"), required=False
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employees"].queryset = candidates


class MoveEnrollmentForm(forms.Form):
    to_block = forms.ModelChoiceField(label=_("Move to"), queryset=CourseBlock.objects.none())
    confirm_conflicts = forms.BooleanField(required=False)

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_block"].queryset = blocks


class WeekPlanFilterForm(forms.Form):
    ROWS = [("department", _("Departments")), ("teacher", _("Teachers"))]
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), empty_label=None
    )
    week = forms.CharField(
        label=_("From week"), required=False, widget=forms.TextInput(attrs={"type": "week"})
    )
    rows = forms.ChoiceField(label=_("Rows"), choices=ROWS, required=False)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    teacher = forms.ModelChoiceField(
        label=_("Teacher"), queryset=User.objects.none(), required=False, empty_label=_("All")
    )
    company = forms.CharField(label=_("Company"), required=False)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("name")
        self.fields["department"].queryset = Department.objects.filter(school__in=schools)
        self.fields["teacher"].queryset = User.objects.filter(
            pk__in=SchoolMembership.objects.filter(
                school__in=schools, role=SchoolRole.TEACHER
            ).values("user_id")
        ).order_by("first_name")

    def clean_week(self):
        value = self.cleaned_data["week"]
        if not value:
            return None
        try:
            return week_monday(*parse_iso_week(value))
        except ValueError as error:
            raise forms.ValidationError(_("Write the week as 2026-W48.")) from error
