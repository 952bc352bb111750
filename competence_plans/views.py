from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from access import Capability, can, partnerships_for, plans_for
from access.mixins import ScopedLoadMixin, get_for_user_or_404
from competence_plans.models import CompetencePlan, PlanActivity
from core.validators import parse_id
from core.views import form_page_context
from schools.models import AmuCourse
from schools.search import course_suggestions

from . import services
from .forms import ActivityForm, CommentForm, GoalForm, PlanForm, TransitionForm
from .selectors import (
    plan_figures,
    plan_progress,
    renewal_proposals,
    staff_matrix,
    version_changes,
)


class PlanMixin(ScopedLoadMixin):
    """Loads self.plan in the user's scope (404) with `capability` (403)."""

    scope = staticmethod(plans_for)
    object_name = "plan"
    select_related = ("partnership__company", "partnership__lead_school", "previous_version")

    def plan_url(self):
        return reverse("competence_plans:detail", args=[self.plan.pk])

    def crumbs(self):
        partnership = self.plan.partnership
        return [
            (reverse("partnerships:detail", args=[partnership.pk]), partnership.title),
            (self.plan_url(), str(self.plan)),
        ]


def _activities(plan: CompetencePlan):
    return list(
        plan.activities.select_related("amu_course", "goal")
        .prefetch_related("target_groups", "target_employees")
        .order_by("position", "pk")
    )


class PlanDetailView(PlanMixin, TemplateView):
    template_name = "competence_plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        plan, user = self.plan, self.request.user
        activities = _activities(plan)
        progress = plan_progress(plan, activities)
        editable = plan.status == CompetencePlan.Status.DRAFT and can(user, Capability.EDIT, plan)
        show_names = can(user, Capability.VIEW_EMPLOYEES, plan.partnership.company)
        return super().get_context_data(
            # Certificates of the company's people to renew: proposed while the plan is
            # written, to those who may see the people.
            renewals=renewal_proposals(plan, timezone.localdate())
            if editable and show_names
            else [],
            plan=plan,
            figures=plan_figures(plan),
            activities=[(a, progress[a.pk]) for a in activities],
            totals={
                key: sum(getattr(p, key) for p in progress.values())
                for key in ("planned", "enrolled", "completed")
            },
            goals=list(plan.goals.order_by("position", "pk")),
            comments=list(plan.comments.select_related("author")),
            next_version=CompetencePlan.objects.filter(previous_version=plan).first(),
            changes=version_changes(plan) if plan.previous_version_id else None,
            transitions=services.available_plan_transitions(plan=plan, user=user),
            editable=editable,
            can_new_version=can(user, Capability.EDIT, plan)
            and plan.status in ("approved", "in_progress", "completed"),
            goal_form=GoalForm() if editable else None,
            show_names=show_names,
            # Blocks are scheduled from an approved plan's AMU activities by its coordinator.
            can_schedule=plan.status in ("approved", "in_progress")
            and can(user, Capability.EDIT, plan),
            can_propose=can(user, Capability.PROPOSE_SCHEDULE, plan),
            transition_form=TransitionForm(),
            comment_form=CommentForm(),
            **kwargs,
        )


class PlanFormPage:
    template_name = "_form_page.html"


class PlanCreateView(LoginRequiredMixin, PlanFormPage, FormView):
    form_class = PlanForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = get_for_user_or_404(
            partnerships_for, request.user, Capability.EDIT, pk=kwargs["partnership_pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        company = self.partnership.company
        return {
            "strategy_background": "\n\n".join(
                t for t in [company.strategy, company.development_plans] if t
            ),
            "period_start": self.partnership.start_date,
        }

    def get_context_data(self, **kwargs):
        url = reverse("partnerships:detail", args=[self.partnership.pk])
        return super().get_context_data(
            **form_page_context(_("New competence plan"), url, [(url, self.partnership.title)]),
            **kwargs,
        )

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        plan = services.plan_create(partnership=self.partnership, by=self.request.user, **data)
        messages.success(self.request, _("The plan was created as a draft."))
        return redirect("competence_plans:detail", plan.pk)


class PlanUpdateView(PlanMixin, PlanFormPage, FormView):
    capability = Capability.EDIT
    form_class = PlanForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.plan}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **form_page_context(_("Edit plan"), self.plan_url(), self.crumbs()), **kwargs
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        revision = data.pop("revision")
        try:
            services.plan_update(
                plan=self.plan,
                by=self.request.user,
                expected_revision=revision if revision is not None else -1,
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The plan was saved."))
        return redirect(self.plan_url())


class GoalCreateView(PlanMixin, View):
    capability = Capability.EDIT
    http_method_names = ["post"]

    def post(self, request, pk):
        form = GoalForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the goal a title."))
        else:
            try:
                services.goal_create(plan=self.plan, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        return redirect(self.plan_url() + "#goals")


class GoalDeleteView(PlanMixin, View):
    """GET asks first (what the goal's activities keep); POST removes it."""

    capability = Capability.EDIT

    def get(self, request, pk, goal_pk):
        goal = get_object_or_404(self.plan.goals, pk=goal_pk)
        return render(
            request,
            "competence_plans/goal_delete.html",
            {
                "plan": self.plan,
                "goal": goal,
                "activities": list(goal.activities.order_by("position", "pk")),
                "crumbs": self.crumbs(),
            },
        )

    def post(self, request, pk, goal_pk):
        goal = get_object_or_404(self.plan.goals, pk=goal_pk)
        try:
            services.goal_delete(goal=goal)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.plan_url() + "#goals")


class GoalCoursesView(PlanMixin, View):
    """AMU courses that fit a goal, found in the catalogue from the goal's words; on a
    draft, one click adds a course as an activity serving the goal."""

    capability = Capability.EDIT

    def get(self, request, pk, goal_pk):
        goal = get_object_or_404(self.plan.goals, pk=goal_pk)
        courses = course_suggestions(f"{goal.title} {goal.description}")
        planned = set(
            self.plan.activities.filter(amu_course__in=courses).values_list("amu_course", flat=True)
        )
        return render(
            request,
            "competence_plans/goal_courses.html",
            {
                "plan": self.plan,
                "goal": goal,
                "courses": [(course, course.pk in planned) for course in courses],
                "editable": self.plan.status == CompetencePlan.Status.DRAFT,
                "crumbs": self.crumbs(),
            },
        )

    def post(self, request, pk, goal_pk):
        goal = get_object_or_404(self.plan.goals, pk=goal_pk)
        course = AmuCourse.objects.filter(
            active=True, pk=parse_id(request.POST.get("course"))
        ).first()
        if course is None:
            messages.error(request, _("Choose one of the suggested courses."))
            return redirect("competence_plans:goal_courses", self.plan.pk, goal.pk)
        try:
            activity = services.activity_create(
                plan=self.plan,
                kind=PlanActivity.Kind.AMU_COURSE,
                amu_course=course,
                goal=goal,
                title=course.title,
                days=course.duration_days,
                planned_start=self.plan.period_start,
                planned_end=self.plan.period_end,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("competence_plans:goal_courses", self.plan.pk, goal.pk)
        messages.success(
            request,
            _("%(course)s was added for the goal. Choose who takes it and when.")
            % {"course": f"{course.number} {course.title}"},
        )
        return redirect("competence_plans:activity_update", self.plan.pk, activity.pk)


class RenewalView(PlanMixin, View):
    """POST: add the renewing AMU course of one certificate type as an activity for the
    people of the company whose certificate of that type is expiring."""

    capability = Capability.EDIT
    http_method_names = ["post"]

    def post(self, request, pk):
        plan = self.plan
        if not can(request.user, Capability.VIEW_EMPLOYEES, plan.partnership.company):
            raise PermissionDenied(_("Your role does not give access to the employees."))
        wanted = parse_id(request.POST.get("certificate_type"))
        renewal = next(
            (
                r
                for r in renewal_proposals(plan, timezone.localdate())
                if r.certificate_type.pk == wanted
            ),
            None,
        )
        if renewal is None:
            messages.error(request, _("Nobody's certificate of that kind needs renewing now."))
            return redirect(self.plan_url() + "#renewals")
        course = renewal.course
        try:
            activity = services.activity_create(
                plan=plan,
                kind=PlanActivity.Kind.AMU_COURSE,
                amu_course=course,
                title=course.title,
                description=_("Renews %(certificate)s.")
                % {"certificate": renewal.certificate_type},
                days=course.duration_days,
                planned_start=plan.period_start,
                planned_end=plan.period_end,
                target_employees=renewal.employees,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.plan_url() + "#renewals")
        messages.success(
            request,
            ngettext(
                "%(course)s was added for %(n)s person whose %(certificate)s expires. "
                "Check when it fits.",
                "%(course)s was added for %(n)s people whose %(certificate)s expires. "
                "Check when it fits.",
                len(renewal.employees),
            )
            % {
                "course": f"{course.number} {course.title}",
                "n": len(renewal.employees),
                "certificate": renewal.certificate_type,
            },
        )
        return redirect("competence_plans:activity_update", plan.pk, activity.pk)


class ActivityFormView(PlanMixin, PlanFormPage, FormView):
    capability = Capability.EDIT
    form_class = ActivityForm

    def get_activity(self):
        if "activity_pk" in self.kwargs:
            return get_object_or_404(self.plan.activities, pk=self.kwargs["activity_pk"])
        return None

    def get_initial(self):
        return {
            "planned_start": self.plan.period_start,
            "planned_end": self.plan.period_end,
            "kind": self.request.GET.get("kind", "amu_course"),
        }

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "plan": self.plan}
        if activity := self.get_activity():
            kwargs["instance"] = activity
        return kwargs

    def get_context_data(self, **kwargs):
        title = _("Edit activity") if self.get_activity() else _("Add an activity")
        return super().get_context_data(
            **form_page_context(title, self.plan_url() + "#activities", self.crumbs()), **kwargs
        )

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        revision = data.pop("revision")
        activity = self.get_activity()
        try:
            if activity:
                services.activity_update(
                    activity=activity,
                    expected_revision=revision if revision is not None else -1,
                    **data,
                )
            else:
                services.activity_create(plan=self.plan, **data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The activity was saved."))
        return redirect(self.plan_url() + "#activities")


class ActivityActionView(PlanMixin, View):
    """POST: delete an activity, or move it up or down."""

    capability = Capability.EDIT
    http_method_names = ["post"]

    def post(self, request, pk, activity_pk):
        activity = get_object_or_404(self.plan.activities, pk=activity_pk)
        try:
            if request.POST.get("action") == "delete":
                services.activity_delete(activity=activity)
                messages.success(request, _("The activity was removed."))
            else:
                direction = -1 if request.POST.get("action") == "up" else 1
                services.activity_move(activity=activity, direction=direction)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.plan_url() + "#activities")


class PlanTransitionView(PlanMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = TransitionForm(request.POST)
        form.is_valid()
        try:
            plan = services.plan_transition(
                plan=self.plan,
                name=request.POST.get("transition", ""),
                by=request.user,
                comment=form.cleaned_data.get("comment", ""),
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The plan is now “%(status)s”.") % {"status": plan.get_status_display()},
            )
        return redirect(self.plan_url())


class PlanCommentView(PlanMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        form = CommentForm(request.POST)
        if form.is_valid():
            services.plan_comment(plan=self.plan, by=request.user, body=form.cleaned_data["body"])
            messages.success(request, _("Your comment was added."))
        else:
            messages.error(request, _("Write a comment."))
        return redirect(self.plan_url() + "#comments")


class PlanNewVersionView(PlanMixin, View):
    capability = Capability.EDIT
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            copy = services.plan_new_version(plan=self.plan, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(self.plan_url())
        messages.success(request, _("Version %(n)s was created as a draft.") % {"n": copy.version})
        return redirect("competence_plans:detail", copy.pk)


class StaffMatrixView(PlanMixin, View):
    def get(self, request, pk):
        if not can(request.user, Capability.VIEW_EMPLOYEES, self.plan.partnership.company):
            raise PermissionDenied(_("Your role does not give access to the employees."))
        activities = _activities(self.plan)
        return render(
            request,
            "competence_plans/staff_matrix.html",
            {
                "plan": self.plan,
                "activities": activities,
                "groups": staff_matrix(self.plan, activities),
                "breadcrumbs": self.crumbs(),
            },
        )
