"""Competence records in the demo: courses that end with a test and their results,
certificate types with the AMU course that renews them, and certificates of the first
company's people, some of them about to expire so the renewal proposals have work."""

import datetime as dt

from dateutil.relativedelta import relativedelta

from companies.models import CertificateType, Company, EmployeeCertificate
from scheduling.models import CourseBlock, Enrollment
from schools.models import AmuCourse

from .base import SeedReport, World

TESTED_COURSES = ["40201", "40202", "40203", "45101", "45202", "46105", "49102"]
# (name, months valid or None, renewing course)
CERTIFICATE_TYPES = [
    ("Førstehjælpsbevis", 24, "49102"),
    ("Gaffeltruckcertifikat (B)", None, "45101"),
    ("Svejsecertifikat EN ISO 9606-1", 24, "40202"),
    ("ADR-bevis, farligt gods", 60, "45202"),
]
# The companies whose people hold certificates: the HR login's (hr), and the one with
# tovholder's draft plan, where the plan editor proposes the renewals.
RECORDS_COMPANIES = ["Østjysk Stålkonstruktion A/S", "Aarhus Kommune, Ejendomsservice"]


def seed_records(world: World, report: SeedReport) -> None:
    AmuCourse.objects.filter(number__in=TESTED_COURSES).update(has_test=True)
    # Results of the tests already held: most pass.
    held = Enrollment.objects.filter(
        status=Enrollment.Status.COMPLETED,
        course_block__status=CourseBlock.Status.HELD,
        course_block__course__has_test=True,
        test_result="",
    ).order_by("pk")
    for n, enrollment in enumerate(held):
        enrollment.test_result = (
            Enrollment.TestResult.NOT_PASSED if n % 7 == 3 else Enrollment.TestResult.PASSED
        )
        enrollment.save(update_fields=["test_result", "updated_at"])
    courses = {c.number: c for c in AmuCourse.objects.filter(number__in=TESTED_COURSES)}
    types = []
    for name, months, course in CERTIFICATE_TYPES:
        certificate_type, created = CertificateType.objects.get_or_create(
            name=name, defaults={"validity_months": months, "renewing_course": courses.get(course)}
        )
        types.append(certificate_type)
        report.add("certificate_types", int(created))
    for company in Company.objects.filter(name__in=RECORDS_COMPANIES).order_by("pk"):
        _seed_certificates(company, types, world, report)


def _seed_certificates(company, types, world: World, report: SeedReport) -> None:
    first_aid, truck, welding, _adr = types
    employees = list(company.employees.filter(active=True).order_by("pk")[:18])
    for n, employee in enumerate(employees):
        # First aid for everyone, issued so that every third expires within 90 days and
        # one expired last month; welding for the first six; a forklift licence for three.
        issued = world.today - relativedelta(months=24) + dt.timedelta(days=20 + 11 * n)
        if n % 3 == 1:
            issued += relativedelta(months=6)
        if n == 5:
            issued = world.today - relativedelta(months=25)
        wanted = [(first_aid, issued)]
        if n < 6:
            wanted.append(
                (welding, world.today - relativedelta(months=20) + dt.timedelta(days=9 * n))
            )
        if n in (2, 7, 11):
            wanted.append((truck, world.today - relativedelta(years=4)))
        for certificate_type, issued_on in wanted:
            _row, created = EmployeeCertificate.objects.get_or_create(
                employee=employee,
                type=certificate_type,
                issued_on=issued_on,
                defaults={
                    "expires_on": certificate_type.expiry_from(issued_on),
                    "source": EmployeeCertificate.Source.IMPORTED,
                },
            )
            report.add("employee_certificates", int(created))
