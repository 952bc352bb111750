import pytest
from django.test import Client
from django.urls import reverse

from schools.feeds import feed_get_or_create
from schools.models import CalendarFeed
from tests.factories import CourseBlockFactory

pytestmark = pytest.mark.django_db


def fetch(token):
    return Client().get(reverse("schools:calendar_feed", args=[token]))


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
        reverse("schools:calendar_feeds"), {"kind": "teacher", "company": "", "action": "create"}
    )
    old = CalendarFeed.objects.get(user=tenants["teacher"]).token
    assert fetch(old).status_code == 200
    client.post(
        reverse("schools:calendar_feeds"),
        {"kind": "teacher", "company": "", "action": "regenerate"},
    )
    new = CalendarFeed.objects.get(user=tenants["teacher"]).token
    assert new != old
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200


def test_nobody_subscribes_to_another_companys_calendar(client, tenants):
    client.force_login(tenants["hr"])
    response = client.post(
        reverse("schools:calendar_feeds"),
        {"kind": "company", "company": tenants["company_b"].pk, "action": "create"},
    )
    assert response.status_code == 403
    assert not CalendarFeed.objects.exists()


def test_deactivated_users_feed_stops(tenants):
    feed = feed_get_or_create(user=tenants["teacher"], kind=CalendarFeed.Kind.TEACHER)
    tenants["teacher"].is_active = False
    tenants["teacher"].save()
    assert fetch(feed.token).status_code == 404
