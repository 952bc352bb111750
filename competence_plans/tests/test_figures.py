"""ÅE and VEU figures against examples computed by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from competence_plans.models import CompetencePlan, PlanActivity
from competence_plans.selectors import partnership_economics, plan_figures, plans_figures
from scheduling.models import CourseBlock, Enrollment
from scheduling.selectors import course_block_aarselever, course_blocks_with_participation
from schools.figures import Economics, Volumes, YearVolume, aarselever, funding_rates
from schools.models import FundingRate
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


@pytest.fixture
def rates(db):
    """Round rates of our own, so the arithmetic below can be checked by hand: per day
    2025 VEU 900, fee 200, full price 700; 2026 VEU 1,000, fee 220, full price 800."""
    FundingRate.objects.all().delete()
    FundingRate.objects.create(
        year=2025, veu_per_week=4500, fee_per_week=1000, full_price_per_week=3500
    )
    FundingRate.objects.create(
        year=2026,
        veu_per_week=5000,
        fee_per_week=1100,
        full_price_per_week=4000,
        fee_is_estimate=True,
    )
    return funding_rates()


def test_economics_prices_each_year_at_its_own_rates(rates):
    economics = Economics.of(
        [YearVolume(2025, Decimal(15), Decimal(10)), YearVolume(2026, Decimal(5), Decimal("2.5"))],
        rates,
    )
    # VEU: 10 × 900 + 2.5 × 1,000; fees: 10 × 200 + 5 × 700 + 2.5 × 220 + 2.5 × 800
    assert economics.veu == Decimal("11500.00")
    assert economics.fees == Decimal("8050.00")
    assert economics.net == Decimal("-3450.00")
    assert economics.participant_days == Decimal(20)
    assert economics.eligible_days == Decimal("12.5")
    assert economics.hours_away == Decimal("148.0")  # 20 × 7.4
    assert economics.aarselever == Decimal("0.100")
    assert [rate.year for rate in economics.rates] == [2025, 2026]
    assert economics.missing_years == ()
    assert economics.is_estimate  # the 2026 fee is an estimate


def test_the_same_days_in_the_other_year_cost_differently(rates):
    in_2025 = Economics.of([YearVolume(2025, Decimal(5), Decimal(5))], rates)
    in_2026 = Economics.of([YearVolume(2026, Decimal(5), Decimal(5))], rates)
    assert (in_2025.veu, in_2025.fees) == (Decimal("4500.00"), Decimal("1000.00"))
    assert (in_2026.veu, in_2026.fees) == (Decimal("5000.00"), Decimal("1100.00"))
    assert not in_2025.is_estimate and in_2026.is_estimate


def test_non_eligible_participants_pay_the_full_price_and_bring_no_veu(rates):
    economics = Economics.of([YearVolume(2025, Decimal(5), Decimal(0))], rates)
    assert economics.veu == Decimal("0.00")
    assert economics.fees == Decimal("3500.00")  # 5 × 700
    assert economics.net == Decimal("3500.00")


def test_a_year_without_rates_is_named_and_no_money_is_guessed(rates):
    economics = Economics.of(
        [YearVolume(2026, Decimal(5), Decimal(5)), YearVolume(2027, Decimal(1), Decimal(1))],
        rates,
    )
    assert economics.missing_years == (2027,)
    assert economics.fees is None and economics.veu is None and economics.net is None
    assert economics.participant_days == Decimal(6)  # the school's figures still count
    assert economics.hours_away == Decimal("44.4")


def test_volumes_add_up_by_year_and_leave_out_empty_years():
    volumes = Volumes()
    volumes.add(2026, 5, 5)
    volumes.add(2025, Decimal("2.5"), 0)
    volumes.add(2026, 1, 0)
    volumes.add(2024, 0, 0)
    assert volumes.result() == (
        YearVolume(2025, Decimal("2.5"), Decimal(0)),
        YearVolume(2026, Decimal(6), Decimal(5)),
    )
    assert volumes.result()[0].other_days == Decimal("2.5")


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


def test_plan_figures_hand_computed(rates):
    plan = CompetencePlanFactory()
    company = plan.partnership.company
    welders = EmployeeGroupFactory(company=company)
    anna = EmployeeFactory(company=company, group=welders, education_level="unskilled")
    EmployeeFactory(company=company, group=welders, education_level="skilled")  # Bo
    carl = EmployeeFactory(company=company, group=welders, education_level="long_higher")
    EmployeeFactory(company=company, group=welders, education_level="skilled", active=False)
    dina = EmployeeFactory(company=company, education_level="skilled")

    # Activity 1, planned from the last day of 2025: 5 days for the welders group and
    # Anna by name (counted once): Anna, Bo, Carl → 15 participant days, 10 of them
    # VEU-eligible (Anna, Bo).
    first = PlanActivityFactory(
        plan=plan,
        amu_course=AmuCourseFactory(duration_days=5),
        days=5,
        planned_start=dt.date(2025, 12, 31),
    )
    first.target_groups.add(welders)
    first.target_employees.add(anna)
    # Activity 2, planned from the first day of 2026: 2.5 days for Dina and Carl → 5
    # days, 2.5 eligible (Dina).
    second = PlanActivityFactory(
        plan=plan,
        amu_course=AmuCourseFactory(duration_days=Decimal("2.5")),
        days=Decimal("2.5"),
        planned_start=dt.date(2026, 1, 1),
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
    economics = figures.economics
    assert economics.veu == Decimal("11500.00")  # 10 × 900 (2025) + 2.5 × 1,000 (2026)
    # 2025: 10 × 200 + 5 × 700 (Carl); 2026: 2.5 × 220 + 2.5 × 800 (Carl)
    assert economics.fees == Decimal("8050.00")
    assert economics.net == Decimal("-3450.00")
    assert economics.hours_away == Decimal("148.0")

    FundingRate.objects.filter(year=2026).delete()
    economics = plan_figures(plan).economics
    assert economics.missing_years == (2026,)
    assert economics.veu is None and economics.participant_days == Decimal("20")


def test_a_partnership_counts_only_the_newest_version_of_each_plan(rates):
    first = CompetencePlanFactory()
    partnership = first.partnership
    newer = CompetencePlanFactory(partnership=partnership, previous_version=first)
    other = CompetencePlanFactory(partnership=partnership)
    for plan, days in [(first, 1), (newer, 2), (other, 3)]:
        activity = PlanActivityFactory(plan=plan, days=days, planned_start=dt.date(2025, 3, 3))
        activity.target_employees.add(
            EmployeeFactory(company=partnership.company, education_level="skilled")
        )
    empty = CompetencePlanFactory()
    plans = list(CompetencePlan.objects.filter(pk__in=[first.pk, newer.pk, other.pk, empty.pk]))
    economics = partnership_economics(plans, plans_figures(plans))
    assert economics[partnership.pk].participant_days == Decimal(5)  # 2 + 3, not 1
    assert economics[partnership.pk].veu == Decimal("4500.00")  # 5 × 900
    assert economics[empty.partnership_id].participant_days == Decimal(0)
    assert economics[empty.partnership_id].veu == Decimal("0.00")


@pytest.mark.django_db
def test_plans_figures_keeps_plans_apart_in_constant_queries(django_assert_num_queries):
    plans = [CompetencePlanFactory() for _ in range(3)]
    for plan in plans[:2]:
        activity = PlanActivityFactory(plan=plan, days=3)
        activity.target_employees.add(
            EmployeeFactory(company=plan.partnership.company, education_level="skilled")
        )
    with django_assert_num_queries(4):  # activities, named and group targets, rates
        figures = plans_figures(plans)
    assert [figures[p.pk].participant_days for p in plans] == [3, 3, 0]
    assert figures[plans[2].pk].aarselever == Decimal("0.000")


@pytest.fixture
def priced_plan(rates, world):
    """A plan of partnership A: 5 days in 2025 for two skilled employees and one with a
    long higher education. VEU 2 × 5 × 900 = 9,000; fees 2 × 5 × 200 + 5 × 700 = 5,500;
    net −3,500; 15 days × 7.4 = 111.0 hours away; 15 / 200 = 0.075 ÅE."""
    plan = CompetencePlanFactory(partnership=world["partnership_a"])
    activity = PlanActivityFactory(plan=plan, days=5, planned_start=dt.date(2025, 11, 3))
    company = world["company_a"]
    for level in ("skilled", "skilled", "long_higher"):
        activity.target_employees.add(EmployeeFactory(company=company, education_level=level))
    return plan


def economics_text(html: str, section_id: str) -> str:
    """The text of one section, tags dropped and spaces collapsed."""
    import re

    start = html.index(f'id="{section_id}"')
    section = html[start : html.index("</section>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def test_the_plan_page_shows_what_the_plan_costs_and_the_rates_used(client, world, priced_plan):
    client.force_login(world["coordinator"])
    html = client.get(reverse("competence_plans:detail", args=[priced_plan.pk])).content.decode()
    text = economics_text(html, "h-economics")
    assert "Deltagerbetaling (kr.) 5.500" in text
    assert "Forventet VEU-godtgørelse (kr.) 9.000" in text
    assert "Nettoudgift efter godtgørelse (kr.) -3.500" in text
    assert "Timer væk fra arbejdet 111,0" in text
    assert "ÅE 0,08" in text  # 0.075 shown with two decimals
    assert "2025: VEU 4.500" in text and "skøn" not in text.split("2025:")[1].split(";")[0]
    assert "ingen satser" not in text


def test_a_plan_in_a_year_without_rates_says_so_and_gives_no_money(client, world, priced_plan):
    FundingRate.objects.filter(year=2025).delete()
    client.force_login(world["coordinator"])
    html = client.get(reverse("competence_plans:detail", args=[priced_plan.pk])).content.decode()
    text = economics_text(html, "h-economics")
    assert "Der er endnu ingen satser for 2025" in text
    assert "Forventet VEU-godtgørelse (kr.) –" in text
    assert "Timer væk fra arbejdet 111,0" in text  # what needs no rate is still given


def test_hr_sees_each_partnership_cost_in_the_company_view(client, world, priced_plan):
    CompetencePlanFactory(partnership=world["partnership_b"])  # another company's plan
    client.force_login(world["hr"])
    html = client.get(reverse("dashboards:company", args=[world["company_a"].pk])).content
    text = economics_text(html.decode(), "c-money")
    row = text.split(world["partnership_a"].title)[1]
    assert row.split()[:7] == ["5.500", "9.000", "-3.500", "111,0", "15", "0,08", "Fra"]
    assert world["partnership_b"].title not in text
    assert "2025: VEU 4.500, deltagerbetaling 1.000, fuld pris 3.500 kr. pr. uge." in text


@pytest.mark.pdf
def test_the_plan_pdf_gives_the_same_figures(world, priced_plan):
    import io

    from pypdf import PdfReader

    from reports.services import report_render, report_request

    job = report_request(by=world["hr"], kind="competence_plan", subject=priced_plan, language="da")
    job = report_render(job_id=job.pk)
    job.file.open("rb")
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(job.file.read())).pages
    )
    assert "Hvad planen koster og giver" in text
    assert "5.500" in text and "9.000" in text and "-3.500" in text and "111,0" in text
