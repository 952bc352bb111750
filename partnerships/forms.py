from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import DateInput, PlausibleDatesMixin
from partnerships.models import Partnership
from partnerships.services import coordinator_candidates
from schools.models import School

ANY = [("", _("All"))]


class PartnershipFilterForm(forms.Form):
    SCOPES = [("mine", _("Mine")), ("school", _("My schools")), ("all", _("All I may see"))]
    ACTIVITY = [
        ("", _("Any time")),
        ("7", _("Active in the last 7 days")),
        ("30", _("Active in the last 30 days")),
        ("stale60", _("No activity for 60 days")),
    ]
    scope = forms.ChoiceField(label=_("Show"), choices=SCOPES, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=ANY + Partnership.Status.choices, required=False
    )
    school = forms.ModelChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All")
    )
    coordinator = forms.ModelChoiceField(
        label=_("Coordinator"), queryset=User.objects.none(), required=False, empty_label=_("All")
    )
    activity = forms.ChoiceField(label=_("Last activity"), choices=ACTIVITY, required=False)
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, schools, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["coordinator"].queryset = coordinators


class PartnershipForm(PlausibleDatesMixin, forms.ModelForm):
    class Meta:
        model = Partnership
        fields = [
            "company",
            "lead_school",
            "other_schools",
            "coordinator",
            "title",
            "goals",
            "agreement_terms",
            "start_date",
            "end_date",
        ]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "agreement_terms": forms.Textarea(attrs={"rows": 5}),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "other_schools": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, companies, lead_schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies.order_by("name")
        self.fields["lead_school"].queryset = lead_schools.order_by("name")
        self.fields["other_schools"].queryset = School.objects.order_by("name")
        self.fields["other_schools"].required = False
        self.fields["coordinator"].queryset = User.objects.filter(
            pk__in=coordinator_candidates_for_schools(lead_schools)
        ).order_by("first_name", "last_name")
        self.fields["coordinator"].required = False

    def clean(self):
        cleaned = super().clean()
        coordinator, school = cleaned.get("coordinator"), cleaned.get("lead_school")
        if coordinator and school:
            allowed = coordinator_candidates(school)
            others = cleaned.get("other_schools") or []
            for other in others:
                allowed = allowed | coordinator_candidates(other)
            if not allowed.filter(pk=coordinator.pk).exists():
                self.add_error(
                    "coordinator", _("The coordinator must be a coordinator at one of the schools.")
                )
        return cleaned


def coordinator_candidates_for_schools(schools):
    from accounts.models import SchoolMembership, SchoolRole

    return SchoolMembership.objects.filter(
        school__in=schools, role=SchoolRole.COORDINATOR, user__is_active=True
    ).values("user_id")


class PartnershipEditForm(PlausibleDatesMixin, forms.ModelForm):
    class Meta:
        model = Partnership
        fields = ["title", "other_schools", "goals", "agreement_terms", "start_date", "end_date"]
        widgets = PartnershipForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_schools"].queryset = School.objects.exclude(
            pk=self.instance.lead_school_id
        ).order_by("name")
        self.fields["other_schools"].required = False
        if self.instance.is_agreement_approved:
            self.fields["agreement_terms"].disabled = True
            self.fields["agreement_terms"].help_text = _(
                "The agreement is approved, so its terms are locked."
            )


class HandOverForm(forms.Form):
    coordinator = forms.ModelChoiceField(label=_("New coordinator"), queryset=User.objects.none())

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = coordinator_candidates(partnership).exclude(
            pk=partnership.coordinator_id
        )
