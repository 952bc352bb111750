from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import SchoolMembership, SchoolRole, User
from core.forms import DateInput, PlausibleDatesMixin
from core.isoweek import parse_iso_week, week_monday
from scheduling.calendar import NoTeachingDays, block_dates
from scheduling.models import CourseBlock, SchoolClosure, TeacherQualification
from schools.models import AmuCourse, Department, School

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


class CourseBlockForm(forms.ModelForm):
    """A block is planned by ISO week and start day; its dates follow from the course's
    AMU days on the days the school teaches (holidays and closed periods skipped)."""

    week = forms.CharField(
        label=_("ISO week"),
        help_text=_(
            "For example 2026-W14. Changing it moves the block; the people on it are told."
        ),
        widget=forms.TextInput(attrs={"type": "week"}),
    )
    start_day = forms.TypedChoiceField(
        label=_("First day"), choices=WEEKDAYS, coerce=int, initial=0
    )
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
            "location",
            "company",
            "address",
            "pooled",
            "teachers",
            "capacity",
            "min_participants",
            "status",
        ]
        widgets = {"teachers": forms.CheckboxSelectMultiple()}
        help_texts = {
            "reference": _("Leave empty to number the block automatically."),
            "address": _("Only when it differs from the school's or the company's own address."),
        }

    field_order = ["school", "department", "course", "week", "start_day"]

    def __init__(self, *args, schools, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("name")
        self.fields["department"].queryset = Department.objects.filter(
            school__in=schools
        ).select_related("school")
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
        if self.instance.pk:
            self.initial.setdefault(
                "week", f"{self.instance.iso_year}-W{self.instance.iso_week:02d}"
            )
            self.initial.setdefault("start_day", self.instance.start_date.weekday())
        self.dates = None

    def clean_week(self):
        try:
            return parse_iso_week(self.cleaned_data["week"])
        except ValueError as error:
            raise forms.ValidationError(_("Write the week as 2026-W14.")) from error

    def clean(self):
        data = super().clean()
        school, course, week = data.get("school"), data.get("course"), data.get("week")
        if school and course and week and data.get("start_day") is not None:
            try:
                self.dates = block_dates(
                    school_id=school.pk,
                    iso_year=week[0],
                    iso_week=week[1],
                    weekday=data["start_day"],
                    duration_days=course.duration_days,
                )
            except NoTeachingDays as error:
                self.add_error("week", str(error))
            else:
                # The instance is checked (model clean) with the new week, not the old.
                self.instance.iso_year, self.instance.iso_week = week
                self.instance.start_date = self.dates.start
                self.instance.end_date = self.dates.end
        return data


class EnrollForm(forms.Form):
    employees = forms.ModelMultipleChoiceField(
        label=_("Employees"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    waitlist = forms.BooleanField(
        label=_("Put those beyond the free seats on the waiting list, in the order shown"),
        required=False,
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
    weeks = forms.TypedChoiceField(
        label=_("Weeks"),
        choices=[(n, str(n)) for n in (1, 2, 4, 8)],
        coerce=int,
        required=False,
        empty_value=None,
    )
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
        # The plan shows one school: its departments and teachers are the choices.
        school = self.data.get("school")
        shown = schools.filter(pk=school) if str(school).isdigit() else schools.none()
        self.fields["department"].queryset = Department.objects.filter(
            school__in=shown
        ).select_related("school")
        self.fields["teacher"].queryset = User.objects.filter(
            pk__in=SchoolMembership.objects.filter(
                school__in=shown, role=SchoolRole.TEACHER
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


class ReservationForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Company"), queryset=None)
    seats = forms.IntegerField(
        label=_("Seats"),
        min_value=0,
        max_value=999,
        help_text=_("0 removes the reservation."),
    )

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies.order_by("name")


class ClosureForm(PlausibleDatesMixin, forms.ModelForm):
    class Meta:
        model = SchoolClosure
        fields = ["school", "name", "first_day", "last_day"]
        widgets = {"first_day": DateInput(), "last_day": DateInput()}
        help_texts = {"name": _("For example Summer holiday or Christmas.")}

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("name")
        if len(self.fields["school"].queryset) == 1:
            self.initial.setdefault("school", self.fields["school"].queryset[0].pk)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last:
            if last < first:
                self.add_error("last_day", _("The last day cannot be before the first."))
            elif (last - first).days > 92:
                self.add_error("last_day", _("A closed period is at most three months."))
        return data


class ConflictFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[
            ("", _("All kinds")),
            ("teacher", _("Teacher in two blocks")),
            ("employee", _("Employee in two blocks")),
            ("capacity", _("Over capacity")),
            ("blackout", _("Company blackout week")),
            ("closed", _("Holiday or closed day")),
            ("plan_period", _("Outside the plan's period")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class HandOffForm(PlausibleDatesMixin, forms.Form):
    """The blocks of one school over a period, for its administrative system."""

    MOST_DAYS = 366
    FORMATS = [("csv", _("CSV (semicolons, for Danish Excel)")), ("xlsx", _("Excel (XLSX)"))]
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), empty_label=None
    )
    first = forms.DateField(label=_("Blocks starting from"), widget=DateInput)
    last = forms.DateField(label=_("to"), widget=DateInput)
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial="csv")

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("name")

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The end of the period cannot be before its start."))
            elif (last - first).days + 1 > self.MOST_DAYS:
                self.add_error(
                    "last",
                    _("Export at most %(days)s days at a time.") % {"days": self.MOST_DAYS},
                )
        return data


class ProposalRequestForm(forms.Form):
    """What the planner may assume about the blocks it opens."""

    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    capacity = forms.IntegerField(
        label=_("Capacity of new blocks"), min_value=1, max_value=99, initial=16
    )
    min_participants = forms.IntegerField(
        label=_("Minimum class size of new blocks"),
        min_value=0,
        max_value=99,
        initial=6,
        help_text=_("The planner fills blocks to this size where it can. 0: no minimum."),
    )

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("name")
        if len(self.fields["school"].queryset) == 1:
            self.fields["school"].initial = self.fields["school"].queryset[0].pk
            self.fields["school"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        capacity, minimum = data.get("capacity"), data.get("min_participants")
        if capacity and minimum is not None and minimum > capacity:
            self.add_error(
                "min_participants", _("The minimum class size cannot exceed the capacity.")
            )
        return data


class ProposalPinForm(forms.Form):
    """Move one proposed block to another week and ask again."""

    item = forms.CharField(widget=forms.HiddenInput, max_length=10)
    week = forms.CharField(
        label=_("Week"),
        widget=forms.TextInput(attrs={"type": "week"}),
        help_text=_("For example 2026-W14."),
    )

    def clean_week(self):
        try:
            return parse_iso_week(self.cleaned_data["week"])
        except ValueError as error:
            raise forms.ValidationError(_("Write the week as 2026-W14.")) from error


class QualificationForm(forms.ModelForm):
    """A teacher of the school may teach one AMU course, or every course of an FKB."""

    class Meta:
        model = TeacherQualification
        fields = ["school", "teacher", "fkb", "course"]
        help_texts = {"course": _("Or one course only: leave the FKB empty.")}

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools.order_by("name")
        if len(self.fields["school"].queryset) == 1:
            self.initial.setdefault("school", self.fields["school"].queryset[0].pk)
        self.fields["teacher"].queryset = User.objects.filter(
            pk__in=SchoolMembership.objects.filter(
                school__in=schools, role=SchoolRole.TEACHER
            ).values("user_id")
        ).order_by("first_name", "last_name")
        self.fields["teacher"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["course"].queryset = AmuCourse.objects.filter(active=True).order_by("number")
        self.fields["fkb"].queryset = self.fields["fkb"].queryset.order_by("code")

    def clean(self):
        data = super().clean()
        school, teacher = data.get("school"), data.get("teacher")
        if (
            school
            and teacher
            and not SchoolMembership.objects.filter(
                school=school, user=teacher, role=SchoolRole.TEACHER
            ).exists()
        ):
            self.add_error("teacher", _("The teacher does not teach at this school."))
        return data

    def validate_unique(self):
        # The service answers a duplicate with a message of its own.
        pass
