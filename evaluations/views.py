"""Answering (public, by token), results (scoped), conclusion, QR sheets, questionnaires."""

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.forms import formset_factory
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from access import (
    Capability,
    can,
    course_blocks_for,
    evaluation_company_ids,
    partnerships_for,
    plans_for,
    schools_for,
)
from access.mixins import ScopedLoadMixin, get_for_user_or_404
from evaluations import selectors, services
from evaluations.forms import AnswerForm, ConclusionForm, PeriodForm, QuestionForm
from evaluations.models import Conclusion, Invitation, Kind, Questionnaire

CLOSED_MESSAGES = {
    "unknown": (
        404,
        gettext_lazy("This link is not valid"),
        gettext_lazy(
            "Check that the whole address was copied. If it still fails, ask your course contact "
            "for a new link."
        ),
    ),
    "answered": (
        410,
        gettext_lazy("This evaluation has already been answered"),
        gettext_lazy("Each link can be used once. Thank you for your answer."),
    ),
    "expired": (
        410,
        gettext_lazy("This evaluation has closed"),
        gettext_lazy("The link is no longer open for answers."),
    ),
    "not_open": (
        403,
        gettext_lazy("This evaluation is not open yet"),
        gettext_lazy("Please come back when the link opens."),
    ),
}


def _closed(request, reason: str):
    status, title, text = CLOSED_MESSAGES[reason]
    return render(request, "evaluations/closed.html", {"title": title, "text": text}, status=status)


@method_decorator(never_cache, name="dispatch")
class AnswerView(View):
    """The form behind a one-use link, without login, made for a phone."""

    template_name = "evaluations/answer.html"

    def _form(self, invitation, data=None):
        questions = list(invitation.questionnaire.questions.all())
        return AnswerForm(data, questions=questions)

    def get(self, request, token):
        try:
            invitation = services.invitation_open(token)
        except services.InvitationClosed as closed:
            return _closed(request, closed.reason)
        return self._render(request, invitation, self._form(invitation))

    def post(self, request, token):
        try:
            invitation = services.invitation_open(token)
        except services.InvitationClosed as closed:
            return _closed(request, closed.reason)
        form = self._form(invitation, request.POST)
        if not form.is_valid():
            return self._render(request, invitation, form, status=400)
        try:
            services.response_submit(token=token, answers=form.answers())
        except services.InvitationClosed as closed:
            return _closed(request, closed.reason)
        return redirect("evaluations:thanks")

    def _render(self, request, invitation, form, status=200):
        return render(
            request,
            self.template_name,
            {"invitation": invitation, "form": form, "course_block": invitation.course_block},
            status=status,
        )


class ThanksView(TemplateView):
    template_name = "evaluations/thanks.html"


# --- Results -----------------------------------------------------------------------


class ResultsView(LoginRequiredMixin, TemplateView):
    template_name = "evaluations/results.html"

    def results_context(self, *, title, subtitle, scope, school_ids, back, compare=True, **extra):
        company_ids = evaluation_company_ids(self.request.user, school_ids)
        results = selectors.results_for(
            scope.for_companies(company_ids), school_ids=school_ids if compare else None
        )
        return {
            "title": title,
            "subtitle": subtitle,
            "results": results,
            "company_only": company_ids is not None,
            "back": back,
            **extra,
        }


class BlockResultsView(ResultsView):
    def get_context_data(self, **kwargs):
        block = get_for_user_or_404(
            lambda user: course_blocks_for(user).select_related("course", "school"),
            self.request.user,
            pk=kwargs["pk"],
        )
        return super().get_context_data(
            **self.results_context(
                title=_("Evaluation of %(course)s") % {"course": block.course.title},
                subtitle=f"{block.reference} · {block.school.name}",
                scope=selectors.scope_block(block),
                school_ids=[block.school_id],
                back=(reverse("scheduling:block_detail", args=[block.pk]), _("Course block")),
                course_block=block,
                can_print=can(self.request.user, Capability.PRINT_EVALUATION_SHEETS, block),
            )
        )


class PlanResultsView(ResultsView):
    def get_context_data(self, **kwargs):
        plan = get_for_user_or_404(
            lambda user: plans_for(user).select_related(
                "partnership__company", "partnership__lead_school"
            ),
            self.request.user,
            pk=kwargs["pk"],
        )
        partnership = plan.partnership
        return super().get_context_data(
            **self.results_context(
                title=_("Evaluation of %(plan)s") % {"plan": plan.title},
                subtitle=partnership.company.name,
                scope=selectors.scope_plan(plan),
                school_ids=[partnership.lead_school_id],
                back=(reverse("competence_plans:detail", args=[plan.pk]), _("Competence plan")),
                goals=selectors.goals_reached(plan),
            )
        )


class PartnershipResultsView(ResultsView):
    def get_context_data(self, **kwargs):
        user = self.request.user
        partnership = get_for_user_or_404(
            lambda u: partnerships_for(u).select_related("company", "lead_school"),
            user,
            pk=kwargs["pk"],
        )
        conclusion = Conclusion.objects.filter(partnership=partnership).first()
        may_edit = can(user, Capability.EDIT, partnership)
        may_report = may_edit or can(user, Capability.MANAGE_PARTNERSHIP, partnership)
        return super().get_context_data(
            **self.results_context(
                title=_("Evaluation of the partnership with %(company)s")
                % {"company": partnership.company.name},
                subtitle=partnership.lead_school.name,
                scope=selectors.scope_partnership(partnership),
                school_ids=[partnership.lead_school_id],
                back=(reverse("partnerships:detail", args=[partnership.pk]), _("Partnership")),
                partnership=partnership,
                conclusion=conclusion,
                conclusion_form=ConclusionForm(
                    initial={"text": conclusion.text if conclusion else ""}
                )
                if may_edit
                else None,
                may_report=may_report,
            )
        )


class SchoolResultsView(ResultsView):
    def get_context_data(self, **kwargs):
        school = get_for_user_or_404(schools_for, self.request.user, pk=kwargs["pk"])
        period = PeriodForm(self.request.GET or None)
        start = end = None
        if period.is_valid():
            start, end = period.cleaned_data["start"], period.cleaned_data["end"]
        context = self.results_context(
            title=_("Evaluations at %(school)s") % {"school": school.name},
            subtitle="",
            scope=selectors.scope_school(school, start, end),
            school_ids=[school.pk],
            back=(reverse("home"), _("Home")),
            period=period,
            school=school,
            may_manage=can(self.request.user, Capability.MANAGE_QUESTIONNAIRES, school),
            compare=False,  # the school's own figures need no comparison with themselves
        )
        return super().get_context_data(**context)


class ConclusionView(ScopedLoadMixin, View):
    http_method_names = ["post"]
    scope = staticmethod(partnerships_for)
    capability = Capability.EDIT
    object_name = "partnership"

    def post(self, request, pk):
        form = ConclusionForm(request.POST)
        if form.is_valid():
            services.conclusion_save(
                by=request.user, partnership=self.partnership, text=form.cleaned_data["text"]
            )
            messages.success(request, _("The conclusion is saved."))
        else:
            messages.error(
                request,
                _("The conclusion was not saved: %(error)s")
                % {"error": " ".join(form.errors["text"])},
            )
        return redirect("evaluations:partnership", self.partnership.pk)


class SheetView(LoginRequiredMixin, TemplateView):
    """A printable sheet for the course day: one QR code per participant's open link."""

    template_name = "evaluations/sheet.html"

    def get_context_data(self, **kwargs):
        block = get_for_user_or_404(
            lambda user: course_blocks_for(user).select_related("course", "school"),
            self.request.user,
            Capability.PRINT_EVALUATION_SHEETS,
            pk=kwargs["pk"],
        )
        kind = self.request.GET.get("kind", Kind.FOLLOW_UP)
        if kind not in (Kind.MOTIVATION, Kind.FOLLOW_UP, Kind.EFFECT):
            raise Http404
        invitations = (
            Invitation.objects.filter(course_block=block, kind=kind, answered_at=None)
            .select_related("enrollment__employee")
            .order_by("enrollment__employee__name")
        )
        rows = []
        for invitation in invitations:
            url = services.answer_url(invitation)
            svg = segno.make(url, error="m").svg_inline(scale=3, omitsize=False)
            rows.append((invitation, url, mark_safe(svg)))  # segno's own SVG, no user input
        return super().get_context_data(
            course_block=block, kind=Kind(kind), rows=rows, kinds=Kind, **kwargs
        )


# --- Questionnaires ------------------------------------------------------------------


class QuestionnaireListView(LoginRequiredMixin, TemplateView):
    template_name = "evaluations/questionnaires.html"

    def get_context_data(self, **kwargs):
        school = get_for_user_or_404(
            schools_for, self.request.user, Capability.MANAGE_QUESTIONNAIRES, pk=kwargs["pk"]
        )
        versions = (
            Questionnaire.objects.filter(school=school)
            .select_related("created_by")
            .order_by("kind", "-version")
        )
        current = {
            kind: services.questionnaire_current(kind=kind, school_id=school.pk)
            for kind in Kind.values
        }
        return super().get_context_data(
            school=school,
            rows=[(Kind(kind), current[kind]) for kind in Kind.values],
            versions=versions,
            **kwargs,
        )


QuestionFormSet = formset_factory(QuestionForm, extra=1, can_delete=True, max_num=30)


class QuestionnaireEditView(LoginRequiredMixin, TemplateView):
    """Edit the school's questionnaire of one kind. Saving makes a new version; earlier
    answers keep pointing at the version they answered."""

    template_name = "evaluations/questionnaire_edit.html"

    def setup_objects(self):
        self.school = get_for_user_or_404(
            schools_for, self.request.user, Capability.MANAGE_QUESTIONNAIRES, pk=self.kwargs["pk"]
        )
        if self.kwargs["kind"] not in Kind.values:
            raise Http404
        self.kind = Kind(self.kwargs["kind"])
        self.current = services.questionnaire_current(kind=self.kind, school_id=self.school.pk)

    def get(self, request, *args, **kwargs):
        self.setup_objects()
        initial = [
            {f: getattr(q, f) for f in QuestionForm.Meta.fields}
            for q in self.current.questions.all()
        ]
        return self.render_to_response(
            self.get_context_data(
                formset=QuestionFormSet(initial=initial),
                title_da=self.current.title_da,
                title_en=self.current.title_en,
            )
        )

    def post(self, request, *args, **kwargs):
        self.setup_objects()
        formset = QuestionFormSet(request.POST)
        title_da = request.POST.get("title_da", "").strip()[:200]
        title_en = request.POST.get("title_en", "").strip()[:200]
        title_error = (
            "" if title_da and title_en else _("Give the questionnaire a title in both languages.")
        )
        if "use_default" in request.POST:
            services.questionnaire_use_default(
                by=request.user, school_id=self.school.pk, kind=self.kind
            )
            messages.success(request, _("The product's default questionnaire is in use again."))
            return redirect("evaluations:questionnaires", self.school.pk)
        if formset.is_valid() and not title_error:
            questions = []
            for n, form in enumerate(formset.forms):
                if not form.has_changed() or form.cleaned_data.get("DELETE"):
                    continue
                data = {f: form.cleaned_data[f] for f in QuestionForm.Meta.fields}
                data["key"] = self._key(form, n, {q["key"] for q in questions})
                questions.append(data)
            if not questions:
                formset_error = _("A questionnaire needs at least one question.")
            else:
                with transaction.atomic():
                    created = services.questionnaire_save_version(
                        user=request.user,
                        school_id=self.school.pk,
                        kind=self.kind,
                        title_da=title_da,
                        title_en=title_en,
                        questions=questions,
                    )
                messages.success(
                    request,
                    _("Version %(version)s is saved and in use for new invitations.")
                    % {"version": created.version},
                )
                return redirect("evaluations:questionnaires", self.school.pk)
        else:
            formset_error = ""
        return self.render_to_response(
            self.get_context_data(
                formset=formset,
                title_da=title_da,
                title_en=title_en,
                title_error=title_error,
                formset_error=formset_error,
            ),
            status=400,
        )

    def _key(self, form, n, taken) -> str:
        """The key of an unchanged wording stays (answers stay comparable); a new or
        reworded question gets a new key."""
        existing = {q.text_da: q.key for q in self.current.questions.all()}
        key = (
            existing.get(form.cleaned_data["text_da"])
            or slugify(form.cleaned_data["text_da"])[:30]
            or f"q{n}"
        )
        while key in taken:
            key = f"{key[:36]}-{n}"
        return key

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            school=self.school, kind=self.kind, current=self.current, **kwargs
        )
