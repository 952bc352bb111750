import pytest
from django.test import Client
from django.urls import reverse

from scheduling.feeds import feed_get_or_create
from scheduling.models import CalendarFeed
from tests.factories import CourseBlockFactory

pytestmark = pytest.mark.django_db


def fetch(token):
    return Client().get(reverse("scheduling:calendar_feed", args=[token]))


def test_teacher_feed_lists_taught_blocks_without_login(tenants):
    feed = feed_get_or_create(user=tenants["teacher"], kind=CalendarFeed.Kind.TEACHER)
    other = CourseBlockFactory(school=tenants["school_a"])
    response = fetch(feed.token)
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f"UID:block-{tenants['block_a'].pk}@" in body
    assert f"UID:block-{other.pk}@" not in body
    start = tenants["block_a"].start_date
    assert f"DTSTART;VALUE=DATE:{start:%Y%m%d}" in body


def test_company_feed_shows_only_that_companys_blocks(tenants):
    feed = feed_get_or_create(
        user=tenants["hr"], kind=CalendarFeed.Kind.COMPANY, company=tenants["company_a"]
    )
    body = fetch(feed.token).content.decode()
    assert f"UID:block-{tenants['block_a'].pk}@" in body
    assert f"UID:block-{tenants['block_b'].pk}@" not in body


def test_new_link_replaces_the_old_one(client, tenants):
    client.force_login(tenants["teacher"])
    client.post(
        reverse("scheduling:calendar_feeds"), {"kind": "teacher", "company": "", "action": "create"}
    )
    old = CalendarFeed.objects.get(user=tenants["teacher"]).token
    assert fetch(old).status_code == 200
    client.post(
        reverse("scheduling:calendar_feeds"),
        {"kind": "teacher", "company": "", "action": "regenerate"},
    )
    new = CalendarFeed.objects.get(user=tenants["teacher"]).token
    assert new != old
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200


def test_nobody_subscribes_to_another_companys_calendar(client, tenants):
    client.force_login(tenants["hr"])
    response = client.post(
        reverse("scheduling:calendar_feeds"),
        {"kind": "company", "company": tenants["company_b"].pk, "action": "create"},
    )
    assert response.status_code == 403
    assert not CalendarFeed.objects.exists()


def test_deactivated_users_feed_stops(tenants):
    feed = feed_get_or_create(user=tenants["teacher"], kind=CalendarFeed.Kind.TEACHER)
    tenants["teacher"].is_active = False
    tenants["teacher"].save()
    assert fetch(feed.token).status_code == 404


def test_every_calendar_parses_with_text_from_textareas(client, tenants):
    """Feeds of every kind and a meeting download, with commas, semicolons, backslashes and
    the bare carriage returns a textarea may send: each parses as iCalendar again, with the
    text as it was typed (line breaks as line breaks)."""
    from icalendar import Calendar

    block = tenants["block_a"]
    block.address = "Hal 3; port 2,\r\nbag ved \\ lageret\rindgang B"
    block.company = tenants["company_a"]
    block.save()
    meeting = tenants["meeting_a"]
    meeting.agenda = "Punkt 1\r\nPunkt 2\rPunkt 3; slut, " + "x" * 200
    meeting.save()
    feeds = [
        feed_get_or_create(user=tenants["teacher"], kind=CalendarFeed.Kind.TEACHER),
        feed_get_or_create(
            user=tenants["hr"], kind=CalendarFeed.Kind.COMPANY, company=tenants["company_a"]
        ),
        feed_get_or_create(user=tenants["coordinator"], kind=CalendarFeed.Kind.COORDINATOR),
    ]
    bodies = [fetch(feed.token).content for feed in feeds]
    client.force_login(tenants["coordinator"])
    bodies.append(client.get(reverse("partnerships:meeting_ics", args=[meeting.pk])).content)
    texts = []
    for body in bodies:
        assert b"\r" not in body.replace(b"\r\n", b""), "no bare CR"
        assert all(len(line) <= 75 for line in body.split(b"\r\n"))
        for event in Calendar.from_ical(body).walk("VEVENT"):
            texts += [str(event.get("location", "")), str(event.get("description", ""))]
    assert "Hal 3; port 2,\nbag ved \\ lageret\nindgang B" in texts
    assert "Punkt 1\nPunkt 2\nPunkt 3; slut, " + "x" * 200 in texts
