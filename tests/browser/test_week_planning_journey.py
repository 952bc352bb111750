"""A coordinator plans a block by ISO week over Easter and sees the end date move,
reserves seats for a second company, fills the block, puts one more on the waiting
list, un-enrols one and sees the waiting person offered the seat. Danish and English."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from accounts.models import SchoolMembership, SchoolRole
from companies.models import Employee
from demo.base import DEMO_PASSWORD
from demo.seed import seed_demo
from partnerships.models import Partnership
from scheduling.models import BlockReservation, CourseBlock
from schools.models import AmuCourse

from .conftest import screenshot
from .test_accessibility import audit

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "da-DK": {
        "save": "Gem",
        "reserve": "Reservér",
        "enrol": "Tilmeld medarbejdere",
        "select_all": "Vælg alle",
        "select_none": "Fravælg alle",
        "unenrol": "Afmeld",
        "easter": "Skærtorsdag",
        "offered": "fra ventelisten har fået pladsen",
        "waiting": "Venteliste",
    },
    "en-GB": {
        "save": "Save",
        "reserve": "Reserve",
        "enrol": "Enrol employees",
        "select_all": "Select all",
        "select_none": "Select none",
        "unenrol": "Un-enrol",
        "easter": "Maundy Thursday",
        "offered": "from the waiting list was offered the seat",
        "waiting": "Waiting list",
    },
}


def _log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "tovholder")
    page.fill("#id_password", DEMO_PASSWORD)
    page.press("#id_password", "Enter")
    page.get_by_role("heading", level=1).wait_for()


@pytest.mark.parametrize("locale", ["da-DK", "en-GB"])
def test_plan_over_easter_reserve_fill_wait_and_free_a_seat(browser, live_server, locale):
    seed_demo()
    text = TEXT[locale]
    school = SchoolMembership.objects.get(
        user__username="tovholder", role=SchoolRole.COORDINATOR
    ).school
    course = AmuCourse.objects.filter(active=True, duration_days=Decimal("5")).order_by("pk")[0]
    companies = list(
        Partnership.objects.filter(coordinator__username="tovholder")
        .order_by("company__name")
        .values_list("company", flat=True)
        .distinct()
    )
    own, second = companies[0], companies[1]
    # The axe audit script is injected inline, which our CSP forbids: this context only.
    context = browser.new_context(
        locale=locale, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    _log_in(page, live_server)

    # Week 12 of 2027 holds Maundy Thursday and Good Friday, and the Monday after is
    # Easter Monday: a five-day course runs Monday 22 to Wednesday 31 March.
    page.goto(f"{live_server.url}/schools/blocks/new/")
    page.select_option("#id_school", str(school.pk))
    page.select_option("#id_course", str(course.pk))
    page.fill("#id_week", "2027-W12")
    page.fill("#id_capacity", "3")
    page.get_by_role("button", name=text["save"], exact=True).click()
    page.get_by_role("button", name=text["reserve"], exact=True).wait_for()
    block = CourseBlock.objects.get(school=school, course=course, iso_year=2027, iso_week=12)
    assert (block.start_date, block.end_date) == (dt.date(2027, 3, 22), dt.date(2027, 3, 31))
    assert text["easter"] in page.content()
    assert audit(page) == []
    screenshot(page, f"week-planning-block-{locale[:2]}")

    # One seat held for the second company before it names anyone.
    page.select_option("#id_res_company", str(second))
    page.fill("#id_res_seats", "1")
    page.get_by_role("button", name=text["reserve"], exact=True).click()
    page.get_by_role("button", name=text["reserve"], exact=True).wait_for()
    assert BlockReservation.objects.get(block=block).seats == 1

    # Three of our own for the two seats left: two get a place, one waits.
    page.get_by_role("link", name=text["enrol"]).click()
    people = list(Employee.objects.filter(company=own, active=True).order_by("name"))
    company = page.locator(f"#company-{own}")
    company.get_by_role("button", name=re.compile("^" + text["select_all"])).click()
    boxes = company.locator("input[name=employees]")
    assert boxes.count() == len(people) and all(
        boxes.nth(n).is_checked() for n in range(boxes.count())
    )
    company.get_by_role("button", name=re.compile("^" + text["select_none"])).click()
    assert not any(boxes.nth(n).is_checked() for n in range(boxes.count()))
    for person in people[:3]:
        page.check(f"input[name=employees][value='{person.pk}']")
    page.check("#id_waitlist")
    screenshot(page, f"week-planning-enrol-{locale[:2]}")
    page.locator("form.form-page button[type=submit]").click()
    page.get_by_role("heading", name=text["waiting"]).wait_for()
    statuses = dict(block.enrollments.values_list("employee", "status"))
    assert sorted(statuses.values()) == ["planned", "planned", "waiting"]
    waiting = next(pk for pk, status in statuses.items() if status == "waiting")
    screenshot(page, f"week-planning-full-{locale[:2]}")

    # Un-enrol one: the seat is offered to the one who waited.
    seated = next(pk for pk, status in statuses.items() if status == "planned")
    place = block.enrollments.get(employee=seated)
    page.locator(f"form[action$='/enrollments/{place.pk}/cancel/'] button").click()
    # It asks first, naming who gets the seat.
    waiting_name = Employee.objects.get(pk=waiting).name
    page.get_by_text(waiting_name).wait_for()
    assert audit(page) == []
    screenshot(page, f"week-planning-unenrol-{locale[:2]}")
    page.locator("form button.btn-danger").click()
    page.get_by_text(text["offered"]).wait_for()
    assert block.enrollments.get(employee=waiting).status == "planned"
    assert block.enrollments.get(employee=seated).status == "cancelled"
    assert audit(page) == []
    screenshot(page, f"week-planning-offered-{locale[:2]}")
    context.close()
