"""Report jobs: request (reusing a fresh file), dispatch to Celery, render idempotently."""

import datetime as dt
import hashlib
import logging
import threading
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from notifications import kinds
from notifications import services as notifications
from reports import pdf_libraries
from reports.kinds import report_kind
from reports.models import ReportJob

logger = logging.getLogger(__name__)
Status = ReportJob.Status
# The error of a job given up after REPORT_MAX_ATTEMPTS (workers died or timed out).
GAVE_UP = "gave-up-after-attempts"


@transaction.atomic
def report_request(
    *, by: User, kind: str, subject, language: str, period: tuple = (None, None)
) -> ReportJob:
    """A job for this report: an unexpired one for the same source version and language
    is reused; otherwise a new one is queued and dispatched when the transaction commits.
    A school's evaluation report covers the blocks that ended within `period`."""
    report = report_kind(kind)
    about = {"plan": None, "partnership": None, "school": None, "employee": None}
    about.update(report.job_fields(subject))
    start, end = period if report.has_period else (None, None)
    version = report.source_version(subject, (start, end))
    fresh = (
        ReportJob.objects.filter(
            requested_by=by,
            kind=kind,
            **about,
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
        **about,
        period_start=start,
        period_end=end,
        source_version=version,
        language=language,
        requested_by=by,
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
    except Exception as error:  # kombu raises several kinds for an unreachable broker
        if ReportJob.objects.filter(pk=job.pk, status=Status.FAILED).exists():
            # Without a broker the task ran here and now, and the job itself failed
            # (report_render recorded why): that is not the broker's doing.
            if isinstance(error, pdf_libraries.PdfLibrariesMissing):
                logger.error("Report %s failed: %s", job.pk, pdf_libraries.REASON)
            else:
                logger.error("Report %s failed", job.pk, exc_info=True)
            return True
        logger.warning("Broker unavailable; report %s stays queued", job.pk, exc_info=True)
        return False
    return True


def render_pdf(job: ReportJob) -> tuple[bytes, int]:
    pdf_libraries.require()
    from weasyprint import HTML

    from reports.fetcher import safe_url_fetcher

    report = report_kind(job.kind)
    with translation.override(job.language):
        html = render_to_string(report.template, report.context(job))
    document = HTML(string=html, base_url="static:", url_fetcher=safe_url_fetcher).render()
    return document.write_pdf(), len(document.pages)


def render_file(job: ReportJob) -> tuple[bytes, int | None]:
    """The job's file and its page count (None for a ZIP)."""
    return report_kind(job.kind).render(job)


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
