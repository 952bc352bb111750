"""A coordinator moves a participant onto a run in the company's blackout week: the move
asks first, names the clash, and happens only when confirmed. Danish and English."""

import datetime as dt

import pytest

from companies.models import BlackoutWeek
from demo.base import DEMO_PASSWORD
from demo.seed import seed_demo
from scheduling.models import CourseBlock, Enrollment

from .conftest import screenshot
from .test_accessibility import audit

pytestmark = pytest.mark.django_db(transaction=True)


def _a_place_and_a_clashing_run():
    enrollment = (
        Enrollment.objects.filter(
            status__in=["planned", "enrolled"],
            course_block__status__in=["planned", "confirmed"],
            course_block__school__short_name="ATS",
        )
        .select_related("course_block", "employee")
        .order_by("pk")
        .first()
    )
    source = enrollment.course_block
    start = source.start_date + dt.timedelta(weeks=3)
    year, week = start.isocalendar()[:2]
    target = CourseBlock.objects.create(
        school=source.school,
        course=source.course,
        reference=f"FLYT-{source.pk}",
        start_date=start,
        end_date=start + (source.end_date - source.start_date),
        iso_year=year,
        iso_week=week,
        capacity=12,
    )
    BlackoutWeek.objects.create(
        company=enrollment.employee.company, iso_year=year, iso_week=week, note="Lageroptælling"
    )
    return enrollment, target


@pytest.mark.parametrize(
    ("locale", "move", "anyway", "moved"),
    [
        ("da-DK", "Flyt", "Flyt alligevel", "Tilmeldingen er flyttet."),
        ("en-GB", "Move", "Move anyway", "The enrollment was moved."),
    ],
)
def test_moving_into_a_blackout_week_asks_first(browser, live_server, locale, move, anyway, moved):
    seed_demo()
    enrollment, target = _a_place_and_a_clashing_run()
    # The axe audit script is injected inline, which our CSP forbids: this context only.
    page = browser.new_context(locale=locale, bypass_csp=True).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "tovholder")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.get_by_role("heading", level=1).wait_for()
    page.goto(f"{live_server.url}/schools/blocks/{enrollment.course_block_id}/")
    page.locator(f"#move-{enrollment.pk}").select_option(str(target.pk))
    page.locator(f"#move-{enrollment.pk}").locator("xpath=..").get_by_role(
        "button", name=move, exact=True
    ).click()
    page.get_by_role("button", name=anyway).wait_for()
    assert "Lageroptælling" in page.content()
    assert audit(page) == []
    screenshot(page, f"move-confirm-{locale[:2]}")
    enrollment.refresh_from_db()
    assert enrollment.course_block_id != target.pk, "nothing moves before the confirmation"
    page.get_by_role("button", name=anyway).click()
    page.get_by_text(moved).wait_for()
    enrollment.refresh_from_db()
    assert enrollment.course_block_id == target.pk
    page.context.close()


@pytest.mark.parametrize(
    ("locale", "heading"), [("da-DK", "Ugyldig forespørgsel"), ("en-GB", "Bad request")]
)
def test_a_broken_link_shows_the_bad_request_page(browser, live_server, locale, heading):
    page = browser.new_context(locale=locale, bypass_csp=True).new_page()
    page.goto(f"{live_server.url}/schools/calendar/abc%00.ics")
    page.get_by_role("heading", level=1, name=heading).wait_for()
    assert audit(page) == []
    screenshot(page, f"bad-request-{locale[:2]}")
    page.context.close()
