"""People in the product, in a browser: a leader invites a coordinator, and a coordinator
brings a new company's HR into the portal so that the plan can be approved and scheduled,
with no Django admin anywhere."""

import base64
import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp

from access import partnerships_for
from accounts.models import User
from companies.models import Company, Contact, EmployeeGroup
from competence_plans.models import CompetencePlan, PlanActivity
from demo.seed import seed_demo
from partnerships.models import Partnership
from scheduling.models import CourseBlock
from schools.models import AmuCourse
from tests.factories import EmployeeFactory

from .conftest import screenshot
from .test_login_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://[^\s\"<>]+/people/join/[^/\s\"<>]+/")
PASSWORD = "Kursusuge-2027!"


def invitation_link(address: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [address])
    return LINK.search(message.body).group(0)


def accept(page, base, link, password=PASSWORD):
    assert link.startswith(base)  # SITE_URL points at the live server
    page.goto(link)
    page.get_by_role("heading", level=1, name=re.compile("Velkommen til")).wait_for()
    screenshot(page, "people-accept-da")
    page.locator("#id_new_password1").fill(password)
    page.locator("#id_new_password2").fill(password)
    page.get_by_role("button", name="Acceptér og kom i gang").click()


def test_leader_invites_a_coordinator_who_sets_up_two_factor_and_sees_the_partnerships(
    page_for, live_server, settings
):
    settings.MFA_REQUIRED_FOR = ["coordinator"]
    settings.SITE_URL = live_server.url
    seed_demo()
    base = live_server.url
    leader = page_for(locale="da-DK")
    log_in(leader, base, "leder")
    leader.get_by_role("link", name="Medarbejdere", exact=True).click()
    leader.get_by_role("heading", level=1, name=re.compile("Medarbejdere på")).wait_for()
    leader.get_by_role("link", name="Invitér en person").click()
    leader.get_by_label("Fornavn").fill("Signe")
    leader.get_by_label("Efternavn").fill("Bach")
    leader.get_by_label("E-mail").fill("signe.bach@example.org")
    leader.get_by_label("Rolle").select_option(label="Tovholder")
    leader.get_by_role("button", name="Send invitationen").click()
    leader.get_by_text("Invitationen er sendt til signe.bach@example.org").wait_for()
    assert leader.get_by_text("Venter på svar").first.is_visible()
    screenshot(leader, "people-staff-da")

    newcomer = page_for(locale="da-DK")
    accept(newcomer, base, invitation_link("signe.bach@example.org"))
    # Coordinators must use two-factor login here: set it up before anything else.
    newcomer.get_by_role("heading", level=1, name="Slå totrinslogin til").wait_for()
    secret = newcomer.locator("#totp-secret").inner_text().replace(" ", "")
    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    newcomer.get_by_label("Kode").fill(f"{totp(bytes.fromhex(key_hex)):06d}")
    newcomer.get_by_role("button", name="Slå totrinslogin til").click()
    newcomer.get_by_role("link", name="Jeg har gemt dem – fortsæt").click()
    newcomer.get_by_role("heading", level=1, name="Velkommen, Signe").wait_for()
    newcomer.get_by_role("link", name="Partnerskaber", exact=True).click()
    newcomer.get_by_label("Vis", exact=True).select_option(label="Mine skoler")
    newcomer.get_by_role("button", name="Filtrér").click()
    signe = User.objects.get(email="signe.bach@example.org")
    expected = partnerships_for(signe).count()
    assert expected > 0
    newcomer.get_by_text(f"{expected} partnerskaber").wait_for()
    screenshot(newcomer, "people-newcomer-partnerships-da")

    # The leader sees her on the staff page, with two-factor on.
    leader.reload()
    row = leader.get_by_role("row", name=re.compile("Signe Bach"))
    assert "Tovholder" in row.inner_text() and "til" in row.inner_text()
    # She lost her phone: the leader resets her two-factor login, after being told what
    # that does.
    leader.get_by_role("link", name="Administrér Signe Bach").click()
    leader.get_by_role("heading", level=1, name="Signe Bach").wait_for()
    screenshot(leader, "people-member-da")
    leader.get_by_role("link", name="Nulstil totrinslogin").click()
    leader.get_by_text(
        "Personens godkendelsesapp og gendannelseskoder holder op med at virke."
    ).wait_for()
    screenshot(leader, "people-two-factor-reset-da")
    leader.get_by_role("button", name="Nulstil totrinslogin").click()
    leader.get_by_text("Totrinslogin for Signe Bach er nulstillet").wait_for()
    newcomer.reload()
    newcomer.get_by_label("Brugernavn").wait_for()  # logged out at once

    english = page_for(locale="da-DK")
    log_in(english, base, "leder")
    english.get_by_role("button", name="English").click()
    english.get_by_role("link", name="Staff", exact=True).click()
    english.get_by_role("heading", level=1, name=re.compile("Staff of")).wait_for()
    screenshot(english, "people-staff-en")
    # She leaves the school: her access ends and, with nothing left, her login stops.
    english.get_by_role("link", name="Manage Signe Bach").click()
    screenshot(english, "people-member-en")
    english.get_by_role("link", name="End access").click()
    english.get_by_text("They have no other access, so their login is deactivated.").wait_for()
    screenshot(english, "people-end-access-en")
    english.get_by_role("button", name="End access").click()
    english.get_by_text(
        "Signe Bach no longer has access and their login was deactivated."
    ).wait_for()
    assert not User.objects.get(email="signe.bach@example.org").is_active


def test_coordinator_brings_a_new_companys_hr_into_the_portal_to_approve_the_plan(
    page_for, live_server, settings
):
    settings.SITE_URL = live_server.url
    seed_demo()
    base = live_server.url
    coordinator = page_for(locale="da-DK")
    log_in(coordinator, base, "tovholder")

    # A new company and its HR contact.
    coordinator.get_by_role("link", name="Virksomheder", exact=True).click()
    coordinator.get_by_role("link", name="Opret virksomhed").click()
    coordinator.get_by_label("Navn").fill("Limfjordens Maskinfabrik ApS")
    coordinator.get_by_label("CVR-nummer").fill("10150817")
    coordinator.get_by_label("Branche").select_option(label="Metal og maskin")
    coordinator.get_by_label("Størrelse").select_option(label="10–49 ansatte")
    coordinator.get_by_role("button", name="Gem").click()
    coordinator.get_by_role("heading", level=1, name="Limfjordens Maskinfabrik ApS").wait_for()
    company = Company.objects.get(cvr="10150817")
    coordinator.get_by_role("link", name="Tilføj kontakt").click()
    coordinator.get_by_label("Navn").fill("Anja Kirk")
    coordinator.get_by_label("Rolle").select_option(label="HR")
    coordinator.get_by_label("E-mail").fill("anja.kirk@example.org")
    coordinator.get_by_role("button", name="Gem").click()

    # Invite the contact to the portal: her details are filled in already.
    coordinator.get_by_role("link", name="Invitér til portalen Anja Kirk").click()
    assert coordinator.get_by_label("E-mail").input_value() == "anja.kirk@example.org"
    screenshot(coordinator, "people-invite-contact-da")
    coordinator.get_by_role("button", name="Send invitationen").click()
    coordinator.get_by_text("Invitationen er sendt til anja.kirk@example.org").wait_for()
    screenshot(coordinator, "people-company-da")

    # A partnership with a proposed plan (the plan journey writes one through the pages).
    tovholder = User.objects.get(username="tovholder")
    school = tovholder.school_memberships.filter(role="coordinator").first().school
    partnership = Partnership.objects.create(
        company=company,
        lead_school=school,
        coordinator=tovholder,
        title="Maskinløft",
        status=Partnership.Status.ACTIVE,
    )
    group = EmployeeGroup.objects.create(company=company, name="Maskinførere")
    for _ in range(3):
        EmployeeFactory(company=company, group=group)
    today = timezone.localdate()
    plan = CompetencePlan.objects.create(
        partnership=partnership,
        title="Maskinplan 2027",
        period_start=today,
        period_end=today + dt.timedelta(days=365),
        status=CompetencePlan.Status.PROPOSED,
    )
    course = AmuCourse.objects.filter(active=True).order_by("number").first()
    activity = PlanActivity.objects.create(
        plan=plan,
        kind=PlanActivity.Kind.AMU_COURSE,
        amu_course=course,
        title=course.title,
        planned_start=today,
        planned_end=today + dt.timedelta(days=300),
        days=course.duration_days,
    )
    activity.target_groups.add(group)

    # The new HR user accepts and approves the plan.
    hr = page_for(locale="da-DK")
    accept(hr, base, invitation_link("anja.kirk@example.org"))
    hr.get_by_role("heading", level=1, name="Velkommen, Anja").wait_for()
    assert (
        Contact.objects.get(email="anja.kirk@example.org").user.username == "anja.kirk@example.org"
    )
    hr.goto(f"{base}/plans/{plan.pk}/")
    hr.get_by_role("button", name="Godkend planen").click()
    hr.get_by_text("Planen har nu status »Godkendt«.").wait_for()

    # The coordinator schedules a block from the approved plan.
    monday = today + dt.timedelta(days=7 * 9 - today.weekday())
    coordinator.goto(f"{base}/plans/{plan.pk}/")
    coordinator.get_by_role("link", name="Planlæg et hold").first.click()
    year, week = monday.isocalendar()[:2]
    coordinator.get_by_label("ISO-uge").fill(f"{year}-W{week:02d}")
    coordinator.get_by_role("button", name="Gem").click()
    coordinator.get_by_role("heading", level=1, name="Tilmeld medarbejdere").wait_for()
    assert CourseBlock.objects.filter(course=course, start_date=monday).exists()
    # The partnership's timeline tells when Anja joined.
    coordinator.goto(f"{base}/partnerships/{partnership.pk}/")
    coordinator.get_by_text("fik adgang til Limfjordens Maskinfabrik ApS i portalen").wait_for()
