import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.meeting_selectors import experience_search, meeting_ics
from partnerships.models import ActionItem, Experience, Meeting, Theme

pytestmark = pytest.mark.django_db


def local(days=7, hour=10):
    moment = timezone.localtime() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_coordinator_creates_a_partnership_meeting_and_an_action_item(client, world):
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("partnerships:meeting_create"),
        {
            "kind": "partnership",
            "partnership": world["partnership_a"].pk,
            "title": "Opstart",
            "starts_at": local().strftime("%Y-%m-%dT%H:%M"),
            "place": "Kantinen",
            "agenda": "1. Velkomst",
            "participants": [world["coordinator"].pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(title="Opstart")
    response = client.post(
        reverse("partnerships:action_item_create", args=[meeting.pk]),
        {"title": "Send holdliste", "owner": world["coordinator"].pk, "due_date": "2026-12-01"},
    )
    item = ActionItem.objects.get(title="Send holdliste")
    assert item.partnership == world["partnership_a"]
    home = client.get(reverse("home")).content.decode()
    assert "Opstart" in home and "Send holdliste" in home
    client.post(reverse("partnerships:action_item_done", args=[item.pk]), {"done": "1"})
    item.refresh_from_db()
    assert item.done and item.done_at


def test_internal_forum_must_be_at_the_users_own_school(client, world):
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("partnerships:meeting_create"),
        {
            "kind": "internal_forum",
            "title": "Forum",
            "schools": [world["school_b"].pk],
            "starts_at": local().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "Et internt forum holdes på din egen skole." in response.content.decode()


def test_only_the_consultant_arranges_network_seminars(client, world):
    data = {
        "kind": "network",
        "title": "Netværksmøde",
        "schools": [world["school_a"].pk],
        "starts_at": local().strftime("%Y-%m-%dT%H:%M"),
    }
    client.force_login(world["coordinator"])
    response = client.post(reverse("partnerships:meeting_create"), data)
    assert response.status_code == 200 and not Meeting.objects.filter(kind="network").exists()
    client.force_login(world["consultant"])
    assert client.post(reverse("partnerships:meeting_create"), data).status_code == 302


def test_meeting_ending_before_it_starts_is_refused_at_the_field(client, world):
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("partnerships:meeting_create"),
        {
            "kind": "partnership",
            "partnership": world["partnership_a"].pk,
            "title": "X",
            "starts_at": local(hour=12).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local(hour=9).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "Mødet kan ikke slutte, før det begynder." in response.content.decode()


def test_ics_is_a_valid_calendar_event(tenants):
    meeting = tenants["meeting_a"]
    meeting.title, meeting.place = "Møde; om, alt", "Lokale 2"
    meeting.agenda = "Punkt 1\nPunkt 2 " + "x" * 120
    text = meeting_ics(meeting, host="partnerskab.example.dk").decode()
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VEVENT" in lines
    assert "SUMMARY:Møde\\; om\\, alt" in lines
    assert f"UID:meeting-{meeting.pk}@partnerskab.example.dk" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith("DTSTART:") and line.endswith("Z") for line in lines)


def test_ics_download_is_audited(client, tenants):
    client.force_login(tenants["hr"])
    response = client.get(reverse("partnerships:meeting_ics", args=[tenants["meeting_a"].pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    from accounts.models import AuditEvent

    assert AuditEvent.objects.filter(action="download", actor=tenants["hr"]).exists()


def test_experience_with_new_themes_is_recorded_on_the_partnership(client, world):
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("partnerships:experience_create"),
        {
            "title": "Sidemandsoplæring virker",
            "body": "Svejserne lærte mest af kollegerne.",
            "partnership": world["partnership_a"].pk,
            "visibility": "network",
            "school": world["school_a"].pk,
            "new_themes": "Transfer, Sidemand",
        },
    )
    assert response.status_code == 302
    experience = Experience.objects.get(title="Sidemandsoplæring virker")
    assert set(experience.themes.values_list("name", flat=True)) == {"Transfer", "Sidemand"}
    world["partnership_a"].refresh_from_db()
    page = client.get(reverse("partnerships:detail", args=[world["partnership_a"].pk]))
    assert "Sidemandsoplæring virker" in page.content.decode()


def test_experience_search_and_filters(tenants):
    theme = Theme.objects.create(name="Motivation")
    tenants["experience_a"].body = "Deltagerne var motiverede af svejsecertifikatet."
    tenants["experience_a"].save()
    tenants["experience_a"].themes.add(theme)
    visible = Experience.objects.all()
    assert list(experience_search(visible, filters={"q": "svejsecertifikatet"})) == [
        tenants["experience_a"]
    ]
    assert list(experience_search(visible, filters={"theme": theme})) == [tenants["experience_a"]]
    assert list(experience_search(visible, filters={"q": "findes ikke"})) == []
    assert set(experience_search(visible, filters={"school": tenants["school_b"]})) == {
        tenants["experience_b"],
        tenants["network_experience"],
    }


def test_hr_cannot_see_the_schools_experience_log(client, tenants):
    client.force_login(tenants["hr"])
    page = client.get(reverse("partnerships:experiences")).content.decode()
    assert tenants["experience_a"].title not in page
    assert tenants["network_experience"].title not in page


def test_the_partnership_filter_offers_only_partnerships_with_experiences(client, tenants):
    from tests.factories import PartnershipFactory

    quiet = PartnershipFactory(lead_school=tenants["school_a"], company=tenants["company_a"])
    experience = tenants["experience_a"]
    experience.partnership = tenants["partnership_a"]
    experience.save()
    client.force_login(tenants["coordinator"])
    form = client.get(reverse("partnerships:experiences")).context["filter_form"]
    offered = set(form.fields["partnership"].queryset)
    assert tenants["partnership_a"] in offered
    assert quiet not in offered
    filtered = client.get(
        reverse("partnerships:experiences"), {"partnership": tenants["partnership_a"].pk}
    )
    assert list(filtered.context["page_obj"].object_list) == [experience]
