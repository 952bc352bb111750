"""ÅE and VEU figures against examples computed by hand."""

from decimal import Decimal

import pytest

from competence_plans.models import PlanActivity
from competence_plans.selectors import plan_figures, plans_figures
from scheduling.models import CourseBlock, Enrollment
from scheduling.selectors import course_block_aarselever, course_blocks_with_participation
from schools.figures import aarselever, veu_compensation_dkk
from tests.factories import (
    AmuCourseFactory,
    CompetencePlanFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EmployeeGroupFactory,
    EnrollmentFactory,
    PlanActivityFactory,
)


def test_200_participant_days_are_one_aarselev():
    assert aarselever(200) == Decimal("1.000")
    assert aarselever(Decimal("37.5")) == Decimal("0.188")  # 37.5 / 200 = 0.1875
    assert aarselever(0) == Decimal("0.000")


def test_veu_uses_the_configured_daily_rate(settings):
    settings.VEU_DAILY_RATE_DKK = Decimal("911")
    assert veu_compensation_dkk(10) == Decimal("9110.00")
    settings.VEU_DAILY_RATE_DKK = Decimal("950.50")
    assert veu_compensation_dkk(Decimal("2.5")) == Decimal("2376.25")


@pytest.mark.django_db
def test_block_aarselever_counts_only_participating_enrollments():
    block = CourseBlockFactory(course=AmuCourseFactory(duration_days=Decimal("5")))
    for status in ["planned", "enrolled", "completed", "completed"]:
        EnrollmentFactory(course_block=block, status=status)
    EnrollmentFactory(course_block=block, status=Enrollment.Status.CANCELLED)
    EnrollmentFactory(course_block=block, status=Enrollment.Status.NO_SHOW)
    # 4 participants × 5 days = 20 participant days = 0.1 ÅE
    assert block.course_days == Decimal("5")
    assert course_block_aarselever(block) == Decimal("0.100")
    annotated = course_blocks_with_participation(CourseBlock.objects.filter(pk=block.pk)).get()
    assert annotated.participant_count == 4
    assert annotated.participant_days == Decimal("20")


@pytest.mark.django_db
def test_plan_figures_hand_computed(settings):
    settings.VEU_DAILY_RATE_DKK = Decimal("911")
    plan = CompetencePlanFactory()
    company = plan.partnership.company
    welders = EmployeeGroupFactory(company=company)
    anna = EmployeeFactory(company=company, group=welders, education_level="unskilled")
    EmployeeFactory(company=company, group=welders, education_level="skilled")  # Bo
    carl = EmployeeFactory(company=company, group=welders, education_level="long_higher")
    EmployeeFactory(company=company, group=welders, education_level="skilled", active=False)
    dina = EmployeeFactory(company=company, education_level="skilled")

    # Activity 1: 5 days for the welders group and Anna by name (counted once):
    # Anna, Bo, Carl → 15 participant days, 10 of them VEU-eligible (Anna, Bo).
    first = PlanActivityFactory(plan=plan, amu_course=AmuCourseFactory(duration_days=5), days=5)
    first.target_groups.add(welders)
    first.target_employees.add(anna)
    # Activity 2: 2.5 days for Dina and Carl → 5 days, 2.5 eligible (Dina).
    second = PlanActivityFactory(
        plan=plan, amu_course=AmuCourseFactory(duration_days=Decimal("2.5")), days=Decimal("2.5")
    )
    second.target_employees.add(dina, carl)
    # Staged learning is not AMU: no ÅE, no VEU.
    staged = PlanActivityFactory(
        plan=plan, kind=PlanActivity.Kind.STAGED_LEARNING, amu_course=None, days=10
    )
    staged.target_groups.add(welders)

    figures = plan_figures(plan)
    assert figures.participants == 4  # Anna, Bo, Carl, Dina
    assert figures.participant_days == Decimal("20")  # 15 + 5
    assert figures.eligible_participant_days == Decimal("12.5")  # 10 + 2.5
    assert figures.aarselever == Decimal("0.100")  # 20 / 200
    assert figures.veu_estimate_dkk == Decimal("11387.50")  # 12.5 × 911


@pytest.mark.django_db
def test_plans_figures_keeps_plans_apart_in_constant_queries(django_assert_num_queries):
    plans = [CompetencePlanFactory() for _ in range(3)]
    for plan in plans[:2]:
        activity = PlanActivityFactory(plan=plan, days=3)
        activity.target_employees.add(
            EmployeeFactory(company=plan.partnership.company, education_level="skilled")
        )
    with django_assert_num_queries(3):  # activities, named targets, group targets
        figures = plans_figures(plans)
    assert [figures[p.pk].participant_days for p in plans] == [3, 3, 0]
    assert figures[plans[2].pk].aarselever == Decimal("0.000")
