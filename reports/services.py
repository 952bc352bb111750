"""Report jobs: request (reusing a fresh file), dispatch to Celery, render idempotently."""

import datetime as dt
import hashlib
import logging
import threading
import uuid
from collections import defaultdict
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from access import Capability, can
from accounts.models import User
from competence_plans.models import CompetencePlan
from notifications import kinds
from notifications import services as notifications
from partnerships.models import Partnership
from reports.models import ReportJob
from scheduling.models import CourseBlock, Enrollment

logger = logging.getLogger(__name__)
Status = ReportJob.Status
# The error of a job given up after REPORT_MAX_ATTEMPTS (workers died or timed out).
GAVE_UP = "gave-up-after-attempts"


def _source_version(kind: str, subject, period=(None, None)) -> str:
    """A fixed-length fingerprint of the source's state (64 hex digits)."""
    from django.db.models import Count, Max

    from evaluations.models import Conclusion, Response
    from evaluations.selectors import scope_school

    if kind == ReportJob.Kind.COMPETENCE_PLAN:
        state = f"{subject.pk}:{subject.revision}:{subject.updated_at.isoformat()}"
    elif kind == ReportJob.Kind.EMPLOYEE_EXPORT:
        # An export is always made afresh: it must show the data as it is now.
        state = f"employee:{subject.pk}:{timezone.now().isoformat()}"
    elif kind == ReportJob.Kind.SCHOOL_EVALUATION:
        answers = Response.objects.filter(scope_school(subject, *period).responses).aggregate(
            n=Count("pk"), last=Max("submitted_at")
        )
        state = f"school:{subject.pk}:{period}:{answers['n']}:{answers['last']}"
    elif kind == ReportJob.Kind.EVALUATION:
        answers = Response.objects.filter(partnership=subject).aggregate(
            n=Count("pk"), last=Max("submitted_at")
        )
        conclusion = (
            Conclusion.objects.filter(partnership=subject)
            .values_list("updated_at", flat=True)
            .first()
        )
        state = f"{subject.pk}:{answers['n']}:{answers['last']}:{conclusion}"
    else:
        state = (
            f"{subject.pk}:{subject.last_activity_at.isoformat()}:{subject.updated_at.isoformat()}"
        )
    return hashlib.sha256(state.encode()).hexdigest()


@transaction.atomic
def report_request(
    *, user: User, kind: str, subject, language: str, period: tuple = (None, None)
) -> ReportJob:
    """A job for this report: an unexpired one for the same source version and language
    is reused; otherwise a new one is queued and dispatched when the transaction commits.
    A school's evaluation report covers the blocks that ended within `period`."""
    plan = subject if isinstance(subject, CompetencePlan) else None
    school = subject if kind == ReportJob.Kind.SCHOOL_EVALUATION else None
    employee = subject if kind == ReportJob.Kind.EMPLOYEE_EXPORT else None
    partnership = None if school or employee else (plan.partnership if plan else subject)
    start, end = period if school else (None, None)
    version = _source_version(kind, subject, (start, end))
    fresh = (
        ReportJob.objects.filter(
            requested_by=user,
            kind=kind,
            plan=plan,
            partnership=partnership,
            school=school,
            employee=employee,
            period_start=start,
            period_end=end,
            source_version=version,
            language=language,
            expires_at__gt=timezone.now(),
        )
        .exclude(status=Status.FAILED)
        .order_by("-created_at")
        .first()
    )
    if fresh:
        return fresh
    job = ReportJob.objects.create(
        kind=kind,
        plan=plan,
        partnership=partnership,
        school=school,
        employee=employee,
        period_start=start,
        period_end=end,
        source_version=version,
        language=language,
        requested_by=user,
        expires_at=timezone.now() + dt.timedelta(days=settings.REPORT_RETENTION_DAYS),
    )
    transaction.on_commit(lambda: report_dispatch(job=job))
    return job


def report_dispatch(*, job: ReportJob) -> bool:
    """Hand the job to a worker. If the broker is down the job simply stays queued and
    the periodic sweep sends it again; the user is never shown an error for it."""
    from reports.tasks import render_report

    try:
        render_report.apply_async(args=[str(job.pk)], retry=False)
    except Exception:  # kombu raises several kinds for an unreachable broker
        logger.warning("Broker unavailable; report %s stays queued", job.pk, exc_info=True)
        return False
    return True


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
        .select_related("course")
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


def _context(job: ReportJob) -> dict:
    from competence_plans.selectors import plan_figures, plan_progress
    from partnerships.selectors import partnership_timeline

    context = {"job": job, "generated": timezone.localtime()}
    if job.kind == ReportJob.Kind.SCHOOL_EVALUATION:
        from evaluations import selectors as evaluation_selectors

        context.update(
            school=job.school,
            header_left=job.school.name,
            header_right="",
            results=evaluation_selectors.results_for(
                evaluation_selectors.scope_school(job.school, job.period_start, job.period_end)
            ),
        )
        return context
    partnership = Partnership.objects.select_related(
        "company", "lead_school", "coordinator", "agreement_approved_by"
    ).get(pk=job.partnership_id)
    context.update(
        partnership=partnership,
        header_left=partnership.lead_school.name,
        header_right=partnership.company.name,
    )
    if job.kind == ReportJob.Kind.COMPETENCE_PLAN:
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
    elif job.kind == ReportJob.Kind.EVALUATION:
        from evaluations import selectors as evaluation_selectors
        from evaluations.models import Conclusion

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
    else:
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


def render_pdf(job: ReportJob) -> tuple[bytes, int]:
    from weasyprint import HTML

    from reports.fetcher import safe_url_fetcher

    template = f"reports/pdf/{job.kind}.html"
    with translation.override(job.language):
        html = render_to_string(template, _context(job))
    document = HTML(string=html, base_url="static:", url_fetcher=safe_url_fetcher).render()
    return document.write_pdf(), len(document.pages)


def render_file(job: ReportJob) -> tuple[bytes, int | None]:
    """The job's file and its page count (None for a ZIP)."""
    if job.kind == ReportJob.Kind.EMPLOYEE_EXPORT:
        from privacy.services import employee_export_zip

        return employee_export_zip(job.employee, job.language), None
    return render_pdf(job)


def _lease_end(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=settings.REPORT_LEASE_SECONDS)


@contextmanager
def _heartbeat(job_id, claim: str):
    """Renew the job's lease every third of its length while the block runs, from a thread
    of its own (a render holds the GIL only in bursts). Stops when the block ends; a render
    shorter than a third of the lease never touches the database from the thread."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.REPORT_LEASE_SECONDS / 3):
                try:
                    ReportJob.objects.filter(pk=job_id, claim=claim).update(
                        lease_until=_lease_end(timezone.now())
                    )
                except DatabaseError:
                    # A missed beat is not fatal: at worst the lease runs out, another
                    # worker takes the job over, and this render's result is not kept.
                    logger.warning("Could not renew the lease of report %s", job_id)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"lease-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(5)


def _claim(job_id) -> tuple[ReportJob, str | None]:
    """The job and a new claim on it, or no claim when it is done or another worker's
    lease on it is still running (a second delivery of the same task)."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        now = timezone.now()
        held = job.status == Status.RUNNING and job.lease_until and job.lease_until > now
        if job.status in (Status.DONE, Status.FAILED) or held:
            return job, None
        job.claim, job.lease_until = uuid.uuid4().hex, _lease_end(now)
        job.status, job.progress = Status.RUNNING, 10
        job.started_at, job.attempts = now, job.attempts + 1
        job.save(
            update_fields=["claim", "lease_until", "status", "progress", "started_at", "attempts"]
        )
        return job, job.claim


def report_render(*, job_id) -> ReportJob:
    """Render one job, claimed by this worker alone. Safe to deliver twice: a finished job
    is left alone, one another worker holds is skipped, and a render that lost its claim
    (its lease ran out and another worker took over) throws its result away."""
    job, claim = _claim(job_id)
    if claim is None:
        return job
    try:
        with _heartbeat(job.pk, claim):
            pdf, pages = render_file(job)
    except Exception as error:
        ReportJob.objects.filter(pk=job.pk, claim=claim).update(
            status=Status.FAILED,
            error=str(error)[:2000],
            finished_at=timezone.now(),
            lease_until=None,
        )
        raise
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.status == Status.DONE or job.claim != claim:
            return job
        name = f"reports/{job.pk}.{job.extension}"
        if job.file.storage.exists(name):
            job.file.storage.delete(name)
        job.file.save(name.removeprefix("reports/"), ContentFile(pdf), save=False)
        job.checksum = hashlib.sha256(pdf).hexdigest()
        job.page_count, job.progress = pages, 100
        job.status, job.finished_at, job.error = Status.DONE, timezone.now(), ""
        job.lease_until = None
        job.save()
        _tell_when_slow(job)
    return job


def _tell_when_slow(job: ReportJob) -> None:
    """A report that took a while is news: its requester has likely left the page."""
    waited = (job.finished_at - job.created_at).total_seconds()
    if job.requested_by_id and waited >= settings.REPORT_NOTIFY_AFTER_SECONDS:
        subject = job.plan or job.partnership or job.school or job.employee
        notifications.notify(
            kinds.REPORT_READY,
            recipients=[job.requested_by],
            target=job,
            url=reverse("reports:status", args=[job.pk]),
            about=str(subject) if subject else "",
        )


def reports_sweep_stuck(*, now=None) -> int:
    """Give back to the queue the jobs whose worker died (their lease ran out) and send
    again those whose message was lost (queued too long). A job that has used up its
    attempts is marked failed, with the reason, so it is visible instead of retried for
    ever. Returns how many were sent."""
    now = now or timezone.now()
    live = ReportJob.objects.filter(expires_at__gt=now)
    abandoned = live.filter(status=Status.RUNNING).filter(
        Q(lease_until__lt=now) | Q(lease_until=None)
    )
    used_up = abandoned.filter(attempts__gte=settings.REPORT_MAX_ATTEMPTS)
    used_up.update(
        status=Status.FAILED,
        error=GAVE_UP,
        finished_at=now,
        lease_until=None,
    )
    requeued = list(abandoned.values_list("pk", flat=True))
    abandoned.update(status=Status.QUEUED, progress=0, lease_until=None, claim="")
    lost = live.filter(
        status=Status.QUEUED,
        created_at__lt=now - dt.timedelta(minutes=settings.REPORT_STUCK_AFTER_MINUTES),
    ).exclude(pk__in=requeued)
    count = 0
    for job in [*ReportJob.objects.filter(pk__in=requeued), *lost]:
        count += report_dispatch(job=job)
    return count
