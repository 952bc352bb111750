"""The planner's pages: ask for a proposed schedule of a plan, follow its progress, and
accept, move or discard the proposed blocks."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from access import Capability, plan_schools, plans_for, require, schedule_proposals_for
from access.mixins import ScopedLoadMixin
from core.views import add_service_error

from . import proposals
from .forms import ProposalPinForm, ProposalRequestForm
from .models import ScheduleProposal

Status = ScheduleProposal.Status


class PlanPlannerMixin(ScopedLoadMixin):
    """The plan in the user's scope (404), for one who may ask the planner (403)."""

    scope = staticmethod(plans_for)
    object_name = "plan"
    capability = Capability.PROPOSE_SCHEDULE
    select_related = ("partnership__company", "partnership__lead_school")

    def crumbs(self):
        plan = self.plan
        return [
            (reverse("partnerships:detail", args=[plan.partnership_id]), plan.partnership.title),
            (reverse("competence_plans:detail", args=[plan.pk]), str(plan)),
        ]


class ProposalRequestView(PlanPlannerMixin, TemplateView):
    """What the planner will schedule, and the button that asks it."""

    template_name = "scheduling/proposal_request.html"

    def form(self, data=None):
        return ProposalRequestForm(data, schools=plan_schools(self.request.user, self.plan))

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or self.form()
        school = self.plan.partnership.lead_school
        schools = plan_schools(self.request.user, self.plan)
        if not schools.filter(pk=school.pk).exists():
            school = schools.first()
        today = timezone.localdate()
        return super().get_context_data(
            plan=self.plan,
            form=form,
            crumbs=self.crumbs(),
            problems=kwargs.pop("problems", None)
            or proposals.preflight(plan=self.plan, school=school, today=today),
            recent=list(
                schedule_proposals_for(self.request.user)
                .filter(plan=self.plan)
                .exclude(status=Status.DISCARDED)
                .select_related("school")[:5]
            ),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = proposals.proposal_request(
                    plan=self.plan,
                    school=data["school"],
                    by=request.user,
                    capacity=data["capacity"],
                    minimum=data["min_participants"],
                )
            except proposals.NothingToPropose as error:
                return self.render_to_response(
                    self.get_context_data(form=form, problems=error.messages), status=400
                )
            return redirect(proposals.proposal_url(proposal))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProposalMixin(PlanPlannerMixin):
    """Also the proposal, of this plan and in the user's scope (404), theirs to act on
    (403)."""

    def load_proposal(self):
        proposal = get_object_or_404(
            schedule_proposals_for(self.request.user).select_related("school", "plan"),
            plan=self.plan,
            pk=self.kwargs["proposal_pk"],
        )
        require(self.request.user, Capability.EDIT, proposal)
        return proposal


class ProposalView(ProposalMixin, TemplateView):
    template_name = "scheduling/proposal.html"

    def get_context_data(self, **kwargs):
        proposal = self.load_proposal()
        items = sorted(proposal.items, key=lambda i: (i["week"], i["activity_title"]))
        weeks = sorted({tuple(i["week"]) for i in items})
        grid = [
            (
                title,
                [
                    [i for i in items if tuple(i["week"]) == w and i["activity_title"] == title]
                    for w in weeks
                ],
            )
            for title in sorted({i["activity_title"] for i in items})
        ]
        for item in items:
            item["week_label"] = proposals.week_label(item["week"])
            item["start_date"] = dt.date.fromisoformat(item["start"])
            item["end_date"] = dt.date.fromisoformat(item["end"])
        return super().get_context_data(
            plan=self.plan,
            proposal=proposal,
            crumbs=self.crumbs(),
            items=items,
            open_count=len(proposal.open_items),
            weeks=[proposals.week_label(w) for w in weeks],
            grid=grid,
            working=proposal.status in (Status.QUEUED, Status.RUNNING),
            pin_form=ProposalPinForm(),
            **kwargs,
        )


class ProposalStatusView(ProposalMixin, View):
    """The progress, for the page to follow without reloading."""

    def get(self, request, *args, **kwargs):
        proposal = self.load_proposal()
        return JsonResponse(
            {
                "status": proposal.status,
                "label": proposal.get_status_display(),
                "progress": proposal.progress,
            }
        )


class ProposalAcceptView(ProposalMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = self.load_proposal()
        try:
            blocks = proposals.proposal_accept(
                proposal=proposal, keys=request.POST.getlist("item"), by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s block was put on the week plan, with its participants.",
                    "%(n)s blocks were put on the week plan, with their participants.",
                    len(blocks),
                )
                % {"n": len(blocks)},
            )
        return redirect(proposals.proposal_url(proposal))


class ProposalPinView(ProposalMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = self.load_proposal()
        form = ProposalPinForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
            return redirect(proposals.proposal_url(proposal))
        try:
            new = proposals.proposal_pin(
                proposal=proposal,
                key=form.cleaned_data["item"],
                week=form.cleaned_data["week"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            messages.error(request, " ".join(error.messages))
            return redirect(proposals.proposal_url(proposal))
        messages.info(request, _("The planner is working out the schedule with your pin."))
        return redirect(proposals.proposal_url(new))


class ProposalDiscardView(ProposalMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = self.load_proposal()
        try:
            proposals.proposal_discard(proposal=proposal)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(proposals.proposal_url(proposal))
        messages.success(request, _("The proposal was discarded; nothing was written."))
        return redirect(reverse("competence_plans:detail", args=[self.plan.pk]))
