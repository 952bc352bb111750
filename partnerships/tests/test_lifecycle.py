import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, SchoolRole
from partnerships import services
from partnerships.models import Partnership
from partnerships.services import (
    available_transitions,
    partnership_hand_over,
    partnership_transition,
    partnership_update,
)
from tests.factories import SchoolMembershipFactory

pytestmark = pytest.mark.django_db
Status = Partnership.Status


@pytest.fixture
def prospect(world):
    partnership = world["partnership_a"]
    partnership.status = Status.PROSPECT
    partnership.goals = ""
    partnership.agreement_terms = ""
    partnership.start_date = None
    partnership.save()
    return partnership


def step(partnership, name, user):
    return partnership_transition(partnership=partnership, name=name, by=user)


def test_the_whole_lifecycle_with_approval_by_the_leader(world, prospect):
    coordinator, leader = world["coordinator"], world["leader"]
    p = services.partnership_draft_agreement(partnership=prospect, by=coordinator)
    assert p.status == Status.AGREEMENT_DRAFT
    partnership_update(
        partnership=p,
        by=coordinator,
        goals="Alle svejsere certificeres.",
        agreement_terms="To år, fire hold om året.",
        start_date=dt.date(2026, 1, 5),
    )
    p = services.partnership_approve_agreement(partnership=p, by=leader)
    assert p.status == Status.ACTIVE
    assert (p.agreement_approved_by, p.is_agreement_approved) == (leader, True)
    p = services.partnership_pause(partnership=p, by=coordinator)
    assert (p.status, p.status_before_pause) == (Status.PAUSED, Status.ACTIVE)
    p = services.partnership_resume(partnership=p, by=coordinator)
    assert (p.status, p.status_before_pause) == (Status.ACTIVE, "")
    p = services.partnership_start_evaluation(partnership=p, by=coordinator)
    partnership_update(partnership=p, by=coordinator, end_date=dt.date(2027, 12, 31))
    p = services.partnership_conclude(partnership=p, by=coordinator)
    assert p.status == Status.CONCLUDED
    changes = AuditEvent.objects.filter(action="state_changed", target_id=str(p.pk))
    assert [e.data["to"] for e in changes.order_by("pk")] == [
        "agreement_draft",
        "active",
        "paused",
        "active",
        "evaluation",
        "concluded",
    ]
    assert AuditEvent.objects.filter(action="agreement_approved", actor=leader).exists()


def test_activation_lists_everything_that_is_missing(world, prospect):
    p = step(prospect, "draft_agreement", world["coordinator"])
    with pytest.raises(ValidationError) as error:
        step(p, "approve_agreement", world["leader"])
    assert error.value.messages == [
        "Skriv aftalevilkårene.",
        "Beskriv partnerskabets mål.",
        "Angiv startdatoen.",
    ]
    p.refresh_from_db()
    assert p.status == Status.AGREEMENT_DRAFT


def test_only_the_lead_schools_leader_approves(world, prospect):
    p = step(prospect, "draft_agreement", world["coordinator"])
    with pytest.raises(PermissionDenied):
        step(p, "approve_agreement", world["coordinator"])
    with pytest.raises(PermissionDenied):
        step(p, "approve_agreement", world["other_leader"])
    # A school that joins the partnership does not lead it: its leader neither approves
    # nor sends back.
    p.other_schools.add(world["school_b"])
    for name in ("approve_agreement", "send_back_agreement"):
        with pytest.raises(PermissionDenied):
            partnership_transition(
                partnership=p, name=name, by=world["other_leader"], comment="Nej."
            )


def test_sending_the_agreement_back_needs_a_comment(world, prospect):
    p = step(prospect, "draft_agreement", world["coordinator"])
    with pytest.raises(ValidationError, match="tovholderen"):
        services.partnership_send_back_agreement(partnership=p, by=world["leader"], comment=" ")
    p = services.partnership_send_back_agreement(
        partnership=p, by=world["leader"], comment="Målene mangler."
    )
    assert p.status == Status.PROSPECT


@pytest.mark.parametrize("name", ["conclude", "resume", "approve_agreement", "nonsense"])
def test_illegal_transitions_are_refused_with_a_message(world, prospect, name):
    with pytest.raises(ValidationError, match="Et partnerskab med status »Emne« kan ikke det."):
        step(prospect, name, world["coordinator"])


def test_concluding_needs_an_end_date(world):
    p = world["partnership_a"]
    p.status, p.end_date = Status.EVALUATION, None
    p.save()
    with pytest.raises(ValidationError, match="slutdatoen"):
        step(p, "conclude", world["coordinator"])


def test_available_transitions_follow_role_and_state(world, prospect):
    names = lambda user: [t.name for t in available_transitions(partnership=prospect, user=user)]  # noqa: E731
    assert names(world["coordinator"]) == ["draft_agreement"]
    assert names(world["leader"]) == []
    assert names(world["hr"]) == []
    prospect.status = Status.AGREEMENT_DRAFT
    assert names(world["leader"]) == ["approve_agreement", "send_back_agreement"]
    assert "pause" in names(world["coordinator"])


def test_approved_agreement_terms_are_locked(world):
    p = world["partnership_a"]
    p.agreement_terms, p.agreement_approved_by = "Vilkår", world["leader"]
    p.agreement_approved_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    p.save()
    with pytest.raises(ValidationError):
        partnership_update(partnership=p, by=world["coordinator"], agreement_terms="Nye vilkår")


def test_hand_over_to_another_coordinator_of_the_school(world):
    p = world["partnership_a"]
    successor = SchoolMembershipFactory(school=world["school_a"], role=SchoolRole.COORDINATOR).user
    partnership_hand_over(partnership=p, new_coordinator=successor, by=world["leader"])
    p.refresh_from_db()
    assert p.coordinator == successor
    event = AuditEvent.objects.get(action="coordinator_changed")
    assert event.data == {"from": str(world["coordinator"]), "to": str(successor)}


def test_hand_over_refuses_someone_outside_the_schools(world):
    with pytest.raises(ValidationError):
        partnership_hand_over(
            partnership=world["partnership_a"],
            new_coordinator=world["other_coordinator"],
            by=world["coordinator"],
        )
    with pytest.raises(PermissionDenied):
        partnership_hand_over(
            partnership=world["partnership_a"],
            new_coordinator=world["coordinator"],
            by=world["hr"],
        )


def test_transition_view_shows_refusals_as_messages_not_errors(client, world, prospect):
    client.force_login(world["coordinator"])
    url = reverse("partnerships:transition", args=[prospect.pk])
    response = client.post(url, {"transition": "conclude"}, follow=True)
    assert response.status_code == 200
    assert "kan ikke det" in response.content.decode()
    response = client.post(url, {"transition": "draft_agreement"}, follow=True)
    assert "Partnerskabet har nu status »Aftaleudkast«." in response.content.decode()
    client.force_login(world["hr"])
    assert client.post(url, {"transition": "pause"}).status_code == 403


def test_detail_shows_the_timeline_in_words(client, world, prospect):
    step(prospect, "draft_agreement", world["coordinator"])
    client.force_login(world["coordinator"])
    page = client.get(reverse("partnerships:detail", args=[prospect.pk])).content.decode()
    assert "Status ændret fra Emne til Aftaleudkast" in page
