"""Meetings tell their participants, company contacts included, with the calendar file."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from companies.models import Contact
from notifications import kinds
from notifications.models import Notification
from partnerships.meeting_selectors import upcoming_meetings
from partnerships.models import Meeting
from partnerships.services import meeting_cancel, meeting_create, meeting_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def told(kind) -> set[str]:
    return set(
        Notification.objects.filter(kind=kind.name, recipient__isnull=False).values_list(
            "recipient__username", flat=True
        )
    )


@pytest.fixture
def meeting(tenants, django_capture_on_commit_callbacks):
    outsider = Contact.objects.create(
        company=tenants["company_a"], name="Ole", role=Contact.Role.OTHER, email="ole@firma.dk"
    )
    with django_capture_on_commit_callbacks(execute=True):
        created = meeting_create(
            by=tenants["coordinator"],
            kind=Meeting.Kind.PARTNERSHIP,
            partnership=tenants["partnership_a"],
            title="Statusmøde",
            starts_at=timezone.now() + dt.timedelta(days=5),
            participants=[tenants["hr"], tenants["coordinator"]],
            contact_participants=[outsider],
        )
    tenants["outsider"] = outsider
    return created


def test_an_invitation_reaches_participants_and_contacts_with_the_calendar_file(tenants, meeting):
    assert told(kinds.MEETING_INVITATION) == {tenants["hr"].username}  # not the organiser
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {tenants["hr"].email, "ole@firma.dk"}
    for message in by_address.values():
        (name, content, mimetype) = message.attachments[0]
        assert (name, mimetype) == ("meeting.ics", "text/calendar")
        assert "SUMMARY:Statusm" in content and "STATUS:CONFIRMED" in content
    assert "Statusmøde" in by_address["ole@firma.dk"].subject


def test_moving_tells_those_already_invited_and_invites_newcomers(
    tenants, meeting, django_capture_on_commit_callbacks
):
    newcomer = UserFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(
            meeting=meeting,
            by=tenants["coordinator"],
            starts_at=meeting.starts_at + dt.timedelta(days=1),
            participants=[tenants["hr"], tenants["coordinator"], newcomer],
        )
    assert told(kinds.MEETING_CHANGED) == {tenants["hr"].username}
    assert told(kinds.MEETING_INVITATION) == {tenants["hr"].username, newcomer.username}
    assert {m.to[0] for m in mail.outbox} == {tenants["hr"].email, newcomer.email, "ole@firma.dk"}


def test_an_edit_that_moves_nothing_tells_nobody(tenants, meeting):
    meeting_update(meeting=meeting, by=tenants["coordinator"], agenda="1. Status")
    assert not told(kinds.MEETING_CHANGED)


def test_minutes_are_announced_once_when_they_appear(tenants, meeting):
    meeting_update(meeting=meeting, by=tenants["coordinator"], minutes="  ")
    assert not told(kinds.MINUTES_PUBLISHED)
    meeting_update(meeting=meeting, by=tenants["coordinator"], minutes="Vi aftalte…")
    meeting_update(meeting=meeting, by=tenants["coordinator"], minutes="Vi aftalte mere…")
    # Once each: the HR participant, and the contact without a login by e-mail.
    sent = Notification.objects.filter(kind=kinds.MINUTES_PUBLISHED.name)
    assert sorted(str(n.recipient or n.address) for n in sent) == sorted(
        [str(tenants["hr"]), "ole@firma.dk"]
    )


def test_cancelling_asks_first_tells_everyone_and_freezes_the_meeting(
    tenants, meeting, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(tenants["coordinator"])
    url = reverse("partnerships:meeting_cancel", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200 and "2 deltagere får besked" in page.content.decode()
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.cancelled_at is not None
    assert told(kinds.MEETING_CANCELLED) == {tenants["hr"].username}
    assert all("STATUS:CANCELLED" in m.attachments[0][1] for m in mail.outbox)
    assert len(mail.outbox) == 2
    assert meeting not in upcoming_meetings(Meeting.objects.all(), now=timezone.now())
    with pytest.raises(ValidationError):
        meeting_update(meeting=meeting, by=tenants["coordinator"], title="Igen")
    hr = Client()
    hr.force_login(tenants["hr"])
    assert hr.post(url).status_code == 403


def test_a_contact_with_a_login_gets_the_notification_not_a_second_mail(
    tenants, django_capture_on_commit_callbacks
):
    linked = Contact.objects.create(
        company=tenants["company_a"],
        name="HR",
        role=Contact.Role.HR,
        email=tenants["hr"].email,
        user=tenants["hr"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_create(
            by=tenants["coordinator"],
            kind=Meeting.Kind.PARTNERSHIP,
            partnership=tenants["partnership_a"],
            title="Opstart",
            starts_at=timezone.now() + dt.timedelta(days=5),
            contact_participants=[linked],
        )
    assert told(kinds.MEETING_INVITATION) == {tenants["hr"].username}
    assert [m.to for m in mail.outbox] == [[tenants["hr"].email]]


def test_an_action_item_owned_by_a_company_contact(
    tenants, meeting, django_capture_on_commit_callbacks
):
    from partnerships.meeting_forms import ActionItemForm
    from partnerships.services import action_item_create

    outsider = tenants["outsider"]
    form = ActionItemForm(meeting=meeting)
    assert list(form.fields["owner_contact"].queryset) == [outsider]
    both = ActionItemForm(
        {"title": "x", "owner": tenants["hr"].pk, "owner_contact": outsider.pk}, meeting=meeting
    )
    assert not both.is_valid() and "owner_contact" in both.errors
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        item = action_item_create(
            meeting=meeting, by=tenants["coordinator"], title="Send lister", owner_contact=outsider
        )
    assert item.owner_name == "Ole"
    (message,) = mail.outbox
    assert message.to == ["ole@firma.dk"] and "Send lister" in message.subject
    stranger = Contact.objects.create(company=tenants["company_b"], name="X", role="other")
    with pytest.raises(ValidationError):
        action_item_create(
            meeting=meeting, by=tenants["coordinator"], title="y", owner_contact=stranger
        )


def test_a_contact_with_a_login_finds_the_item_in_the_product(tenants, meeting):
    from partnerships.services import action_item_create

    outsider = tenants["outsider"]
    outsider.user = tenants["hr"]
    outsider.save()
    item = action_item_create(
        meeting=meeting, by=tenants["coordinator"], title="Svar", owner_contact=outsider
    )
    assert told(kinds.ACTION_ITEM_ASSIGNED) == {tenants["hr"].username}
    client = Client()
    client.force_login(tenants["hr"])
    home = client.get(reverse("home"))
    assert item in home.context["home"].open_action_items
    done = client.post(reverse("partnerships:action_item_done", args=[item.pk]), {"done": "1"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.done


def test_an_e_mail_to_a_contact_that_failed_is_retried_like_everyone_elses(
    tenants, meeting, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from notifications import services

    settings.NOTIFICATION_RETRY_AFTER_SECONDS = 0
    original = EmailMultiAlternatives.send

    def refuse(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(meeting=meeting, by=tenants["coordinator"])
    row = Notification.objects.get(kind=kinds.MEETING_CANCELLED.name, address="ole@firma.dk")
    assert row.emailed_at is None and "down" in row.email_error
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    mail.outbox.clear()
    assert services.deliver_pending() == 2  # the contact and the HR participant
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["ole@firma.dk", tenants["hr"].email])


@pytest.mark.parametrize("change", ["ends_at", "place"])
def test_a_new_end_or_place_is_a_move_too(tenants, meeting, change):
    value = meeting.starts_at + dt.timedelta(hours=2) if change == "ends_at" else "Kantinen"
    meeting_update(meeting=meeting, by=tenants["coordinator"], **{change: value})
    assert told(kinds.MEETING_CHANGED) == {tenants["hr"].username}


def test_a_participant_who_is_also_a_linked_contact_is_told_once(tenants):
    linked = Contact.objects.create(
        company=tenants["company_a"], name="HR", role=Contact.Role.HR, user=tenants["hr"]
    )
    meeting_create(
        by=tenants["coordinator"],
        kind=Meeting.Kind.PARTNERSHIP,
        partnership=tenants["partnership_a"],
        title="Én gang",
        starts_at=timezone.now() + dt.timedelta(days=5),
        participants=[tenants["hr"]],
        contact_participants=[linked],
    )
    assert Notification.objects.filter(kind=kinds.MEETING_INVITATION.name).count() == 1
