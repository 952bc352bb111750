"""Each employee's competence record: the AMU courses they completed (with the AMU
certificate when they passed, or when the course has no test), the other activities their
current plans give them, and the certificates they hold with their expiry."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from companies.models import EXPIRY_WARNING_DAYS, Employee, EmployeeCertificate
from companies.selectors import current_certificates
from competence_plans.models import PlanActivity

from .models import PARTICIPATING_STATUSES, CourseBlock, Enrollment


@dataclass(frozen=True)
class CertificateRow:
    certificate: EmployeeCertificate
    current: bool  # its type's newest for the person (the others are history)
    state: str  # "valid", "expiring", "expired", "history"


@dataclass(frozen=True)
class Record:
    employee: Employee
    certificates: list[CertificateRow]
    completed: list[Enrollment]
    upcoming: list[Enrollment]
    activities: list[PlanActivity]


def certificate_state(certificate, *, current: bool, today: dt.date) -> str:
    if not current:
        return "history"
    if certificate.expires_on is None or certificate.expires_on > today + dt.timedelta(
        days=EXPIRY_WARNING_DAYS
    ):
        return "valid"
    return "expired" if certificate.expires_on < today else "expiring"


def employee_record(employee: Employee, today: dt.date) -> Record:
    """Five queries, whatever the length of the record."""
    current = set(
        current_certificates(Employee.objects.filter(pk=employee.pk)).values_list("pk", flat=True)
    )
    certificates = (
        EmployeeCertificate.objects.filter(employee=employee)
        .select_related("type__renewing_course")
        .order_by("type__name", "-issued_on", "-pk")
    )
    enrollments = list(
        Enrollment.objects.filter(employee=employee)
        .exclude(course_block__status=CourseBlock.Status.CANCELLED)
        .select_related("course_block__course", "course_block__school")
        .order_by("-course_block__start_date")
    )
    activities = (
        PlanActivity.objects.filter(
            Q(target_employees=employee) | Q(target_groups__employees=employee),
            plan__next_version__isnull=True,
        )
        .exclude(kind=PlanActivity.Kind.AMU_COURSE)
        .select_related("plan")
        .distinct()
        .order_by("planned_start", "plan__title", "position")
    )
    return Record(
        employee=employee,
        certificates=[
            CertificateRow(
                c, c.pk in current, certificate_state(c, current=c.pk in current, today=today)
            )
            for c in certificates
        ],
        completed=[e for e in enrollments if e.status == Enrollment.Status.COMPLETED],
        upcoming=[
            e
            for e in enrollments
            if e.status in PARTICIPATING_STATUSES
            and e.status != Enrollment.Status.COMPLETED
            and e.course_block.end_date >= today
        ],
        activities=list(activities),
    )
