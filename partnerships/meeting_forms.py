from django import forms
from django.utils.translation import gettext_lazy as _

from access import can_manage_network
from accounts.models import SchoolMembership, User
from companies.models import Contact
from core.forms import DATETIME_LOCAL_FORMATS, DateInput, DateTimeInput, PlausibleDatesMixin
from partnerships.models import ActionItem, Experience, Meeting, Partnership, Theme
from schools.models import School

NETWORK_KINDS = {Meeting.Kind.ACTOR_SEMINAR, Meeting.Kind.LEADER_SEMINAR, Meeting.Kind.NETWORK}


class MeetingForm(PlausibleDatesMixin, forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=DateTimeInput(), input_formats=DATETIME_LOCAL_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        widget=DateTimeInput(),
        input_formats=DATETIME_LOCAL_FORMATS,
        required=False,
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "partnership",
            "schools",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "agenda",
            "participants",
            "contact_participants",
            "minutes",
        ]
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "schools": forms.CheckboxSelectMultiple(),
            "participants": forms.SelectMultiple(attrs={"size": 8}),
            "contact_participants": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, user, editable_partnerships, visible_partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.may_manage_network = can_manage_network(user)
        kinds = [(k, label) for k, label in Meeting.Kind.choices]
        if not self.may_manage_network:
            kinds = [(k, label) for k, label in kinds if k not in NETWORK_KINDS]
        self.fields["kind"].choices = kinds
        self.fields["partnership"].queryset = editable_partnerships.select_related("company")
        self.fields["partnership"].required = False
        self.own_schools = (
            School.objects.all()
            if user.is_superuser
            else School.objects.filter(
                pk__in=SchoolMembership.objects.filter(user=user).values("school_id")
            )
        )
        self.fields["schools"].queryset = School.objects.order_by("name")
        self.fields["schools"].required = False
        staff = SchoolMembership.objects.filter(user__is_active=True).values("user_id")
        self.fields["participants"].queryset = User.objects.filter(pk__in=staff).order_by(
            "first_name", "last_name"
        )
        self.fields["participants"].required = False
        self.fields["contact_participants"].queryset = Contact.objects.filter(
            company__in=visible_partnerships.values("company")
        ).select_related("company")
        self.fields["contact_participants"].required = False

    def clean(self):
        cleaned = super().clean()
        kind, partnership = cleaned.get("kind"), cleaned.get("partnership")
        schools = cleaned.get("schools") or []
        if kind == Meeting.Kind.PARTNERSHIP and not partnership:
            self.add_error("partnership", _("Choose the partnership the meeting belongs to."))
        if kind == Meeting.Kind.INTERNAL_FORUM:
            if not schools:
                self.add_error("schools", _("Choose the school or schools holding the forum."))
            elif any(school not in self.own_schools for school in schools):
                self.add_error("schools", _("An internal forum is held at your own school."))
        if kind in NETWORK_KINDS and not self.may_manage_network:
            self.add_error("kind", _("Network seminars are arranged by the consultant."))
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The meeting cannot end before it starts."))
        return cleaned


class ActionItemForm(PlausibleDatesMixin, forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "owner", "owner_contact", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, meeting, **kwargs):
        kwargs.setdefault(
            "instance", ActionItem(meeting=meeting, partnership_id=meeting.partnership_id)
        )
        super().__init__(*args, **kwargs)
        people = meeting.participants.values("pk")
        organiser = [meeting.organiser_id] if meeting.organiser_id else []
        coordinator = (
            [meeting.partnership.coordinator_id]
            if meeting.partnership_id and meeting.partnership.coordinator_id
            else []
        )
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=[*people.values_list("pk", flat=True), *organiser, *coordinator]
        ).order_by("first_name", "last_name")
        # Shown only when the meeting has company contacts (the page knows that already).
        self.fields["owner_contact"].queryset = meeting.contact_participants.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("owner") and data.get("owner_contact"):
            self.add_error("owner_contact", _("Choose one owner: a person or a company contact."))
        return data


class ExperienceForm(forms.ModelForm):
    new_themes = forms.CharField(
        label=_("New themes"),
        required=False,
        help_text=_("Separate several with commas."),
    )

    class Meta:
        model = Experience
        fields = ["title", "body", "themes", "partnership", "meeting", "visibility", "school"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6}),
            "themes": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, user, partnerships, meetings, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Theme.objects.order_by("name")
        self.fields["themes"].required = False
        self.fields["partnership"].queryset = partnerships.select_related("company")
        self.fields["meeting"].queryset = meetings.order_by("-starts_at")
        self.fields["school"].queryset = schools.order_by("name")
        if len(self.fields["school"].queryset) == 1 and not self.instance.pk:
            self.initial.setdefault("school", self.fields["school"].queryset[0].pk)


class ExperienceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
    )
    school = forms.ModelChoiceField(
        label=_("School"),
        queryset=School.objects.order_by("name"),
        required=False,
        empty_label=_("All"),
    )
    partnership = forms.ModelChoiceField(
        label=_("Partnership"),
        queryset=Partnership.objects.none(),
        required=False,
        empty_label=_("All"),
    )

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        # Only partnerships with lessons logged: a choice of every partnership would
        # grow with the network and lead to empty lists.
        self.fields["partnership"].queryset = partnerships.filter(
            pk__in=Experience.objects.values("partnership_id")
        ).select_related("company")


class MeetingFilterForm(forms.Form):
    WHEN = [("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))]
    when = forms.ChoiceField(label=_("When"), choices=WHEN, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All"))] + Meeting.Kind.choices, required=False
    )
