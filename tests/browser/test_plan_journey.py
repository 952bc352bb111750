"""From competence plan to enrolled employees, across two roles, in a browser."""

import datetime as dt

import pytest
from django.utils import timezone

from competence_plans.models import CompetencePlan
from demo.seed import seed_demo
from partnerships.models import Partnership
from scheduling.models import CourseBlock

from .conftest import screenshot
from .test_login_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def add_activity(page, kind_label, title=None, course_label=None, days=None):
    page.get_by_role("link", name="Tilføj aktivitet").click()
    page.get_by_label("Type").select_option(label=kind_label)
    if course_label:
        page.get_by_label("AMU-kursus").select_option(label=course_label)
    if title:
        page.get_by_label("Titel").fill(title)
    if days:
        page.get_by_label("Dage pr. deltager").fill(days)
    page.get_by_label("Svejsere").check()
    page.get_by_role("button", name="Gem").click()
    page.get_by_text("Aktiviteten er gemt.").wait_for()


def test_plan_to_enrolled_employees(page_for, live_server):
    seed_demo()
    base = live_server.url
    partnership = Partnership.objects.get(company__name="Østjysk Stålkonstruktion A/S")
    today = timezone.localdate()
    busy = (
        CourseBlock.objects.filter(
            teachers__username="underviser",
            school=partnership.lead_school,
            start_date__gt=today + dt.timedelta(days=7),
        )
        .order_by("start_date")
        .first()
    )

    coordinator = page_for(locale="da-DK")
    log_in(coordinator, base, "tovholder")
    coordinator.goto(f"{base}/partnerships/{partnership.pk}/")
    coordinator.get_by_role("link", name="Ny kompetenceplan").click()
    coordinator.get_by_label("Titel").fill("Svejseløft 2027")
    coordinator.get_by_label("Periodens start").fill(today.isoformat())
    coordinator.get_by_label("Periodens slut").fill((today + dt.timedelta(days=365)).isoformat())
    coordinator.get_by_role("button", name="Gem").click()
    coordinator.get_by_text("Planen er oprettet som kladde.").wait_for()
    coordinator.locator("#id_title").fill("Alle svejsere har certifikat")
    coordinator.get_by_role("button", name="Tilføj mål").click()
    add_activity(coordinator, "AMU-kursus", course_label="40201 MIG/MAG-svejsning, grundlæggende")
    add_activity(
        coordinator, "Iscenesat læring på arbejdspladsen", "Sidemand i fire uger", days="4"
    )
    add_activity(coordinator, "Uformel læring på arbejdspladsen", "Tavlemøder", days="1")
    coordinator.get_by_role("button", name="Send forslag til virksomheden").click()
    coordinator.get_by_text("Planen har nu status »Foreslået«.").wait_for()
    plan = CompetencePlan.objects.get(title="Svejseløft 2027")
    plan_url = coordinator.url

    hr = page_for(locale="da-DK")
    log_in(hr, base, "hr")
    hr.goto(plan_url)
    hr.get_by_label("Kommentar").first.fill("Godkendt – vi frigiver svejserne.")
    hr.get_by_role("button", name="Godkend planen").click()
    hr.get_by_text("Planen har nu status »Godkendt«.").wait_for()
    plan.refresh_from_db()
    assert plan.status == CompetencePlan.Status.APPROVED

    coordinator.goto(plan_url)
    coordinator.get_by_role("link", name="Planlæg et hold").first.click()
    # Planned by ISO week: the dates follow from the course's days.
    year, week = busy.start_date.isocalendar()[:2]
    coordinator.get_by_label("ISO-uge").fill(f"{year}-W{week:02d}")
    coordinator.get_by_label("Karin Dahl").check()
    coordinator.get_by_role("button", name="Gem").click()
    coordinator.get_by_text("Karin Dahl underviser allerede på").first.wait_for()
    screenshot(coordinator, "block-conflict-da")
    coordinator.get_by_label("Gem alligevel: jeg har set konflikterne ovenfor").check()
    coordinator.get_by_role("button", name="Gem").click()
    coordinator.get_by_role("heading", level=1, name="Tilmeld medarbejdere").wait_for()
    coordinator.get_by_role("button", name="Tilmeld", exact=True).click()
    coordinator.get_by_text("medarbejdere er tilmeldt.").wait_for()
    block = (
        CourseBlock.objects.filter(enrollments__plan_activity__plan=plan, course__number="40201")
        .distinct()
        .get()
    )
    enrolled = block.enrollments.count()
    assert enrolled > 0

    week = busy.start_date.isocalendar()
    coordinator.goto(
        f"{base}/schools/week-plan/?school={block.school_id}&week={week.year}-W{week.week:02d}"
    )
    coordinator.get_by_text(f"{enrolled}/{block.capacity} pladser").first.wait_for()
    screenshot(coordinator, "week-plan-da")


def test_activities_reorder_in_place_without_a_page_load(page_for, live_server):
    from tests.factories import PlanActivityFactory

    seed_demo()
    plan = CompetencePlan.objects.filter(status=CompetencePlan.Status.DRAFT).first()
    first = PlanActivityFactory(plan=plan, position=90, title="Første nye aktivitet")
    second = PlanActivityFactory(plan=plan, position=91, title="Anden nye aktivitet")
    page = page_for(locale="da-DK")
    log_in(page, live_server.url, plan.partnership.coordinator.username)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.evaluate("window.__marker = 'still the same page'")

    page.get_by_role("button", name=f"Flyt {second.title} op").click()
    page.wait_for_function(
        "([a, b]) => { const t = document.querySelector('#activities').innerText;"
        " return t.indexOf(a) < t.indexOf(b); }",
        arg=[second.title, first.title],
    )
    assert page.evaluate("window.__marker") == "still the same page"
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.position < first.position
