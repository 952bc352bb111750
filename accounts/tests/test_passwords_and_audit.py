import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.services import audit_download, audit_state_change
from tests.factories import PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_password_change_keeps_the_session_and_is_audited(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-for-tests-123",
            "new_password1": "Kompetence-2027!",
            "new_password2": "Kompetence-2027!",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    user.refresh_from_db()
    assert user.check_password("Kompetence-2027!")
    assert AuditEvent.objects.filter(action="password_changed", actor=user).exists()


def test_weak_new_password_is_refused_at_the_field(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-for-tests-123", "new_password1": "12345", "new_password2": "12345"},
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors


def test_password_reset_by_email_end_to_end():
    user = UserFactory(email="mette@example.org")
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    response = client.post(reverse("password_reset"), {"email": "mette@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Vælg en ny adgangskode til Partnerskab"
    assert user.username in message.body
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Ny-Adgang-2027!", "new_password2": "Ny-Adgang-2027!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ny-Adgang-2027!")
    assert AuditEvent.objects.filter(action="password_reset", actor=user).exists()
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_does_not_reveal_unknown_addresses(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="password_reset_requested").exists()


def test_state_changes_and_downloads_are_audited_with_target_and_address(rf):
    actor = UserFactory()
    partnership = PartnershipFactory()
    request = rf.get("/", REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT="Firefox")
    request.user = actor
    change = audit_state_change(
        actor=actor,
        target=partnership,
        field="status",
        old="prospect",
        new="active",
        request=request,
    )
    assert change.data == {"field": "status", "from": "prospect", "to": "active"}
    assert (change.target_id, change.ip_address, change.user_agent) == (
        str(partnership.pk),
        "192.0.2.10",
        "Firefox",
    )
    download = audit_download(actor=actor, target=partnership, filename="plan.pdf")
    assert download.action == AuditEvent.Action.DOWNLOAD
    assert download.data["filename"] == "plan.pdf"
    # The trail survives the user's deletion with the name recorded.
    actor.delete()
    download.refresh_from_db()
    assert download.actor is None and download.actor_name == actor.username


@pytest.mark.parametrize("email", ["mette@example.org", "nobody@example.org"])
def test_reset_mails_are_limited_per_email_the_same_whether_an_account_exists(email):
    UserFactory(email="mette@example.org")
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    answers = [client.post(reverse("password_reset"), {"email": email}) for _ in range(4)]
    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "For mange anmodninger" in answers[-1].content.decode()
    assert len(mail.outbox) == (3 if email.startswith("mette") else 0)


def test_reset_requests_are_limited_per_address_across_emails():
    client = Client(HTTP_ACCEPT_LANGUAGE="da", REMOTE_ADDR="192.0.2.7")
    answers = [
        client.post(reverse("password_reset"), {"email": f"p{n}@example.org"}).status_code
        for n in range(6)
    ]
    assert answers == [302] * 5 + [429]
    other = Client(REMOTE_ADDR="192.0.2.8")
    assert other.post(reverse("password_reset"), {"email": "p9@example.org"}).status_code == 302
