import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import CompanyMembership, CompanyRole, SchoolMembership, SchoolRole, User
from companies.models import Company, EducationLevel, Employee, EmployeeGroup
from companies.validators import is_valid_cvr
from competence_plans.models import CompetencePlan, PlanActivity
from core.isoweek import iso_week_of
from partnerships.models import Partnership
from scheduling.calendar import public_holidays
from scheduling.models import CourseBlock, Enrollment
from schools.models import AmuCourse, Department, Fkb, School


def valid_cvr(n: int) -> str:
    prefix = 20_000_000 + n * 131
    while True:
        for check in range(10):
            number = str(prefix)[:7] + str(check)
            if is_valid_cvr(number):
                return number
        prefix += 10


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"Skole {n}")
    short_name = factory.Sequence(lambda n: f"S{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Afdeling {n}")


class SchoolMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolMembership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = SchoolRole.COORDINATOR


class FkbFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fkb

    code = factory.Sequence(lambda n: f"{2000 + n}")
    title = factory.Sequence(lambda n: f"FKB {n}")


class AmuCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AmuCourse

    number = factory.Sequence(lambda n: f"{40000 + n:05d}")
    title = factory.Sequence(lambda n: f"AMU-kursus {n}")
    duration_days = Decimal("5")
    fkb = factory.SubFactory(FkbFactory)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Virksomhed {n} A/S")
    cvr = factory.Sequence(valid_cvr)
    sector = "metal"
    size_band = "50-249"


class CompanyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyMembership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = CompanyRole.HR


class EmployeeGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployeeGroup

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Gruppe {n}")


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Medarbejder {n}")
    education_level = EducationLevel.SKILLED


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    company = factory.SubFactory(CompanyFactory)
    lead_school = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"Partnerskab {n}")
    status = Partnership.Status.ACTIVE
    start_date = dt.date(2026, 1, 5)


class CompetencePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencePlan

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Kompetenceplan {n}")
    period_start = dt.date(2026, 1, 5)
    period_end = dt.date(2026, 12, 31)


class PlanActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanActivity

    plan = factory.SubFactory(CompetencePlanFactory)
    kind = PlanActivity.Kind.AMU_COURSE
    amu_course = factory.SubFactory(AmuCourseFactory)
    title = factory.LazyAttribute(lambda a: a.amu_course.title if a.amu_course else "Aktivitet")
    planned_start = dt.date(2026, 2, 2)
    planned_end = dt.date(2026, 6, 26)
    days = factory.LazyAttribute(lambda a: a.amu_course.duration_days if a.amu_course else 2)


def _monday_in(weeks: int) -> dt.date:
    """The Monday `weeks` ahead, or the first one after it whose Monday to Friday has no
    public holiday, so a default block never depends on the time of year the tests run."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)
    while public_holidays(monday, monday + dt.timedelta(days=4)):
        monday += dt.timedelta(weeks=1)
    return monday


class CourseBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseBlock
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    course = factory.SubFactory(AmuCourseFactory)
    reference = factory.Sequence(lambda n: f"HOLD-{n}")
    start_date = factory.LazyFunction(lambda: _monday_in(2))
    end_date = factory.LazyAttribute(lambda b: b.start_date + dt.timedelta(days=4))
    iso_year = factory.LazyAttribute(lambda b: iso_week_of(b.start_date)[0])
    iso_week = factory.LazyAttribute(lambda b: iso_week_of(b.start_date)[1])
    capacity = 16

    @factory.post_generation
    def teachers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.teachers.set(extracted)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    employee = factory.SubFactory(EmployeeFactory)
    course_block = factory.SubFactory(CourseBlockFactory)
    status = Enrollment.Status.ENROLLED
