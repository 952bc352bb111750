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

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import AuditEvent
from accounts.services import audit_record
from companies.models import Employee
from competence_plans.models import Enrollment, PlanActivity
from evaluations.models import Answer, Invitation
from reports.models import ReportJob

# Free text lives in these apps; every CharField and TextField in them is searched.
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


def _replace_in_text(name: str, replacement: str) -> int:
    """Replace the name as a whole phrase, any case, in every free-text column and in the
    audit log's details. Returns the number of rows changed."""
    pattern = _pattern(name)
    changed = 0
    for model, field in text_columns():
        rows = model._default_manager.filter(**{f"{field}__icontains": name})
        for row in rows.only("pk", field):
            value = getattr(row, field)
            new = pattern.sub(replacement, value)
            if new != value:
                model._default_manager.filter(pk=row.pk).update(**{field: new})
                changed += 1
    for event in AuditEvent.objects.filter(data__icontains=name).only("pk", "data"):
        text = json.dumps(event.data, ensure_ascii=False)
        new = pattern.sub(replacement, text)
        if new != text:
            AuditEvent.objects.filter(pk=event.pk).update(data=json.loads(new))
            changed += 1
    return changed


def reports_naming(employee: Employee):
    """Report jobs whose file lists the employee: competence-plan PDFs of plans they were
    placed on (participants are listed by name), and their own exports."""
    plan_ids = Enrollment.objects.filter(employee=employee).values("plan_activity__plan")
    return ReportJob.objects.filter(
        Q(kind=ReportJob.Kind.COMPETENCE_PLAN, plan__in=plan_ids)
        | Q(kind=ReportJob.Kind.EMPLOYEE_EXPORT, employee=employee)
    )


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
    changed = sum(_replace_in_text(name, alias) for name in names if len(name) >= 3)
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
                "plan": e.plan_activity.plan.title if e.plan_activity else None,
            }
            for e in enrollments
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
    }


def retention_overview(now=None) -> list[dict]:
    """Each category, its period and how many rows are due now (one count query each)."""
    now = now or timezone.now()
    return [
        {"category": category, "days": settings.RETENTION_DAYS[category], "due": queryset.count()}
        for category, queryset in _due(now).items()
    ]


@transaction.atomic
def apply_retention(*, now=None, dry_run=False) -> dict[str, int]:
    """Remove (or anonymise) what is past its period. With dry_run, only count."""
    now = now or timezone.now()
    due = _due(now)
    counts = {category: queryset.count() for category, queryset in due.items()}
    if dry_run:
        return counts
    for employee in due["inactive_employees"]:
        employee_anonymise(employee=employee, by=None)
    due["evaluation_free_text"].update(text="")
    _delete_files(due["report_files"])
    due["unanswered_invitations"].delete()
    due["audit_events"].delete()
    audit_record(action=AuditEvent.Action.RETENTION_APPLIED, data=counts)
    return counts
