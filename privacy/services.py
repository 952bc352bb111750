"""Personal data: export one employee's data, anonymise them, apply retention periods.

Anonymisation replaces the person's identity with a stable pseudonym everywhere it can be
found (their own fields, and their name wherever it was written into free text), keeps
every row that aggregate figures count (enrollments, answers' scores), deletes stored
report files that named them, and records who did it. It cannot be undone.
"""

import datetime as dt
import hashlib
import hmac
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import AuditEvent, Throttle, UserSession
from accounts.services import audit_record
from companies.models import BlackoutWeek, Company, Employee, EmployeeCertificate, EmployeeGroup
from competence_plans.models import CompetenceGoal, CompetencePlan, PlanActivity, PlanComment
from evaluations.models import Answer, Conclusion, Invitation
from notifications.models import Notification
from notifications.services import recount_unread
from partnerships.models import ActionItem, Experience, Meeting, Partnership
from people.models import Invitation as PeopleInvitation
from reports.kinds import jobs_naming
from reports.models import ReportJob
from scheduling.models import CourseBlock, Enrollment

# Free text lives in these apps; every CharField and TextField in them is prose unless it
# holds a code. `text_columns` lists them all (tests read it to prove a name is gone).
TEXT_APPS = (
    "accounts",
    "companies",
    "competence_plans",
    "partnerships",
    "schools",
    "evaluations",
    "reports",
)
# Columns that hold codes, not prose (tokens, keys, numbers, checksums).
NOT_PROSE = {
    "token",
    "key",
    "checksum",
    "source_version",
    "cvr",
    "number",
    "reference",
    "code",
    "password",
    "username",
    "language",
    "session_key",
    "status",
    "kind",
    "role",
    "action",
}


@dataclass(frozen=True)
class ProseSource:
    """Free-text columns of one model, and which of its rows belong to a person's records:
    the rows of their own company's partnerships, plans, blocks, meetings and evaluations.
    Names of schools, companies, users and other employees are never listed here, so a
    person called "AMU Syd" or "med" cannot rewrite them."""

    model: type[models.Model]
    fields: tuple[str, ...]
    rows: Callable[[Employee], Q]

    def queryset(self, employee: Employee):
        return self.model._default_manager.filter(self.rows(employee))


def _of_company(path: str) -> Callable[[Employee], Q]:
    return lambda employee: Q(**{path: employee.company_id})


def _of_partnership_or_meeting(employee: Employee) -> Q:
    """Rows tied to the company's partnership directly or through one of its meetings."""
    return Q(partnership__company=employee.company_id) | Q(
        meeting__partnership__company=employee.company_id
    )


PROSE_SOURCES = (
    ProseSource(Company, ("strategy", "development_plans"), _of_company("pk")),
    ProseSource(EmployeeGroup, ("description",), _of_company("company")),
    ProseSource(BlackoutWeek, ("note",), _of_company("company")),
    ProseSource(EmployeeCertificate, ("note",), _of_company("employee__company")),
    ProseSource(Partnership, ("title", "goals", "agreement_terms"), _of_company("company")),
    ProseSource(
        CompetencePlan,
        ("title", "strategy_background", "needs_analysis"),
        _of_company("partnership__company"),
    ),
    ProseSource(
        CompetenceGoal, ("title", "description"), _of_company("plan__partnership__company")
    ),
    ProseSource(
        PlanActivity,
        ("title", "description", "responsible"),
        _of_company("plan__partnership__company"),
    ),
    ProseSource(PlanComment, ("body",), _of_company("plan__partnership__company")),
    ProseSource(CourseBlock, ("address",), _of_company("company")),
    ProseSource(
        Meeting, ("title", "place", "agenda", "minutes"), _of_company("partnership__company")
    ),
    ProseSource(
        ActionItem,
        ("title",),
        _of_partnership_or_meeting,
    ),
    ProseSource(
        Experience,
        ("title", "body"),
        _of_partnership_or_meeting,
    ),
    ProseSource(Answer, ("text",), _of_company("response__company")),
    ProseSource(Conclusion, ("text",), _of_company("partnership__company")),
    ProseSource(
        ReportJob,
        ("error",),
        lambda e: (
            Q(employee=e.pk)
            | Q(partnership__company=e.company_id)
            | Q(plan__partnership__company=e.company_id)
        ),
    ),
)


# The error a report job gets when its file is deleted for named personal data.
FILE_DELETED = "deleted-personal-data"


def pseudonym(employee: Employee) -> str:
    """Stable for the same employee, unguessable from outside (keyed with SECRET_KEY)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"employee:{employee.pk}".encode(), hashlib.sha256
    ).hexdigest()
    return f"Anonym {digest[:8].upper()}"


def text_columns():
    """(model, field name) for every free-text column of the product's apps."""
    for model in apps.get_models():
        if model._meta.app_label not in TEXT_APPS or model._meta.proxy:
            continue
        for field in model._meta.get_fields():
            if (
                isinstance(field, (models.CharField, models.TextField))
                and not field.choices
                and field.name not in NOT_PROSE
                and field.concrete
            ):
                yield model, field.name


def _pattern(name: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)


def _audit_events_of(employee: Employee):
    """Audit events about the person or about a row of their records."""
    about = Q(target_type=ContentType.objects.get_for_model(Employee), target_id=str(employee.pk))
    for source in PROSE_SOURCES:
        ids = (
            source.queryset(employee)
            .annotate(target_key=Cast("pk", output_field=models.CharField()))
            .values("target_key")
        )
        about |= Q(target_type=ContentType.objects.get_for_model(source.model), target_id__in=ids)
    return AuditEvent.objects.filter(about)


def _replace_in_text(employee: Employee, name: str, replacement: str) -> int:
    """Replace the name as a whole phrase, any case, in the free text of the person's own
    records and in the details of the audit events about them. Returns rows changed."""
    pattern = _pattern(name)
    changed = 0
    for source in PROSE_SOURCES:
        for field in source.fields:
            rows = source.queryset(employee).filter(**{f"{field}__icontains": name})
            for pk, value in rows.values_list("pk", field):
                new = pattern.sub(replacement, value)
                if new != value:
                    source.model._default_manager.filter(pk=pk).update(**{field: new})
                    changed += 1
    company_type = ContentType.objects.get_for_model(Company)
    # SQLite keeps JSON with non-ASCII letters escaped ("Sigur\u00f0sd\u00f3ttir").
    escaped = json.dumps(name)[1:-1]
    events = _audit_events_of(employee).filter(
        Q(data__icontains=name) | Q(data__icontains=escaped) | Q(target_repr__icontains=name)
    )
    for event in events.only("pk", "data", "target_repr", "target_id", "target_type"):
        data = json.loads(pattern.sub(replacement, json.dumps(event.data, ensure_ascii=False)))
        target_repr = event.target_repr
        if event.target_type_id != company_type.pk:
            # The recorded name of a row of theirs (a plan's title, their own name); the
            # company's name is the company's, whatever the person is called.
            target_repr = pattern.sub(replacement, target_repr)
        if data != event.data or target_repr != event.target_repr:
            AuditEvent.objects.filter(pk=event.pk).update(data=data, target_repr=target_repr)
            changed += 1
    return changed


def reports_naming(employee: Employee):
    """Report jobs whose file names the employee; each report kind says which of its
    jobs do (the plan's PDF lists participants; the employee's own exports)."""
    return jobs_naming(employee)


def _delete_files(jobs) -> int:
    deleted = 0
    for job in jobs.exclude(file=""):
        job.file.delete(save=False)
        ReportJob.objects.filter(pk=job.pk).update(
            file="",
            status=ReportJob.Status.FAILED,
            error=FILE_DELETED,
        )
        deleted += 1
    return deleted


@transaction.atomic
def employee_anonymise(*, employee: Employee, by, request=None) -> str:
    """Replace the person's identity everywhere. Irreversible."""
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if employee.anonymised_at:
        return employee.name
    alias = pseudonym(employee)
    names = {employee.name.strip()}
    if employee.email:
        names.add(employee.email.strip())
    files = _delete_files(reports_naming(employee))
    changed = sum(_replace_in_text(employee, name, alias) for name in names if len(name) >= 3)
    Employee.objects.filter(pk=employee.pk).update(
        name=alias,
        job_title="",
        email="",
        # `active` is left as it was: it decides who plan figures count, and anonymising
        # must not change any figure.
        anonymised_at=timezone.now(),
    )
    audit_record(
        action=AuditEvent.Action.ANONYMISED,
        actor=by,
        request=request,
        data={"employee": alias, "texts_changed": changed, "report_files_deleted": files},
    )
    return alias


# --- Export ---------------------------------------------------------------------------


def employee_data(employee: Employee) -> dict:
    """Everything held about one employee, as plain data (their rows only)."""
    groups = [employee.group.name] if employee.group_id else []
    activities = (
        PlanActivity.objects.filter(
            Q(target_employees=employee) | Q(target_groups__employees=employee)
        )
        .select_related("plan__partnership__company", "amu_course")
        .distinct()
        .order_by("plan__period_start", "position")
    )
    enrollments = (
        Enrollment.objects.filter(employee=employee)
        .select_related("course_block__course", "course_block__school", "plan_activity__plan")
        .order_by("course_block__start_date")
    )
    answers = (
        Answer.objects.filter(response__invitation__enrollment__employee=employee)
        .select_related("question", "response__course_block__course")
        .order_by("response__submitted_at", "question__position")
    )
    invitations = Invitation.objects.filter(enrollment__employee=employee).select_related(
        "course_block__course"
    )
    downloads = (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.DOWNLOAD,
            target_type__model="competenceplan",
            target_id__in=[
                str(pk)
                for pk in Enrollment.objects.filter(employee=employee)
                .exclude(plan_activity=None)
                .values_list("plan_activity__plan_id", flat=True)
            ],
        )
        .select_related("actor")
        .order_by("created_at")
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "employee": {
            "name": employee.name,
            "company": employee.company.name,
            "job_title": employee.job_title,
            "email": employee.email,
            "education_level": employee.get_education_level_display(),
            "active": employee.active,
            "groups": groups,
            "created_at": employee.created_at.isoformat(),
        },
        "plan_activities": [
            {
                "plan": a.plan.title,
                "company": a.plan.partnership.company.name,
                "activity": a.title,
                "kind": a.get_kind_display(),
                "amu_course": a.amu_course.number if a.amu_course else None,
                "planned": [a.planned_start.isoformat(), a.planned_end.isoformat()],
            }
            for a in activities
        ],
        "enrollments": [
            {
                "course": f"{e.course_block.course.number} {e.course_block.course.title}",
                "block": e.course_block.reference,
                "school": e.course_block.school.name,
                "dates": [
                    e.course_block.start_date.isoformat(),
                    e.course_block.end_date.isoformat(),
                ],
                "status": e.get_status_display(),
                "test_result": e.get_test_result_display() or None,
                "plan": e.plan_activity.plan.title if e.plan_activity else None,
            }
            for e in enrollments
        ],
        "certificates": [
            {
                "certificate": c.type.name,
                "issued": c.issued_on.isoformat(),
                "expires": c.expires_on.isoformat() if c.expires_on else None,
                "source": c.get_source_display(),
                "note": c.note,
            }
            for c in employee.certificates.select_related("type").order_by("issued_on", "pk")
        ],
        "evaluation_invitations": [
            {
                "kind": i.get_kind_display(),
                "course": i.course_block.course.title,
                "opens": i.opens_on.isoformat(),
                "expires": i.expires_on.isoformat(),
                "answered": i.answered_at.isoformat() if i.answered_at else None,
            }
            for i in invitations
        ],
        "evaluation_answers": [
            {
                "course": a.response.course_block.course.title,
                "questionnaire": a.response.get_kind_display(),
                "question": a.question.text,
                "score": a.score,
                "not_relevant": a.not_relevant,
                "text": a.text,
                "submitted": a.response.submitted_at.isoformat(),
            }
            for a in answers
        ],
        "report_downloads_naming_them": [
            {
                "when": d.created_at.isoformat(),
                "who": d.actor.get_full_name() if d.actor else d.actor_name,
                "report": d.target_repr,
                "file": d.data.get("filename", ""),
            }
            for d in downloads
        ],
    }


def employee_export_zip(employee: Employee, language: str) -> bytes:
    data = employee_data(employee)
    with translation.override(language):
        summary = render_to_string("privacy/export_summary.html", {"data": data})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("summary.html", summary)
    return buffer.getvalue()


# --- Retention ------------------------------------------------------------------------


def _due(now: dt.datetime) -> dict:
    days = settings.RETENTION_DAYS
    today = timezone.localdate(now)

    def before(category):
        return now - dt.timedelta(days=days[category])

    return {
        "inactive_employees": Employee.objects.filter(
            active=False, anonymised_at=None, updated_at__lt=before("inactive_employees")
        ),
        "evaluation_free_text": Answer.objects.exclude(text="").filter(
            response__submitted_at__lt=before("evaluation_free_text")
        ),
        "report_files": ReportJob.objects.exclude(file="").filter(
            expires_at__lt=before("report_files")
        ),
        "audit_events": AuditEvent.objects.filter(created_at__lt=before("audit_events")),
        "unanswered_invitations": Invitation.objects.filter(
            answered_at=None,
            expires_on__lt=today - dt.timedelta(days=days["unanswered_invitations"]),
        ),
        "notifications": Notification.objects.filter(created_at__lt=before("notifications")),
        # Every invitation link expires, used or not; the audit trail keeps who joined.
        "people_invitations": PeopleInvitation.objects.filter(
            expires_at__lt=before("people_invitations")
        ),
        # Sessions past their absolute lifetime (or idle end) can never be used again.
        "expired_sessions": UserSession.objects.filter(expire_date__lt=before("expired_sessions")),
        # Who signed in or tried to, from which address (django-axes), and the throttles'
        # counters (keyed digests). Lockouts only look back over the cool-off (minutes).
        "login_records": (
            AccessLog.objects.filter(attempt_time__lt=before("login_records")),
            AccessAttempt.objects.filter(attempt_time__lt=before("login_records")),
            AccessFailureLog.objects.filter(attempt_time__lt=before("login_records")),
            Throttle.objects.filter(window_start__lt=before("login_records")),
        ),
    }


def _querysets(rows) -> tuple:
    """A category is one queryset, or several tables of one kind of record."""
    return rows if isinstance(rows, tuple) else (rows,)


def _count(rows) -> int:
    return sum(queryset.count() for queryset in _querysets(rows))


def retention_overview(now=None) -> list[dict]:
    """Each category, its period and how many rows are due now (one count query per table)."""
    now = now or timezone.now()
    return [
        {"category": category, "days": settings.RETENTION_DAYS[category], "due": _count(rows)}
        for category, rows in _due(now).items()
    ]


@transaction.atomic
def apply_retention(*, now=None, dry_run=False) -> dict[str, int]:
    """Remove (or anonymise) what is past its period. With dry_run, only count."""
    now = now or timezone.now()
    due = _due(now)
    counts = {category: _count(rows) for category, rows in due.items()}
    if dry_run:
        return counts
    for employee in due["inactive_employees"]:
        employee_anonymise(employee=employee, by=None)
    due["evaluation_free_text"].update(text="")
    _delete_files(due["report_files"])
    due["unanswered_invitations"].delete()
    if counts["notifications"]:
        recipients = list(
            due["notifications"].exclude(recipient=None).values_list("recipient_id", flat=True)
        )
        due["notifications"].delete()
        recount_unread(user_ids=set(recipients))
    due["people_invitations"].delete()
    due["audit_events"].delete()
    due["expired_sessions"].delete()
    for queryset in due["login_records"]:
        queryset.delete()
    audit_record(action=AuditEvent.Action.RETENTION_APPLIED, data=counts)
    return counts
