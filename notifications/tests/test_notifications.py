"""Steps that hand work to someone tell them: the right people and nobody else, in their
language, once; what waits shows until the step is taken; e-mail follows preferences and
survives a mail server that is down."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from competence_plans.services import plan_transition
from notifications import kinds, services
from notifications.models import Notification, Preference
from partnerships.models import Partnership
from partnerships.services import action_item_create, action_item_set_done, partnership_transition
from tests.factories import CompanyMembershipFactory, SchoolMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposable(tenants):
    plan = tenants["plan_a"]
    plan.status = plan.Status.DRAFT
    plan.save()
    return plan


def inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user))


def test_a_proposed_plan_tells_the_companys_hr_and_nobody_else(
    tenants, proposable, django_capture_on_commit_callbacks
):
    second_hr = CompanyMembershipFactory(company=tenants["company_a"], role="hr").user
    manager = CompanyMembershipFactory(company=tenants["company_a"], role="manager").user
    with django_capture_on_commit_callbacks(execute=True):
        plan_transition(plan=proposable, name="propose", by=tenants["coordinator"])
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {tenants["hr"].username, second_hr.username}
    assert not inbox(manager) and not inbox(tenants["other_hr"])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([tenants["hr"].email, second_hr.email])
    message = mail.outbox[0]
    assert reverse("competence_plans:detail", args=[proposable.pk]) in message.body
    assert reverse("notifications:preferences") in message.body
    assert message.alternatives[0][1] == "text/html"
    assert "afventer din godkendelse" in message.subject  # Danish by default
    (waiting,) = services.waiting_for(tenants["hr"])
    assert waiting.kind == kinds.PLAN_PROPOSED.name


def test_approving_ends_the_wait_and_tells_the_coordinator(tenants, proposable):
    plan_transition(plan=proposable, name="propose", by=tenants["coordinator"])
    plan_transition(plan=proposable, name="approve", by=tenants["hr"], comment="Fint")
    assert services.waiting_for(tenants["hr"]) == []
    (news,) = inbox(tenants["coordinator"])
    assert (news.kind, news.message, news.waits) == (kinds.PLAN_APPROVED.name, "Fint", False)


def test_sending_back_waits_for_the_coordinator_until_proposed_again(tenants, proposable):
    plan_transition(plan=proposable, name="propose", by=tenants["coordinator"])
    plan_transition(plan=proposable, name="send_back", by=tenants["hr"], comment="Flere svejsere")
    (sent_back,) = services.waiting_for(tenants["coordinator"])
    assert (sent_back.kind, sent_back.message) == (kinds.PLAN_SENT_BACK.name, "Flere svejsere")
    assert services.waiting_for(tenants["hr"]) == []
    plan_transition(plan=proposable, name="propose", by=tenants["coordinator"])
    assert services.waiting_for(tenants["coordinator"]) == []
    assert len(services.waiting_for(tenants["hr"])) == 1


def test_the_message_is_in_the_recipients_language(
    tenants, proposable, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=tenants["hr"].pk).update(language="en")
    with django_capture_on_commit_callbacks(execute=True):
        plan_transition(plan=proposable, name="propose", by=tenants["coordinator"])
    (message,) = mail.outbox
    assert message.subject.startswith("A competence plan awaits your approval")
    assert "Open it:" in message.body


def test_an_agreement_draft_waits_for_the_lead_schools_leaders_only(world):
    partnership = world["partnership_a"]
    partnership.status = Partnership.Status.PROSPECT
    partnership.save()
    partnership_transition(partnership=partnership, name="draft_agreement", by=world["coordinator"])
    assert [n.kind for n in services.waiting_for(world["leader"])] == [
        kinds.AGREEMENT_AWAITING.name
    ]
    assert not inbox(world["other_leader"]) and not inbox(world["consultant"])
    partnership.refresh_from_db()
    partnership.agreement_terms = "To år"
    partnership.goals = "Certifikater"
    partnership.start_date = partnership.start_date or dt.date(2027, 1, 4)
    partnership.save()
    partnership_transition(partnership=partnership, name="approve_agreement", by=world["leader"])
    assert services.waiting_for(world["leader"]) == []
    assert [n.kind for n in inbox(world["coordinator"])] == [kinds.AGREEMENT_APPROVED.name]


def test_an_action_item_waits_for_its_owner_until_done(tenants):
    item = action_item_create(
        meeting=tenants["meeting_a"],
        by=tenants["coordinator"],
        title="Ring",
        owner=tenants["leader"],
    )
    assert [n.target_repr for n in services.waiting_for(tenants["leader"])] == [str(item)]
    action_item_set_done(item=item, done=True, by=tenants["leader"])
    assert services.waiting_for(tenants["leader"]) == []


def test_nobody_is_told_of_their_own_step(tenants):
    action_item_create(
        meeting=tenants["meeting_a"],
        by=tenants["coordinator"],
        title="Selv",
        owner=tenants["coordinator"],
    )
    assert not inbox(tenants["coordinator"])


def test_preferences_digest_and_off(tenants, proposable, django_capture_on_commit_callbacks):
    second_hr = CompanyMembershipFactory(company=tenants["company_a"], role="hr").user
    Preference.objects.create(user=tenants["hr"], kind="plan_proposed", delivery="digest")
    Preference.objects.create(user=second_hr, kind="plan_proposed", delivery="off")
    with django_capture_on_commit_callbacks(execute=True):
        plan_transition(plan=proposable, name="propose", by=tenants["coordinator"])
    assert mail.outbox == []
    # Off means no e-mail; the message is in the product all the same.
    assert len(services.waiting_for(second_hr)) == 1
    action_item_create(
        meeting=tenants["meeting_a"], by=tenants["coordinator"], title="Mere", owner=tenants["hr"]
    )
    Notification.objects.filter(kind="action_item_assigned").update(delivery="digest")
    assert services.send_digests() == 1
    (digest,) = mail.outbox
    assert digest.to == [tenants["hr"].email]
    assert "2" in digest.subject and "Mere" in digest.body and str(proposable) in digest.body
    assert services.send_digests() == 0  # sent once


def test_kinds_that_cannot_be_turned_off_ignore_the_choice(world):
    assert not kinds.INVITATION_ACCEPTED.optional
    Preference.objects.create(user=world["leader"], kind="invitation_accepted", delivery="off")
    (row,) = services.notify(
        kinds.INVITATION_ACCEPTED,
        recipients=[world["leader"]],
        target=world["teacher"],
        url="/",
    )
    assert row.delivery == "now"


def test_a_mail_server_that_is_down_fails_nothing_and_is_retried(
    tenants, proposable, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_RETRY_AFTER_SECONDS = 0
    original = EmailMultiAlternatives.send

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        plan = plan_transition(plan=proposable, name="propose", by=tenants["coordinator"])
    assert plan.status == plan.Status.PROPOSED
    (row,) = Notification.objects.all()
    assert row.emailed_at is None and row.email_attempts == 1 and "down" in row.email_error
    monkeypatch.setattr(EmailMultiAlternatives, "send", original)
    assert services.deliver_pending() == 1
    row.refresh_from_db()
    assert row.emailed_at is not None and row.email_error == ""
    assert len(mail.outbox) == 1
    assert services.deliver_pending() == 0


def test_retrying_stops_after_the_last_attempt(tenants, settings, world):
    settings.NOTIFICATION_RETRY_AFTER_SECONDS = 0
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    (row,) = services.notify(
        kinds.PLAN_APPROVED, recipients=[world["coordinator"]], target=world["plan_a"], url="/"
    )
    Notification.objects.filter(pk=row.pk).update(email_attempts=2)
    assert services.deliver_pending() == 1
    Notification.objects.filter(pk=row.pk).update(email_attempts=3, emailed_at=None)
    assert services.deliver_pending() == 0


def test_accepting_an_invitation_tells_the_inviter(world):
    from people import services as people

    outcome = people.invitation_create(
        by=world["leader"],
        organisation=world["school_a"],
        email="ny@example.org",
        first_name="Ny",
        role="teacher",
    )
    people.invitation_accept(
        token=outcome.token, first_name="Ny", last_name="", password="Kursus-uge-2027!"
    )
    (news,) = inbox(world["leader"])
    assert news.kind == kinds.INVITATION_ACCEPTED.name and news.message == str(world["school_a"])


def test_the_menu_count_and_read_unread(tenants, proposable):
    plan_transition(plan=proposable, name="propose", by=tenants["coordinator"])
    hr = Client()
    hr.force_login(tenants["hr"])
    page = hr.get(reverse("notifications:list")).content.decode()
    assert '1<span class="visually-hidden"> ulæst</span>' in page
    (row,) = inbox(tenants["hr"])
    hr.post(reverse("notifications:mark"), {"id": row.pk})
    tenants["hr"].refresh_from_db()
    assert tenants["hr"].unread_notifications == 0
    hr.post(reverse("notifications:mark"), {"id": row.pk, "unread": "1"})
    tenants["hr"].refresh_from_db()
    assert tenants["hr"].unread_notifications == 1
    # Nobody marks someone else's messages.
    other = Client()
    other.force_login(tenants["other_hr"])
    other.post(reverse("notifications:mark"), {"id": row.pk})
    row.refresh_from_db()
    assert row.read_at is None
    hr.post(reverse("notifications:mark"))
    row.refresh_from_db()
    assert row.read_at is not None


def test_the_preferences_page_saves_choices(world):
    client = Client()
    client.force_login(world["hr"])
    form = client.get(reverse("notifications:preferences")).context["form"]
    assert "invitation_accepted" not in form.fields
    assert form.initial["language"] == "da"
    data = dict.fromkeys(form.fields, "now")
    data["plan_proposed"] = "digest"
    data["language"] = "en"
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    assert services.preferences_of(world["hr"])["plan_proposed"] == "digest"
    world["hr"].refresh_from_db()
    assert world["hr"].language == "en"
    data["plan_proposed"] = "sometimes"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 200 and "plan_proposed" in response.context["form"].errors


def test_home_and_notifications_pages_cost_the_same_at_ten_times_the_messages(tenants):
    hr = tenants["hr"]
    client = Client()
    client.force_login(hr)

    def add(n):
        for i in range(n):
            services.notify(
                kinds.PLAN_PROPOSED, recipients=[hr], target=tenants["plan_a"], url=f"/{i}"
            )

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(3)
    before = {url: count(url) for url in (reverse("home"), reverse("notifications:list"))}
    add(27)
    after = {url: count(url) for url in (reverse("home"), reverse("notifications:list"))}
    assert before == after
    # session, user, the page's count and its rows
    assert after[reverse("notifications:list")] == 4
    waiting = client.get(reverse("home")).context["home"].waiting
    assert len(waiting) == 20  # the oldest twenty, oldest first
    assert [n.url for n in waiting[:2]] == ["/0", "/1"]


def test_a_leader_is_not_told_about_another_schools_agreement(world):
    SchoolMembershipFactory(school=world["school_b"], role="leader")
    partnership = world["partnership_b"]
    partnership.status = Partnership.Status.PROSPECT
    partnership.save()
    partnership_transition(
        partnership=partnership, name="draft_agreement", by=world["other_coordinator"]
    )
    assert not inbox(world["leader"])
    assert len(services.waiting_for(world["other_leader"])) == 1


def test_a_deactivated_person_is_not_told(world):
    world["hr"].is_active = False
    world["hr"].save()
    assert (
        services.notify(
            kinds.PLAN_PROPOSED, recipients=[world["hr"]], target=world["school_a"], url="/"
        )
        == []
    )


def test_the_sweep_waits_before_sending_again(tenants, settings):
    settings.NOTIFICATION_RETRY_AFTER_SECONDS = 300
    (row,) = services.notify(
        kinds.PLAN_APPROVED, recipients=[tenants["coordinator"]], target=tenants["plan_a"], url="/"
    )
    assert services.deliver_pending() == 0  # just made: the first delivery may still be on its way
    Notification.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=301)
    )
    assert services.deliver_pending() == 1


def test_a_kind_that_cannot_be_turned_off_keeps_no_choice(world):
    services.preferences_save(
        user=world["leader"], choices={"invitation_accepted": "off", "plan_approved": "off"}
    )
    assert dict(Preference.objects.values_list("kind", "delivery")) == {"plan_approved": "off"}
