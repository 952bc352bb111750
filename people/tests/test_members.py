"""Managing people who have access: roles, ending access, two-factor resets, and the
people pages' query counts."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import companies_for
from accounts.models import AuditEvent, CompanyMembership, SchoolMembership, User, UserSession
from companies.models import Contact
from people import services
from scheduling.models import CalendarFeed
from tests.factories import (
    CompanyMembershipFactory,
    DepartmentFactory,
    SchoolMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"


def signed_in(user) -> Client:
    """A real login (a session row), so ending sessions can be observed."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def member_url(world, name, user, place="school"):
    organisation = world["school_a"] if place == "school" else world["company_a"]
    return reverse(f"people:{place}_{name}", args=[organisation.pk, user.pk])


def test_staff_page_lists_people_roles_departments_and_two_factor(world):
    department = DepartmentFactory(school=world["school_a"], name="Metal og maskin")
    SchoolMembership.objects.filter(user=world["teacher"]).update(department=department)
    TOTPDevice.objects.create(user=world["coordinator"], name="app", confirmed=True)
    client = Client()
    client.force_login(world["leader"])
    response = client.get(reverse("people:school", args=[world["school_a"].pk]))
    rows = {row.user.pk: row for row in response.context["rows"]}
    assert set(rows) == {world[p].pk for p in ("coordinator", "leader", "teacher", "consultant")}
    assert rows[world["teacher"].pk].departments == ["Metal og maskin"]
    assert rows[world["coordinator"].pk].roles == ["Tovholder"]
    assert rows[world["coordinator"].pk].user.has_two_factor is True
    assert rows[world["teacher"].pk].user.has_two_factor is False
    # The other school's people are not there.
    assert world["other_coordinator"].pk not in rows


def test_the_menu_leads_leaders_and_admins_to_staff_and_hr_to_colleagues(world):
    SchoolMembershipFactory(user=world["leader"], school=world["school_b"], role="leader")
    for persona, link in [
        (
            "leader",
            reverse("people:school", args=[min(world["school_a"].pk, world["school_b"].pk)]),
        ),
        ("admin", reverse("people:school", args=[world["school_a"].pk])),
        ("hr", reverse("people:company", args=[world["company_a"].pk])),
    ]:
        page = signed_in(world[persona]).get(reverse("home"))
        assert f'href="{link}"' in page.content.decode(), persona
    for persona in ("coordinator", "teacher", "consultant"):
        page = signed_in(world[persona]).get(reverse("home")).content.decode()
        assert "/people/" not in page, persona
    # A leader of two schools switches between their staff pages.
    client = Client()
    client.force_login(world["leader"])
    page = client.get(reverse("people:school", args=[world["school_a"].pk]))
    assert [s.pk for s in page.context["other_schools"]] == [world["school_b"].pk]


def test_changing_roles_logs_the_person_out_and_is_audited(world):
    teacher = world["teacher"]
    session = signed_in(teacher)
    leader = Client()
    leader.force_login(world["leader"])
    response = leader.post(
        member_url(world, "member", teacher), {"roles": ["coordinator", "teacher"]}
    )
    assert response.status_code == 302
    assert set(SchoolMembership.objects.filter(user=teacher).values_list("role", flat=True)) == {
        "coordinator",
        "teacher",
    }
    assert not UserSession.objects.filter(user=teacher).exists()
    assert session.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROLES_CHANGED)
    assert event.data["before"] == ["teacher"] and event.data["after"] == ["coordinator", "teacher"]
    assert event.actor == world["leader"]


def test_saving_unchanged_roles_changes_nothing(world):
    leader = Client()
    leader.force_login(world["leader"])
    session = signed_in(world["teacher"])
    leader.post(member_url(world, "member", world["teacher"]), {"roles": ["teacher"]})
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ROLES_CHANGED).exists()
    assert session.get(reverse("home")).status_code == 200


def test_a_role_the_leader_may_not_give_is_kept(world):
    """The consultant role is the network's: a leader's form neither offers nor drops it."""
    consultant = world["consultant"]
    leader = Client()
    leader.force_login(world["leader"])
    page = leader.get(member_url(world, "member", consultant))
    assert "consultant" not in dict(page.context["form"].fields["roles"].choices)
    assert page.context["may_manage"] is False
    with pytest.raises(PermissionDenied):
        services.member_set_roles(
            by=world["leader"], user=consultant, organisation=world["school_a"], roles=["teacher"]
        )
    assert SchoolMembership.objects.filter(user=consultant, role="consultant").exists()


def test_no_roles_is_not_a_way_to_end_access(world):
    with pytest.raises(ValidationError):
        services.member_set_roles(
            by=world["leader"], user=world["teacher"], organisation=world["school_a"], roles=[]
        )


def test_the_last_leader_cannot_be_removed_but_one_of_two_can(world):
    leader = world["leader"]
    with pytest.raises(ValidationError, match="mindst én leder|at least one leader"):
        services.member_set_roles(
            by=world["admin"], user=leader, organisation=world["school_a"], roles=["teacher"]
        )
    SchoolMembershipFactory(school=world["school_a"], role="leader")
    services.member_set_roles(
        by=world["admin"], user=leader, organisation=world["school_a"], roles=["teacher"]
    )
    assert not SchoolMembership.objects.filter(user=leader, role="leader").exists()


def test_a_coordinator_with_partnerships_is_handed_over_first(world):
    coordinator = world["coordinator"]  # coordinates partnership A
    for call in (
        lambda: services.member_set_roles(
            by=world["leader"], user=coordinator, organisation=world["school_a"], roles=["teacher"]
        ),
        lambda: services.member_end_access(
            by=world["leader"], user=coordinator, organisation=world["school_a"]
        ),
    ):
        with pytest.raises(ValidationError, match="Overdrag|Hand over"):
            call()
    leader = Client()
    leader.force_login(world["leader"])
    page = leader.get(member_url(world, "member_end", coordinator))
    assert page.context["blockers"] == [world["partnership_a"]]
    assert (
        reverse("partnerships:hand_over", args=[world["partnership_a"].pk]) in page.content.decode()
    )
    assert leader.post(member_url(world, "member_end", coordinator)).status_code == 302
    assert SchoolMembership.objects.filter(user=coordinator).exists()


def test_ending_access_deactivates_a_login_with_nothing_left_and_keeps_it(world):
    teacher = world["teacher"]
    session = signed_in(teacher)
    CalendarFeed.objects.create(user=teacher, kind=CalendarFeed.Kind.TEACHER, token="t" * 40)
    leader = Client()
    leader.force_login(world["leader"])
    confirm = leader.get(member_url(world, "member_end", teacher))
    assert confirm.status_code == 200 and confirm.context["deactivates"] is True
    assert SchoolMembership.objects.filter(user=teacher).exists()  # GET asks, does nothing
    response = leader.post(member_url(world, "member_end", teacher))
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert User.objects.filter(pk=teacher.pk).exists() and teacher.is_active is False
    assert not SchoolMembership.objects.filter(user=teacher).exists()
    assert not CalendarFeed.objects.filter(user=teacher).exists()
    assert session.get(reverse("home")).status_code == 302  # logged out at once
    refused = Client().post(reverse("login"), {"username": teacher.username, "password": PASSWORD})
    assert refused.status_code == 200  # the form again: an inactive login cannot sign in
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_ENDED)
    assert event.data["deactivated"] is True and event.data["roles"] == ["teacher"]


def test_ending_access_at_one_place_keeps_the_login_for_another(world):
    teacher = world["teacher"]
    SchoolMembershipFactory(user=teacher, school=world["school_b"], role="teacher")
    session = signed_in(teacher)
    assert (
        services.member_end_access(by=world["leader"], user=teacher, organisation=world["school_a"])
        is False
    )
    teacher.refresh_from_db()
    assert teacher.is_active
    assert list(SchoolMembership.objects.filter(user=teacher).values_list("school", flat=True)) == [
        world["school_b"].pk
    ]
    # Logged out all the same, so no page keeps showing what school A's role gave.
    assert not UserSession.objects.filter(user=teacher).exists()
    assert session.get(reverse("home")).status_code == 302


def test_hr_leaving_the_company_loses_it_and_keeps_nothing_of_it(world):
    colleague = CompanyMembershipFactory(company=world["company_a"], role="hr").user
    contact = Contact.objects.create(
        company=world["company_a"], name="K", role=Contact.Role.HR, user=colleague
    )
    CalendarFeed.objects.create(
        user=colleague, kind=CalendarFeed.Kind.COMPANY, company=world["company_a"], token="c" * 40
    )
    hr = Client()
    hr.force_login(world["hr"])
    response = hr.post(member_url(world, "member_end", colleague, place="company"))
    assert response.status_code == 302
    assert not companies_for(colleague).exists()
    assert not CompanyMembership.objects.filter(user=colleague).exists()
    assert not CalendarFeed.objects.filter(user=colleague).exists()
    contact.refresh_from_db()
    assert contact.user is None  # the contact stays, the link to the login goes


def test_nobody_ends_their_own_access(world):
    with pytest.raises(ValidationError):
        services.member_end_access(
            by=world["hr"], user=world["hr"], organisation=world["company_a"]
        )
    hr = Client()
    hr.force_login(world["hr"])
    page = hr.get(member_url(world, "member_end", world["hr"], place="company"))
    assert page.context["is_self"] is True
    assert hr.post(member_url(world, "member_end", world["hr"], place="company")).status_code == 302
    assert CompanyMembership.objects.filter(user=world["hr"]).exists()


def test_a_coordinator_manages_the_partner_companys_people_but_not_its_own_schools(world):
    colleague = CompanyMembershipFactory(company=world["company_a"], role="manager").user
    coordinator = Client()
    coordinator.force_login(world["coordinator"])
    assert (
        coordinator.post(member_url(world, "member_end", colleague, place="company")).status_code
        == 302
    )
    assert not CompanyMembership.objects.filter(user=colleague).exists()
    assert coordinator.post(member_url(world, "member_end", world["teacher"])).status_code == 403
    other = reverse("people:company_member_end", args=[world["company_b"].pk, world["other_hr"].pk])
    assert coordinator.post(other).status_code == 404
    assert CompanyMembership.objects.filter(user=world["other_hr"]).exists()


def test_a_person_of_another_place_is_not_found_on_this_page(world):
    leader = Client()
    leader.force_login(world["leader"])
    for name in ("member", "member_end", "member_two_factor"):
        assert leader.get(member_url(world, name, world["other_coordinator"])).status_code == 404


def test_two_factor_reset_forces_set_up_again(world, settings):
    settings.MFA_REQUIRED_FOR = []
    teacher = world["teacher"]
    TOTPDevice.objects.create(user=teacher, name="app", confirmed=True)
    StaticDevice.objects.create(user=teacher, name="recovery", confirmed=True)
    session = signed_in(teacher)
    leader = Client()
    leader.force_login(world["leader"])
    response = leader.post(member_url(world, "member_two_factor", teacher))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=teacher).exists()
    assert not StaticDevice.objects.filter(user=teacher).exists()
    assert session.get(reverse("home")).status_code == 302  # logged out
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.TWO_FACTOR_RESET, target_id=str(teacher.pk)
    ).exists()
    fresh = signed_in(teacher)
    home = fresh.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("two_factor_setup"))
    # Setting it up again clears the demand.
    from django_otp.oath import totp

    fresh.get(reverse("two_factor_setup"))
    key = fresh.session["_two_factor_pending_key"]
    fresh.post(reverse("two_factor_setup"), {"code": f"{totp(bytes.fromhex(key)):06d}"})
    teacher.refresh_from_db()
    assert teacher.two_factor_reset is False
    assert fresh.get(reverse("home")).status_code == 200


def test_hr_cannot_reset_someone_elses_two_factor_outside_their_company(world):
    hr = Client()
    hr.force_login(world["hr"])
    url = reverse(
        "people:company_member_two_factor", args=[world["company_b"].pk, world["other_hr"].pk]
    )
    assert hr.post(url).status_code == 404
    assert hr.post(member_url(world, "member_two_factor", world["teacher"])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_RESET).exists()


def test_the_partnership_timeline_shows_when_company_people_joined(world):
    colleague = UserFactory(first_name="Lise", last_name="Lund")
    services.invitation_create(
        by=world["hr"],
        organisation=world["company_a"],
        email=colleague.email,
        first_name="Lise",
        role="manager",
    )
    client = Client()
    client.force_login(world["coordinator"])
    page = client.get(reverse("partnerships:detail", args=[world["partnership_a"].pk]))
    assert "Lise Lund fik adgang til" in page.content.decode()


# --- query counts --------------------------------------------------------------------


def _people_page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("place", ["school", "company"])
def test_people_pages_cost_the_same_at_ten_times_the_people(world, place):
    organisation = world["school_a"] if place == "school" else world["company_a"]
    manager = world["leader"] if place == "school" else world["hr"]
    client = Client()
    client.force_login(manager)
    url = reverse(f"people:{place}", args=[organisation.pk])

    def add(n):
        for _ in range(n):
            if place == "school":
                membership = SchoolMembershipFactory(school=organisation, role="teacher")
                membership.department = DepartmentFactory(school=organisation)
                membership.save()
            else:
                CompanyMembershipFactory(company=organisation, role="manager")
            services.invitation_create(
                by=manager,
                organisation=organisation,
                email=f"x{User.objects.count()}@example.org",
                first_name="X",
                role="teacher" if place == "school" else "manager",
            )
        if place == "company":
            Contact.objects.create(
                company=organisation, name="C", role=Contact.Role.HR, email="c@example.org"
            )

    add(3)
    at_one = _people_page_queries(client, url)
    add(27)
    at_ten = _people_page_queries(client, url)
    assert at_one == at_ten
    # session, user, the place in scope, may manage its people, people count, the page
    # of people, their memberships here, open invitations, and the other schools the
    # user leads (or the company's contacts without a login); pinned so a query per row
    # shows here.
    assert at_ten == {"school": 9, "company": 9}[place]
