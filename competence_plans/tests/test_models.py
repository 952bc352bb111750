import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from competence_plans.models import CompetencePlan, PlanActivity
from scheduling.models import Enrollment
from tests.factories import (
    AmuCourseFactory,
    CompetencePlanFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EnrollmentFactory,
    PlanActivityFactory,
)

pytestmark = pytest.mark.django_db


def activity(**overrides):
    values = {
        "plan": CompetencePlanFactory(),
        "title": "Aktivitet",
        "planned_start": dt.date(2026, 2, 2),
        "planned_end": dt.date(2026, 3, 2),
        "days": 2,
    }
    values.update(overrides)
    return PlanActivity(**values)


def test_amu_activity_requires_a_course():
    with pytest.raises(ValidationError) as error:
        activity(kind=PlanActivity.Kind.AMU_COURSE).full_clean()
    assert "amu_course" in error.value.message_dict


@pytest.mark.parametrize(
    "kind",
    [
        PlanActivity.Kind.STAGED_LEARNING,
        PlanActivity.Kind.INFORMAL_LEARNING,
        PlanActivity.Kind.OTHER_EDUCATION,
    ],
)
def test_other_kinds_must_not_link_a_course(kind):
    with pytest.raises(ValidationError) as error:
        activity(kind=kind, amu_course=AmuCourseFactory()).full_clean()
    assert "amu_course" in error.value.message_dict
    activity(kind=kind).full_clean()


def test_database_enforces_course_exactly_for_amu_kind():
    with transaction.atomic(), pytest.raises(IntegrityError):
        activity(kind=PlanActivity.Kind.AMU_COURSE).save()
    with transaction.atomic(), pytest.raises(IntegrityError):
        activity(kind=PlanActivity.Kind.STAGED_LEARNING, amu_course=AmuCourseFactory()).save()


def test_activity_period_and_days_are_checked():
    with pytest.raises(ValidationError) as error:
        activity(
            kind=PlanActivity.Kind.INFORMAL_LEARNING,
            planned_end=dt.date(2026, 1, 1),
            days=0,
        ).full_clean()
    assert {"planned_end", "days"} <= set(error.value.message_dict)


def test_plan_period_must_not_end_before_it_starts():
    plan = CompetencePlanFactory.build(
        partnership=CompetencePlanFactory().partnership,
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 5, 1),
    )
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "period_end" in error.value.message_dict
    with pytest.raises(IntegrityError):
        plan.save()


def test_plan_version_is_unique_per_partnership_and_title():
    plan = CompetencePlanFactory(title="Plan 2027")
    with pytest.raises(IntegrityError):
        CompetencePlan.objects.create(
            partnership=plan.partnership,
            title="Plan 2027",
            version=plan.version,
            period_start=plan.period_start,
            period_end=plan.period_end,
        )


def test_employee_is_enrolled_once_per_block():
    enrollment = EnrollmentFactory()
    with pytest.raises(IntegrityError):
        Enrollment.objects.create(
            employee=enrollment.employee, course_block=enrollment.course_block
        )


def test_enrollment_activity_must_match_block_course_and_company():
    plan_activity = PlanActivityFactory()
    block = CourseBlockFactory()  # another course
    stranger = EmployeeFactory()  # another company
    enrollment = Enrollment(employee=stranger, course_block=block, plan_activity=plan_activity)
    with pytest.raises(ValidationError) as error:
        enrollment.full_clean()
    assert {"plan_activity", "employee"} <= set(error.value.message_dict)

    matching = Enrollment(
        employee=EmployeeFactory(company=plan_activity.plan.partnership.company),
        course_block=CourseBlockFactory(course=plan_activity.amu_course),
        plan_activity=plan_activity,
    )
    matching.full_clean()
