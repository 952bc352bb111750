"""Dashboard figures against the same figures computed row by row, access, exports and
an exact query count that does not grow with the data."""

import csv
import datetime as dt
import io
import random
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SchoolRole
from companies.models import VEU_ELIGIBLE_LEVELS, EducationLevel
from dashboards import selectors
from partnerships.models import Partnership
from scheduling.models import CourseBlock, Enrollment
from schools.figures import aarselever, funding_rates
from schools.models import AeTarget, FundingRate
from tests.factories import (
    AmuCourseFactory,
    CompanyFactory,
    CompetencePlanFactory,
    CourseBlockFactory,
    DepartmentFactory,
    EmployeeFactory,
    EnrollmentFactory,
    PartnershipFactory,
    PlanActivityFactory,
    SchoolFactory,
    SchoolMembershipFactory,
)

pytestmark = pytest.mark.django_db
# The period crosses a year boundary: the figures take each year's rates.
START, END = dt.date(2025, 7, 1), dt.date(2026, 6, 30)


def generate(school, rng, partnerships=3, blocks_each=3):
    """Partnerships in several states, blocks in every state (some outside the period),
    participants with every education level and enrollment state."""
    departments = [DepartmentFactory(school=school) for _ in range(2)]
    states = list(Partnership.Status.values)
    for n in range(partnerships):
        company = CompanyFactory()
        partnership = PartnershipFactory(
            company=company,
            lead_school=school,
            status=states[(n + rng.randrange(6)) % 6],
            start_date=dt.date(2025 + n % 2, 3, 1),
        )
        plan = CompetencePlanFactory(partnership=partnership)
        for b in range(blocks_each):
            course = AmuCourseFactory(duration_days=Decimal(rng.choice(["1", "2.5", "5"])))
            activity = PlanActivityFactory(plan=plan, amu_course=course)
            start = dt.date(rng.choice([2025, 2026, 2026, 2026]), rng.randint(1, 12), 1)
            block = CourseBlockFactory(
                school=school,
                department=departments[b % 2],
                course=course,
                start_date=start,
                end_date=start + dt.timedelta(days=4),
                capacity=rng.randint(4, 12),
                status=rng.choice(CourseBlock.Status.values),
            )
            for _ in range(rng.randint(0, 6)):
                EnrollmentFactory(
                    course_block=block,
                    plan_activity=activity,
                    status=rng.choice(Enrollment.Status.values),
                    employee=EmployeeFactory(
                        company=company, education_level=rng.choice(EducationLevel.values)
                    ),
                )
    return departments


def expected(school, department=None):
    """The figures computed in Python from the rows, independently of the selectors."""
    rows = defaultdict(Decimal)
    months = defaultdict(lambda: defaultdict(Decimal))
    per_partnership = defaultdict(lambda: defaultdict(Decimal))
    blocks = CourseBlock.objects.filter(school=school, start_date__range=(START, END))
    if department:
        blocks = blocks.filter(department=department)
    for block in blocks.select_related("course"):
        rows[block.status] += 1
        if block.status != CourseBlock.Status.CANCELLED:
            rows["capacity"] += block.capacity
        else:
            continue
        for e in block.enrollments.select_related("employee", "plan_activity__plan"):
            if e.status not in selectors.PARTICIPATING:
                continue
            days = block.course.duration_days
            month = block.start_date.replace(day=1)
            veu_per_day = funding_rates()[block.start_date.year].veu_per_day
            realised = e.status == "completed" and block.status == "held"
            eligible = e.employee.education_level in VEU_ELIGIBLE_LEVELS
            rows["participants"] += 1
            rows["days"] += days
            rows["realised"] += days if realised else 0
            rows["eligible"] += days if eligible else 0
            rows["veu"] += days * veu_per_day if eligible else 0
            months[month]["planned"] += days
            months[month]["realised"] += days if realised else 0
            key = e.plan_activity.plan.partnership_id
            per_partnership[key]["days"] += days
            per_partnership[key]["veu"] += days * veu_per_day if eligible else 0
    return rows, months, per_partnership


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_equal_the_figures_computed_from_the_rows(seed):
    rng = random.Random(seed)
    school, other = SchoolFactory(), SchoolFactory()
    departments = generate(school, rng)
    generate(other, rng)  # must not leak into the first school's figures
    for department in [None, departments[0]]:
        filters = selectors.Filters(schools=[school], start=START, end=END, department=department)
        scope = selectors.scope_for(Partnership.objects.all(), CourseBlock.objects.all(), filters)
        rows, months, per_partnership = expected(school, department)
        totals = selectors.participants_total(scope, funding_rates())
        assert totals["participants"] == rows["participants"]
        assert totals["days"] == rows["days"]
        assert totals["realised_days"] == rows["realised"]
        assert totals["ae"] == aarselever(rows["days"])
        assert totals["veu"] == rows["veu"].quantize(Decimal("0.01"))
        assert totals["missing_years"] == ()
        blocks = selectors.blocks_panel(scope)
        assert blocks["held"] == rows["held"]
        assert blocks["cancelled"] == rows["cancelled"]
        assert blocks["planned"] == rows["planned"] + rows["confirmed"]
        assert blocks["capacity"] == rows["capacity"]
        got_months = {
            m["month"]: (m["planned_days"], m["realised_days"]) for m in selectors.months(scope)
        }
        assert got_months == {month: (v["planned"], v["realised"]) for month, v in months.items()}
        # Against target: the months' ÅE are the rows' days / 200; the forecast is the
        # realised ÅE up to the month of `today` (inside the period), then the planned.
        AeTarget.objects.update_or_create(
            school=school, department=department, year=2025, defaults={"target": 60}
        )
        AeTarget.objects.update_or_create(
            school=school, department=department, year=2026, defaults={"target": 120}
        )
        today = dt.date(2026, 2, 10)
        t = selectors.against_target(filters, selectors.months(scope), today)
        assert t["target"] == Decimal(6 * 5 + 6 * 10)  # Jul–Dec 2025, Jan–Jun 2026
        for m in t["months"]:
            planned = aarselever(months[m["month"]]["planned"])
            realised = aarselever(months[m["month"]]["realised"])
            assert (m["planned"], m["realised"]) == (planned, realised)
            assert m["forecast"] == (realised if m["month"] < dt.date(2026, 2, 1) else planned)
        assert t["forecast"] == sum((m["forecast"] for m in t["months"]), Decimal(0))
        got_partnerships = {
            p["partnership_id"]: (p["days"], p["veu"])
            for p in selectors.per_partnership(scope, funding_rates())
        }
        assert got_partnerships == {
            pk: (v["days"], v["veu"].quantize(Decimal("0.01"))) for pk, v in per_partnership.items()
        }
    portfolio = selectors.portfolio(scope, filters)
    by_state = defaultdict(int)
    for status in Partnership.objects.filter(lead_school=school).values_list("status", flat=True):
        by_state[status] += 1
    assert {value: n for value, _label, n in portfolio["states"]} == {
        value: by_state[value] for value in Partnership.Status.values
    }


def test_an_empty_school_and_an_empty_period_show_zeros(client):
    school = SchoolFactory()
    leader = SchoolMembershipFactory(school=school, role=SchoolRole.LEADER).user
    client.force_login(leader)
    response = client.get(reverse("dashboards:school"))
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.totals["participants"] == 0 and dashboard.totals["veu"] == 0
    assert dashboard.fill is None and dashboard.months == []
    generate(school, random.Random(4))
    empty = client.get(reverse("dashboards:school"), {"start": "2030-01-01", "end": "2030-12-31"})
    assert empty.status_code == 200
    assert empty.context["dashboard"].totals["days"] == 0
    assert empty.context["dashboard"].blocks["held"] == 0


def test_a_leader_never_sees_another_schools_numbers(client):
    school_a, school_b = SchoolFactory(), SchoolFactory()
    generate(school_a, random.Random(5))
    leader_b = SchoolMembershipFactory(school=school_b, role=SchoolRole.LEADER).user
    client.force_login(leader_b)
    mine = client.get(reverse("dashboards:school"))
    assert mine.context["dashboard"].totals["participants"] == 0
    assert mine.context["dashboard"].portfolio["total"] == 0
    sneaky = client.get(reverse("dashboards:school"), {"school": school_a.pk})
    assert sneaky.status_code == 400
    assert sneaky.context["dashboard"] is None
    blocks = client.get(reverse("dashboards:blocks"), {"school": school_a.pk})
    assert blocks.status_code == 400 and blocks.context["page_obj"] is None


def test_a_coordinator_sees_their_own_partnerships_only(client):
    school = SchoolFactory()
    generate(school, random.Random(6))
    coordinator = SchoolMembershipFactory(school=school, role=SchoolRole.COORDINATOR).user
    Partnership.objects.filter(pk=Partnership.objects.first().pk).update(coordinator=coordinator)
    client.force_login(coordinator)
    dashboard = client.get(reverse("dashboards:school")).context["dashboard"]
    assert dashboard.portfolio["total"] == 1
    partnership_ids = {p["partnership_id"] for p in dashboard.partnerships}
    assert partnership_ids <= {Partnership.objects.first().pk}


def test_each_table_exports_as_csv(client):
    school = SchoolFactory()
    generate(school, random.Random(7))
    client.force_login(SchoolMembershipFactory(school=school, role=SchoolRole.LEADER).user)
    dashboard = client.get(reverse("dashboards:school")).context["dashboard"]
    decimals = []
    for name in [
        "months",
        "partnerships",
        "portfolio",
        "coordinators",
        "courses",
        "fkbs",
        "quality",
    ]:
        response = client.get(reverse("dashboards:school"), {"export": name})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert len(rows) >= 2 or name in ("courses", "fkbs"), name
        cells = [cell for row in rows for cell in row]
        # Danish Excel reads "0.550" as 550: decimals are written with a comma.
        assert not [c for c in cells if re.fullmatch(r"-?\d+\.\d+", c)], (name, cells)
        decimals += [c for c in cells if re.fullmatch(r"-?\d+,\d+", c)]
    assert decimals, "the generated school has ÅE and index figures with decimals"
    months = client.get(reverse("dashboards:school"), {"export": "months"})
    rows = list(csv.reader(io.StringIO(months.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + len(dashboard.months)
    assert client.get(reverse("dashboards:school"), {"export": "nonsense"}).status_code == 404


def test_the_dashboard_query_count_is_the_same_at_demo_and_ten_times_the_data(client):
    from demo.seed import seed_demo

    seed_demo()
    from accounts.models import User

    counts = []
    for scale in (1, 10):
        seed_demo(scale=scale)
        for username, name in [
            ("leder", "dashboards:school"),
            ("konsulent", "dashboards:network"),
            ("leder", "dashboards:blocks"),
            ("hr", "dashboards:company"),
        ]:
            user = User.objects.get(username=username)
            client.force_login(user)
            args = [user.company_memberships.first().company_id] if name.endswith("company") else []
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, args=args)).status_code == 200
            counts.append((scale, name, len(queries)))
    first = [(name, n) for scale, name, n in counts if scale == 1]
    tenfold = [(name, n) for scale, name, n in counts if scale == 10]
    assert first == tenfold
    assert dict(first) == {
        # Five more than before the one conflict engine: it also finds blackout weeks,
        # holidays and closed periods, and plans' periods (each one query, whatever
        # the number of blocks); one more for the year's funding rates, one for the
        # ÅE targets (the demo seeds them); three more for reading the scope as ids
        # once (its partnerships, its blocks, and the conflict survey's live blocks)
        # instead of planning nested subqueries in every panel; four fewer since the
        # months, partnerships, courses, FKBs and totals panels add up one query's rows.
        "dashboards:school": 36,
        "dashboards:network": 16,
        # Two more: the scope's partnerships and blocks, read as ids.
        "dashboards:blocks": 15,
        # One fewer than before the access package: the company check asks for the one
        # membership it needs instead of loading all of the user's roles; one more for
        # the funding rates its economics are priced with; two for the certificates to
        # renew (may HR see the employees, and the first few; the demo seeds them).
        "dashboards:company": 21,
    }


def test_large_counts_are_grouped_for_people(client):
    """Ids and years print plainly (no global thousands separator); the figures people
    read are grouped on purpose: "1.200" participants."""
    school = SchoolFactory()
    partnership = PartnershipFactory(lead_school=school)
    block = CourseBlockFactory(school=school, start_date=dt.date(2026, 3, 2), capacity=2000)
    from companies.models import Employee

    employees = Employee.objects.bulk_create(
        Employee(company=partnership.company, name=f"Ansat {n}") for n in range(1200)
    )
    Enrollment.objects.bulk_create(
        Enrollment(employee=e, course_block=block, status=Enrollment.Status.ENROLLED)
        for e in employees
    )
    client.force_login(SchoolMembershipFactory(school=school, role=SchoolRole.LEADER).user)
    page = client.get(
        reverse("dashboards:school"), {"start": START.isoformat(), "end": END.isoformat()}
    ).content.decode()
    assert '<div class="fs-4 fw-semibold">1.200</div>' in page


def test_the_block_list_pages_by_50_and_counts_every_block(client):
    school = SchoolFactory()
    leader = SchoolMembershipFactory(school=school, role=SchoolRole.LEADER).user
    today = dt.date.today()
    blocks = [
        CourseBlockFactory(school=school, start_date=today, end_date=today) for _ in range(51)
    ]
    EnrollmentFactory(course_block=blocks[0])
    EnrollmentFactory(course_block=blocks[0], status=Enrollment.Status.CANCELLED)
    client.force_login(leader)
    first = client.get(reverse("dashboards:blocks"))
    page = first.context["page_obj"]
    assert page.paginator.count == 51 and len(page.object_list) == 50
    counts = {b.pk: b.participant_count for b in page.object_list}
    assert counts[blocks[0].pk] == 1  # the cancelled place does not count
    assert "51 hold" in first.content.decode()
    second = client.get(reverse("dashboards:blocks"), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 1


def test_blocks_either_side_of_new_year_take_their_own_years_rates(client):
    """Week 52 of 2025 and week 2 of 2026, two eligible participants and one who is
    not: VEU = 2 × 5 days × the year's daily rate, added up; a year without rates is
    named on the page and no amount is shown."""
    FundingRate.objects.all().delete()
    FundingRate.objects.create(
        year=2025, veu_per_week=4500, fee_per_week=1000, full_price_per_week=3500
    )
    FundingRate.objects.create(
        year=2026, veu_per_week=5000, fee_per_week=1100, full_price_per_week=4000
    )
    school = SchoolFactory()
    plan = CompetencePlanFactory(partnership=PartnershipFactory(lead_school=school))
    course = AmuCourseFactory(duration_days=5)
    activity = PlanActivityFactory(plan=plan, amu_course=course)
    company = plan.partnership.company
    people = [
        EmployeeFactory(company=company, education_level=level)
        for level in ("skilled", "unskilled", "long_higher")
    ]
    for monday in (dt.date.fromisocalendar(2025, 52, 1), dt.date.fromisocalendar(2026, 2, 1)):
        block = CourseBlockFactory(
            school=school,
            course=course,
            start_date=monday,
            end_date=monday + dt.timedelta(days=4),
            status=CourseBlock.Status.CONFIRMED,
        )
        for person in people:
            EnrollmentFactory(
                course_block=block,
                plan_activity=activity,
                employee=person,
                status=Enrollment.Status.ENROLLED,
            )
    client.force_login(SchoolMembershipFactory(school=school, role=SchoolRole.LEADER).user)
    period = {"start": "2025-12-01", "end": "2026-01-31"}

    dashboard = client.get(reverse("dashboards:school"), period).context["dashboard"]
    # 2025: 10 eligible days × 900; 2026: 10 × 1,000
    assert dashboard.totals["veu"] == Decimal("19000.00")
    assert dashboard.totals["days"] == Decimal(30)
    assert [p["veu"] for p in dashboard.partnerships] == [Decimal("19000.00")]

    FundingRate.objects.filter(year=2026).delete()
    response = client.get(reverse("dashboards:school"), period)
    dashboard = response.context["dashboard"]
    assert dashboard.totals["veu"] is None and dashboard.totals["missing_years"] == (2026,)
    assert dashboard.totals["days"] == Decimal(30)  # ÅE still count
    assert "ingen satser for 2026" in response.content.decode()
    export = client.get(reverse("dashboards:school"), {**period, "export": "partnerships"})
    assert export.status_code == 200
