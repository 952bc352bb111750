"""Report kinds: one class per kind, in one registry (as pretix's exporters are). A kind
knows what it is about, who may ask for it, when a stored file is still fresh, what
goes into it, how it is rendered and named, and which reports name an employee (for
personal-data purposes). Services and views ask the registry, never switch on the kind.

The kinds of the apps above reports (privacy's employee export) register themselves
from their AppConfig.ready with ``register``.
"""

import hashlib
from collections import defaultdict

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access import Capability, can, partnerships_for, plans_for, require, schools_for
from access.mixins import get_for_user_or_404
from competence_plans.models import CompetencePlan
from competence_plans.selectors import plan_figures, plan_progress
from evaluations import selectors as evaluation_selectors
from evaluations.forms import PeriodForm
from evaluations.models import Conclusion, Response
from partnerships.models import Partnership
from partnerships.selectors import partnership_timeline
from reports.models import ReportJob
from scheduling.models import CourseBlock, Enrollment


class InvalidRequest(Exception):
    """The request for a report is incomplete (a period that ends before it starts): say
    `message` on the page at `redirect_to`."""

    def __init__(self, message: str, redirect_to: str):
        super().__init__(message)
        self.message, self.redirect_to = message, redirect_to


class ReportKind:
    code: str  # a ReportJob.Kind value
    has_period = False  # does the report cover a period chosen when asking?
    extension = "pdf"
    content_type = "application/pdf"

    # --- who may ask, and for what ------------------------------------------------
    def subject_for(self, user, pk: int):
        """The subject the user asks about: 404 outside their scope, 403 without the
        right to this report."""
        raise NotImplementedError

    def period_from(self, request, subject) -> tuple:
        """The period a report covers, from the request (raises InvalidRequest)."""
        return (None, None)

    def on_request(self, *, user, subject, request) -> None:
        """Anything to record when the user asks (an export is audited)."""

    # --- the job --------------------------------------------------------------------
    def job_fields(self, subject) -> dict:
        """What the job row points at (plan, partnership, school, employee)."""
        return {"partnership": subject}

    def subject_of(self, job: ReportJob):
        return job.partnership

    def source_state(self, subject, period) -> str:
        """What must be unchanged for a stored file to be reused."""
        changed = f"{subject.last_activity_at.isoformat()}:{subject.updated_at.isoformat()}"
        return f"{subject.pk}:{changed}"

    def source_version(self, subject, period=(None, None)) -> str:
        """A fixed-length fingerprint of the source's state (64 hex digits)."""
        return hashlib.sha256(self.source_state(subject, period).encode()).hexdigest()

    def names_employee(self, employee) -> Q | None:
        """Which reports of this kind name the employee (their files are deleted when
        the employee is anonymised); None when no report of this kind names anyone."""
        return None

    # --- the file ---------------------------------------------------------------------
    def context(self, job: ReportJob) -> dict:
        raise NotImplementedError

    def render(self, job: ReportJob) -> tuple[bytes, int | None]:
        """The file and its page count (None when it has no pages)."""
        from reports import services

        return services.render_pdf(job)

    def file_name(self, job: ReportJob) -> str:
        return f"{slugify(str(self.subject_of(job))) or 'rapport'}.{self.extension}"

    @property
    def template(self) -> str:
        return f"reports/pdf/{self.code}.html"


KINDS: dict[str, ReportKind] = {}


def register(cls: type[ReportKind]) -> type[ReportKind]:
    """Class decorator: one instance of each kind answers for it."""
    KINDS[cls.code] = cls()
    return cls


def report_kind(code: str) -> ReportKind | None:
    return KINDS.get(code)


def jobs_naming(employee):
    """Every report job whose file names the employee, whatever its kind."""
    conditions = [q for kind in KINDS.values() if (q := kind.names_employee(employee))]
    if not conditions:
        return ReportJob.objects.none()
    query = conditions[0]
    for condition in conditions[1:]:
        query |= condition
    return ReportJob.objects.filter(query)


def _partnership_context(job: ReportJob) -> dict:
    partnership = Partnership.objects.select_related(
        "company", "lead_school", "coordinator", "agreement_approved_by"
    ).get(pk=job.partnership_id)
    return {
        "job": job,
        "generated": timezone.localtime(),
        "partnership": partnership,
        "header_left": partnership.lead_school.name,
        "header_right": partnership.company.name,
    }


def _plan_participants(
    plan: CompetencePlan, *, show_names: bool
) -> tuple[dict[int, str], list[CourseBlock]]:
    """Per activity, "Name (status), …" of its people (cancelled places left out), or only
    how many they are for a reader who may not see the company's employees; and the
    course blocks they sit on by date. Two queries whatever the company's size.

    A 1,000-employee plan has thousands of enrollments: they are read as plain rows and
    joined into one string per activity, instead of building model instances for the
    enrollments and their employees and looping over them in the template."""
    labels = {status: str(label).lower() for status, label in Enrollment.Status.choices}
    names: dict[int, list[str]] = defaultdict(list)
    block_ids = set()
    rows = (
        Enrollment.objects.filter(plan_activity__plan=plan)
        .exclude(status=Enrollment.Status.CANCELLED)
        .order_by("employee__name", "pk")
        .values_list("plan_activity_id", "employee__name", "status", "course_block_id")
    )
    for activity_id, name, status, block_id in rows:
        names[activity_id].append(f"{name} ({labels[status]})")
        block_ids.add(block_id)
    blocks = list(
        CourseBlock.objects.filter(pk__in=block_ids)
        .select_related("course", "school", "company")
        .order_by("start_date", "reference")
    )
    if not show_names:
        counted = {
            activity_id: ngettext("%(n)s participant", "%(n)s participants", len(people))
            % {"n": len(people)}
            for activity_id, people in names.items()
        }
        return counted, blocks
    return {activity_id: ", ".join(people) for activity_id, people in names.items()}, blocks


@register
class CompetencePlanReport(ReportKind):
    """The competence plan as the company approves and files it."""

    code = ReportJob.Kind.COMPETENCE_PLAN

    def subject_for(self, user, pk):
        return get_for_user_or_404(plans_for, user, Capability.DOWNLOAD, pk=pk)

    def job_fields(self, plan):
        return {"plan": plan, "partnership": plan.partnership}

    def subject_of(self, job):
        return job.plan

    def source_state(self, plan, period):
        return f"{plan.pk}:{plan.revision}:{plan.updated_at.isoformat()}"

    def names_employee(self, employee):
        # Participants are listed by name in the plan's PDF.
        plan_ids = Enrollment.objects.filter(employee=employee).values("plan_activity__plan")
        return Q(kind=self.code, plan__in=plan_ids)

    def context(self, job):
        context = _partnership_context(job)
        partnership = context["partnership"]
        plan = CompetencePlan.objects.select_related("approved_by").get(pk=job.plan_id)
        activities = list(
            plan.activities.select_related("amu_course", "goal")
            .prefetch_related("target_groups", "target_employees")
            .order_by("kind", "position")
        )
        progress = plan_progress(plan, activities)
        # The same rule as the plan's page: names only for those who may see employees.
        show_names = can(job.requested_by, Capability.VIEW_EMPLOYEES, partnership.company)
        participants, blocks = _plan_participants(plan, show_names=show_names)
        context.update(
            show_names=show_names,
            plan=plan,
            goals=list(plan.goals.order_by("position")),
            activities=[(a, progress[a.pk], participants.get(a.pk, "")) for a in activities],
            figures=plan_figures(plan),
            blocks=blocks,
        )
        return context


@register
class PartnershipStatusReport(ReportKind):
    """Where the partnership stands: plans, meetings, action items, what happened."""

    code = ReportJob.Kind.PARTNERSHIP_STATUS

    def subject_for(self, user, pk):
        partnership = get_for_user_or_404(partnerships_for, user, pk=pk)
        require(
            user,
            Capability.MANAGE_PARTNERSHIP,
            partnership,
            _("The status report is for coordinators and leaders."),
        )
        return partnership

    def context(self, job):
        context = _partnership_context(job)
        partnership = context["partnership"]
        context.update(
            plans=list(partnership.plans.order_by("-period_start")),
            meetings=list(partnership.meetings.order_by("-starts_at")[:20]),
            action_items=list(
                partnership.action_items.select_related("owner", "owner_contact").order_by(
                    "done", "due_date"
                )
            ),
            experiences=list(partnership.experiences.order_by("-created_at")[:20]),
            timeline=partnership_timeline(partnership, limit=50),
        )
        return context


@register
class EvaluationReport(ReportKind):
    """The partnership's evaluation: results, goals reached, the conclusion."""

    code = ReportJob.Kind.EVALUATION

    def subject_for(self, user, pk):
        return get_for_user_or_404(partnerships_for, user, Capability.DOWNLOAD, pk=pk)

    def source_state(self, partnership, period):
        answers = Response.objects.filter(partnership=partnership).aggregate(
            n=Count("pk"), last=Max("submitted_at")
        )
        conclusion = (
            Conclusion.objects.filter(partnership=partnership)
            .values_list("updated_at", flat=True)
            .first()
        )
        return f"{partnership.pk}:{answers['n']}:{answers['last']}:{conclusion}"

    def context(self, job):
        context = _partnership_context(job)
        partnership = context["partnership"]
        context.update(
            results=evaluation_selectors.results_for(
                evaluation_selectors.scope_partnership(partnership),
                school_ids=[partnership.lead_school_id],
            ),
            plans=[
                (plan, evaluation_selectors.goals_reached(plan))
                for plan in partnership.plans.order_by("-period_start")
            ],
            conclusion=Conclusion.objects.filter(partnership=partnership)
            .select_related("updated_by")
            .first(),
        )
        return context


@register
class SchoolEvaluationReport(ReportKind):
    """A school's evaluation results over the blocks that ended within a period."""

    code = ReportJob.Kind.SCHOOL_EVALUATION
    has_period = True

    def subject_for(self, user, pk):
        return get_for_user_or_404(schools_for, user, pk=pk)

    def period_from(self, request, school):
        form = PeriodForm(request.POST)
        if not form.is_valid():
            message = " ".join(form.errors.get("end", []))
            raise InvalidRequest(message, reverse("evaluations:school", args=[school.pk]))
        return (form.cleaned_data["start"], form.cleaned_data["end"])

    def job_fields(self, school):
        return {"school": school}

    def subject_of(self, job):
        return job.school

    def source_state(self, school, period):
        scope = evaluation_selectors.scope_school(school, *period)
        answers = Response.objects.filter(scope.responses).aggregate(
            n=Count("pk"), last=Max("submitted_at")
        )
        return f"school:{school.pk}:{period}:{answers['n']}:{answers['last']}"

    def context(self, job):
        return {
            "job": job,
            "generated": timezone.localtime(),
            "school": job.school,
            "header_left": job.school.name,
            "header_right": "",
            "results": evaluation_selectors.results_for(
                evaluation_selectors.scope_school(job.school, job.period_start, job.period_end)
            ),
        }
