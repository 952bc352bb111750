from django import forms
from django.utils.translation import gettext_lazy as _

from competence_plans.models import CompetenceGoal, CompetencePlan, PlanActivity
from core.forms import DateInput, PlausibleDatesMixin
from schools.models import AmuCourse


class PlanForm(PlausibleDatesMixin, forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CompetencePlan
        fields = ["title", "period_start", "period_end", "strategy_background", "needs_analysis"]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "strategy_background": forms.Textarea(attrs={"rows": 6}),
            "needs_analysis": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision


class GoalForm(forms.ModelForm):
    class Meta:
        model = CompetenceGoal
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class ActivityForm(PlausibleDatesMixin, forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = PlanActivity
        fields = [
            "kind",
            "amu_course",
            "title",
            "description",
            "goal",
            "target_groups",
            "target_employees",
            "planned_start",
            "planned_end",
            "days",
            "responsible",
            "after",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "target_groups": forms.CheckboxSelectMultiple(),
            "target_employees": forms.SelectMultiple(attrs={"size": 8}),
            "planned_start": DateInput(),
            "planned_end": DateInput(),
        }
        help_texts = {
            "title": _("Leave empty for an AMU course to use the course title."),
            "days": _("Leave empty for an AMU course to use its duration."),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        company = plan.partnership.company
        self.fields["amu_course"].queryset = AmuCourse.objects.filter(active=True).select_related(
            "fkb"
        )
        self.fields["goal"].queryset = plan.goals.all()
        self.fields["after"].queryset = plan.activities.exclude(pk=self.instance.pk).order_by(
            "position", "pk"
        )
        self.fields["target_groups"].queryset = company.employee_groups.order_by("name")
        self.fields["target_groups"].required = False
        self.fields["target_employees"].queryset = company.employees.filter(active=True).order_by(
            "name"
        )
        self.fields["target_employees"].required = False
        self.fields["title"].required = False
        self.fields["days"].required = False
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision
        self.instance.plan = plan

    def clean(self):
        cleaned = super().clean()
        course = cleaned.get("amu_course")
        if course:
            cleaned["title"] = cleaned.get("title") or course.title
            if cleaned.get("days") is None:
                cleaned["days"] = course.duration_days
        if not cleaned.get("title"):
            self.add_error("title", _("Give the activity a title."))
        if cleaned.get("days") is None:
            self.add_error("days", _("How many days does each participant spend?"))
        if not cleaned.get("target_groups") and not cleaned.get("target_employees"):
            self.add_error(
                "target_groups", _("Choose at least one employee group or named employee.")
            )
        # The model's own rules (AMU course exactly for AMU kind, dates) run on the instance.
        for name in ("title", "days"):
            if cleaned.get(name) is not None:
                setattr(self.instance, name, cleaned[name])
        return cleaned


class TransitionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
