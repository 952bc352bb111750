"""Course blocks: dates in their ISO week, place, capacity, and the database's own
checks behind them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from scheduling.models import CourseBlock
from tests.factories import (
    AmuCourseFactory,
    CompanyFactory,
    CourseBlockFactory,
    DepartmentFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db


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
