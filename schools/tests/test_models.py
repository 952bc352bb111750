import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from scheduling.models import CourseBlock
from schools.models import AmuCourse
from tests.factories import (
    AmuCourseFactory,
    CompanyFactory,
    CourseBlockFactory,
    DepartmentFactory,
    FkbFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db


def course(**overrides):
    values = {"number": "22906", "title": "Kursus", "duration_days": Decimal("5")}
    values.update(overrides)
    return AmuCourse(fkb=FkbFactory(), **values)


@pytest.mark.parametrize("number", ["2290", "229061", "2290A", "abcde", " 2290"])
def test_amu_number_must_be_five_digits(number):
    with pytest.raises(ValidationError) as error:
        course(number=number).full_clean()
    assert "number" in error.value.message_dict


def test_valid_amu_course_passes_validation():
    course(number="22906", duration_days=Decimal("2.5")).full_clean()


@pytest.mark.parametrize("days", ["0", "-1", "1.3", "0.2"])
def test_duration_must_be_positive_whole_or_half_days(days):
    with pytest.raises(ValidationError) as error:
        course(duration_days=Decimal(days)).full_clean()
    assert "duration_days" in error.value.message_dict


def test_database_refuses_non_positive_duration_and_bad_number():
    fkb = FkbFactory()
    with transaction.atomic(), pytest.raises(IntegrityError):
        AmuCourse.objects.create(number="12345", title="x", duration_days=0, fkb=fkb)
    with transaction.atomic(), pytest.raises(IntegrityError):
        AmuCourse.objects.create(number="1234", title="x", duration_days=1, fkb=fkb)


def test_amu_number_is_unique():
    AmuCourseFactory(number="22906")
    with pytest.raises(IntegrityError):
        AmuCourseFactory(number="22906")


def block(**overrides):
    school = overrides.pop("school", None) or SchoolFactory()
    values = {
        "school": school,
        "course": AmuCourseFactory(),
        "reference": "H1",
        "iso_year": 2026,
        "iso_week": 48,
        "start_date": dt.date(2026, 11, 23),
        "end_date": dt.date(2026, 11, 27),
        "capacity": 12,
    }
    values.update(overrides)
    return CourseBlock(**values)


def test_valid_block_passes_validation():
    block().full_clean()


def test_block_end_before_start_is_refused_at_end_date():
    with pytest.raises(ValidationError) as error:
        block(end_date=dt.date(2026, 11, 22)).full_clean()
    assert "end_date" in error.value.message_dict


def test_block_start_must_lie_in_its_iso_week():
    with pytest.raises(ValidationError) as error:
        block(iso_week=47).full_clean()
    assert "start_date" in error.value.message_dict


def test_week_53_exists_only_in_long_iso_years():
    with pytest.raises(ValidationError) as error:
        block(iso_year=2025, iso_week=53).full_clean()
    assert "iso_week" in error.value.message_dict
    # 2026 has 53 ISO weeks: 28 Dec 2026 is in week 53.
    block(
        iso_year=2026,
        iso_week=53,
        start_date=dt.date(2026, 12, 28),
        end_date=dt.date(2026, 12, 30),
    ).full_clean()


def test_block_at_the_company_needs_the_company():
    with pytest.raises(ValidationError) as error:
        block(location=CourseBlock.Location.COMPANY).full_clean()
    assert "company" in error.value.message_dict
    block(location=CourseBlock.Location.COMPANY, company=CompanyFactory()).full_clean()


def test_department_must_belong_to_the_blocks_school():
    with pytest.raises(ValidationError) as error:
        block(department=DepartmentFactory()).full_clean()
    assert "department" in error.value.message_dict


def test_capacity_must_be_positive():
    with pytest.raises(ValidationError) as error:
        block(capacity=0).full_clean()
    assert "capacity" in error.value.message_dict


@pytest.mark.parametrize(
    "overrides",
    [
        {"end_date": dt.date(2026, 11, 1)},
        {"capacity": 0},
        {"iso_week": 54},
        {"location": CourseBlock.Location.COMPANY},
    ],
)
def test_database_constraints_back_up_block_validation(overrides):
    with pytest.raises(IntegrityError):
        block(**overrides).save()


def test_block_reference_is_unique_per_school_only():
    first = CourseBlockFactory(reference="ATS-1")
    CourseBlockFactory(reference="ATS-1")  # another school may reuse it
    with pytest.raises(IntegrityError):
        CourseBlockFactory(reference="ATS-1", school=first.school)
