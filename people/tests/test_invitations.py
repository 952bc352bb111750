"""Invitations: who may invite whom, the e-mail and its one-use link, and every way a
link can be wrong (expired, used, revoked, forged)."""

import datetime as dt
import re
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, CompanyMembership, SchoolMembership, User
from companies.models import Contact
from people import services
from people.models import Invitation, token_digest
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

LINK = re.compile(r"http://[^\s\"<>]+/people/join/([^/\s\"<>]+)/")
PASSWORD = "Kompetence-2026!"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite(client, organisation_url, **data):
    payload = {
        "first_name": "Mette",
        "last_name": "Holm",
        "email": "mette.holm@example.org",
        "role": "coordinator",
        "language": "da",
        **data,
    }
    return client.post(organisation_url, payload)


def link_token(message) -> str:
    return LINK.search(message.body).group(1)


def school_invite_url(world):
    return reverse("people:school_invite", args=[world["school_a"].pk])


def test_leader_invites_a_coordinator_who_accepts_and_lands_home(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(logged_in(world["leader"]), school_invite_url(world))
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="mette.holm@example.org")
    assert invitation.sent_at is not None and invitation.send_error == ""
    (message,) = mail.outbox
    assert message.to == ["mette.holm@example.org"]
    assert "Du er inviteret" in message.subject  # Danish, as chosen
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    token = link_token(message)
    # 256 random bits, stored only as a digest.
    assert len(token) >= 43
    assert invitation.token_digest == token_digest(token) != token
    assert not Invitation.objects.filter(token_digest=token).exists()

    anonymous = Client()
    page = anonymous.get(reverse("people:accept", args=[token]))
    assert page.status_code == 200
    assert page.context["form"].initial["first_name"] == "Mette"
    response = anonymous.post(
        reverse("people:accept", args=[token]),
        {
            "first_name": "Mette",
            "last_name": "Holm",
            "new_password1": PASSWORD,
            "new_password2": PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(email="mette.holm@example.org")
    assert user.check_password(PASSWORD) and user.language == "da"
    assert SchoolMembership.objects.filter(
        user=user, school=world["school_a"], role="coordinator"
    ).exists()
    assert anonymous.get(reverse("home")).status_code == 200  # signed in
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {AuditEvent.Action.INVITATION_SENT, AuditEvent.Action.INVITATION_ACCEPTED} <= actions

    # One use only.
    again = Client().get(reverse("people:accept", args=[token]))
    assert again.status_code == 410
    assert "accepteret" in again.content.decode()


def test_the_invitation_is_in_the_invitees_language(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(logged_in(world["leader"]), school_invite_url(world), language="en")
    (message,) = mail.outbox
    assert "You are invited" in message.subject
    assert "Choose your password" in message.body


def _pending(world, **fields) -> tuple[Invitation, str]:
    outcome = services.invitation_create(
        by=world["leader"],
        organisation=world["school_a"],
        email=fields.pop("email", "ny@example.org"),
        first_name="Ny",
        role=fields.pop("role", "teacher"),
    )
    if fields:
        Invitation.objects.filter(pk=outcome.invitation.pk).update(**fields)
    return outcome.invitation, outcome.token


def test_the_link_expires_after_the_setting(world, settings):
    settings.INVITATION_VALID_DAYS = 7
    invitation, _token = _pending(world)
    expected = timezone.now() + dt.timedelta(days=7)
    assert abs((invitation.expires_at - expected).total_seconds()) < 5


@pytest.mark.parametrize(
    ("offset", "status"), [(dt.timedelta(minutes=1), 200), (-dt.timedelta(seconds=1), 410)]
)
def test_expiry_boundary(world, offset, status):
    _invitation, token = _pending(world, expires_at=timezone.now() + offset)
    response = Client().get(reverse("people:accept", args=[token]))
    assert response.status_code == status
    if status == 410:
        assert "udløbet" in response.content.decode()
        assert reverse("people:request_link", args=[token]) in response.content.decode()


def test_an_expired_link_cannot_be_accepted_by_posting(world):
    _invitation, token = _pending(world, expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = Client().post(
        reverse("people:accept", args=[token]),
        {"first_name": "Ny", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="ny@example.org").exists()


def test_a_forged_link_is_not_found(world):
    _pending(world)
    for token in ["x" * 43, "fixture-invitation-tokenX", "a" * 150]:
        response = Client().get(reverse("people:accept", args=[token]))
        assert response.status_code == 404
        assert "ikke gyldigt" in response.content.decode()


def test_a_revoked_link_offers_to_ask_for_a_new_one_and_tells_the_inviter(
    world, django_capture_on_commit_callbacks
):
    invitation, token = _pending(world)
    services.invitation_revoke(by=world["leader"], invitation=invitation)
    client = Client()
    page = client.get(reverse("people:accept", args=[token]))
    assert page.status_code == 410 and "trukket tilbage" in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("people:request_link", args=[token]))
    assert asked.status_code == 200
    (message,) = mail.outbox
    assert message.to == [world["leader"].email]
    assert "ny@example.org" in message.subject
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_LINK_REQUESTED).exists()


def test_resending_makes_a_new_link_and_the_old_one_stops(
    world, django_capture_on_commit_callbacks
):
    invitation, old = _pending(world, expires_at=timezone.now() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(world["leader"]).post(
            reverse("people:invitation_resend", args=[invitation.pk])
        )
    assert response.status_code == 302
    new = link_token(mail.outbox[-1])
    assert new != old
    assert Client().get(reverse("people:accept", args=[old])).status_code == 404
    assert Client().get(reverse("people:accept", args=[new])).status_code == 200
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + dt.timedelta(days=6)


def test_a_password_the_validators_refuse_writes_nothing(world):
    _invitation, token = _pending(world)
    response = Client().post(
        reverse("people:accept", args=[token]),
        {"first_name": "Ny", "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["new_password1"]
    assert not User.objects.filter(email="ny@example.org").exists()
    assert Invitation.objects.get(email="ny@example.org").accepted_at is None


def test_inviting_an_existing_login_adds_the_membership_and_tells_them(
    world, django_capture_on_commit_callbacks
):
    person = world["other_coordinator"]
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(
            logged_in(world["leader"]),
            school_invite_url(world),
            email=person.email.upper(),
            role="teacher",
        )
    assert response.status_code == 302
    assert SchoolMembership.objects.filter(
        user=person, school=world["school_a"], role="teacher"
    ).exists()
    assert not Invitation.objects.filter(email__iexact=person.email).exists()
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert world["school_a"].name in message.subject
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_GRANTED).count() == 1


def test_a_deactivated_login_is_woken_by_accepting(world):
    former = UserFactory(email="former@example.org", is_active=False)
    _invitation, token = _pending(world, email="former@example.org")
    response = Client().post(
        reverse("people:accept", args=[token]),
        {"first_name": "Tidl.", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 302
    former.refresh_from_db()
    assert former.is_active and former.check_password(PASSWORD)
    assert User.objects.filter(email="former@example.org").count() == 1


def test_a_leader_may_not_give_the_consultant_role_but_the_admin_may(world):
    response = invite(logged_in(world["leader"]), school_invite_url(world), role="consultant")
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            by=world["leader"],
            organisation=world["school_a"],
            email="k@example.org",
            first_name="K",
            role="consultant",
        )
    response = invite(logged_in(world["admin"]), school_invite_url(world), role="consultant")
    assert response.status_code == 302
    assert Invitation.objects.get(email="mette.holm@example.org").role == "consultant"


def test_coordinators_and_teachers_do_not_invite_to_the_school(world):
    for persona in ("coordinator", "teacher", "consultant"):
        assert invite(logged_in(world[persona]), school_invite_url(world)).status_code == 403
    other_school = reverse("people:school_invite", args=[world["school_b"].pk])
    assert invite(logged_in(world["leader"]), other_school).status_code == 404
    assert not Invitation.objects.exists()


def test_a_coordinator_invites_hr_to_a_partner_company_only(world):
    coordinator = logged_in(world["coordinator"])
    own = reverse("people:company_invite", args=[world["company_a"].pk])
    other = reverse("people:company_invite", args=[world["company_b"].pk])
    assert invite(coordinator, own, role="hr").status_code == 302
    assert invite(coordinator, other, role="hr", email="x@example.org").status_code == 404
    assert list(Invitation.objects.values_list("company", "role")) == [
        (world["company_a"].pk, "hr")
    ]


def test_hr_invites_colleagues_of_their_own_company_only(world):
    hr = logged_in(world["hr"])
    own = reverse("people:company_invite", args=[world["company_a"].pk])
    assert invite(hr, own, role="manager").status_code == 302
    other = reverse("people:company_invite", args=[world["company_b"].pk])
    assert invite(hr, other, role="hr", email="x@example.org").status_code == 404
    # No school role: not through the school's page, not through the service.
    assert invite(hr, school_invite_url(world), email="y@example.org").status_code == 404
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            by=world["hr"],
            organisation=world["school_a"],
            email="z@example.org",
            first_name="Z",
            role="teacher",
        )
    # A school role offered to a company is refused as a choice.
    response = invite(hr, own, role="coordinator", email="w@example.org")
    assert response.status_code == 200 and "role" in response.context["form"].errors
    assert Invitation.objects.count() == 1


def test_a_manager_may_not_invite(world):
    from tests.factories import CompanyMembershipFactory

    manager = CompanyMembershipFactory(company=world["company_a"], role="manager").user
    own = reverse("people:company_invite", args=[world["company_a"].pk])
    assert invite(logged_in(manager), own, role="manager").status_code == 403


def test_a_contact_invited_to_the_portal_is_prefilled_and_linked(world):
    contact = Contact.objects.create(
        company=world["company_a"],
        name="Lone Dahl Berg",
        role=Contact.Role.HR,
        email="lone@example.org",
    )
    url = reverse("people:company_invite", args=[world["company_a"].pk]) + f"?contact={contact.pk}"
    coordinator = logged_in(world["coordinator"])
    form = coordinator.get(url).context["form"]
    assert form.initial == {
        "first_name": "Lone",
        "last_name": "Dahl Berg",
        "email": "lone@example.org",
        "role": "hr",
    }
    coordinator.post(
        url,
        {
            "first_name": "Lone",
            "last_name": "Dahl Berg",
            "email": "lone@example.org",
            "role": "hr",
            "language": "da",
        },
    )
    token_invitation = Invitation.objects.get(email="lone@example.org")
    assert token_invitation.contact == contact
    token = services.invitation_resend(by=world["coordinator"], invitation=token_invitation)
    Client().post(
        reverse("people:accept", args=[token]),
        {"first_name": "Lone", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    contact.refresh_from_db()
    assert contact.user.email == "lone@example.org"
    assert CompanyMembership.objects.filter(
        user=contact.user, company=world["company_a"], role="hr"
    ).exists()


def test_a_contact_of_another_company_is_not_prefilled(world):
    stranger = Contact.objects.create(
        company=world["company_b"], name="Fremmed", role=Contact.Role.HR, email="f@example.org"
    )
    url = reverse("people:company_invite", args=[world["company_a"].pk]) + f"?contact={stranger.pk}"
    assert logged_in(world["coordinator"]).get(url).context["form"].initial == {}


def test_a_department_of_another_school_is_refused(world):
    elsewhere = DepartmentFactory(school=world["school_b"])
    response = invite(logged_in(world["leader"]), school_invite_url(world), department=elsewhere.pk)
    assert response.status_code == 200 and "department" in response.context["form"].errors


def test_accepting_is_rate_limited_per_address(world, settings):
    settings.THROTTLES = {**settings.THROTTLES, "invitation_address": (3, 60)}
    _invitation, token = _pending(world)
    client = Client()
    statuses = [
        client.post(reverse("people:accept", args=["wrong" * 10]), {}).status_code for _ in range(4)
    ]
    assert statuses == [404, 404, 404, 429]
    # The real link is refused too while the address is throttled.
    assert client.get(reverse("people:accept", args=[token])).status_code == 429


def test_a_signed_in_person_is_asked_to_log_out_first(world):
    _invitation, token = _pending(world)
    response = logged_in(world["hr"]).get(reverse("people:accept", args=[token]))
    assert response.status_code == 409
    assert "log ud" in response.content.decode().lower()


def test_a_leader_must_set_up_two_factor_after_accepting(world, settings):
    settings.MFA_REQUIRED_FOR = ["leader"]
    _invitation, token = _pending(world, role="leader")
    client = Client()
    client.post(
        reverse("people:accept", args=[token]),
        {"first_name": "Ny", "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_a_mail_server_that_is_down_keeps_the_invitation_and_shows_the_problem(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    leader = logged_in(world["leader"])
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(leader, school_invite_url(world))
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="mette.holm@example.org")
    assert invitation.sent_at is None and "refused" in invitation.send_error
    page = leader.get(reverse("people:school", args=[world["school_a"].pk]))
    assert "kunne ikke leveres" in page.content.decode()


def test_inviting_again_replaces_the_open_link(world):
    first, first_token = _pending(world)
    second, second_token = _pending(world)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.status() == Invitation.Status.PENDING
    assert Client().get(reverse("people:accept", args=[first_token])).status_code == 410


def test_hr_cannot_revoke_another_companys_invitation(world):
    outcome = services.invitation_create(
        by=world["other_hr"],
        organisation=world["company_b"],
        email="b@example.org",
        first_name="B",
        role="manager",
    )
    url = reverse("people:invitation_revoke", args=[outcome.invitation.pk])
    assert logged_in(world["hr"]).post(url).status_code == 404
    assert logged_in(world["leader"]).post(url).status_code == 404
    outcome.invitation.refresh_from_db()
    assert outcome.invitation.revoked_at is None
    assert logged_in(world["other_hr"]).post(url).status_code == 302
    outcome.invitation.refresh_from_db()
    assert outcome.invitation.revoked_at is not None


def test_the_service_refuses_a_link_that_closed_after_the_page_was_shown(world):
    """Two tabs, or an expiry between showing the form and posting it."""
    invitation, token = _pending(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(services.InvitationClosed):
        services.invitation_accept(token=token, first_name="Ny", last_name="", password=PASSWORD)
    assert not User.objects.filter(email="ny@example.org").exists()


def test_a_contact_of_another_company_cannot_be_linked(world):
    stranger = Contact.objects.create(
        company=world["company_b"], name="Fremmed", role=Contact.Role.HR, email="f@example.org"
    )
    with pytest.raises(ValidationError):
        services.invitation_create(
            by=world["hr"],
            organisation=world["company_a"],
            email="f@example.org",
            first_name="F",
            role="hr",
            contact=stranger,
        )
    assert not Invitation.objects.exists()
