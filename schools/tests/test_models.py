from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from schools.models import AmuCourse
from tests.factories import (
    AmuCourseFactory,
    FkbFactory,
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
