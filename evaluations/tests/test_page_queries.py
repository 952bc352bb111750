"""Exact query counts for the evaluation pages besides the results: the answer form, the
QR sheet and the questionnaire pages, unchanged when the data grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SchoolRole
from evaluations.models import Kind
from evaluations.tests.helpers import block_with_participants, invite
from tests.factories import EnrollmentFactory, SchoolMembershipFactory

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_answer_form_queries_do_not_grow_with_the_questions(client):
    _block, (enrollment,) = block_with_participants(1)
    short = invite(enrollment)  # the default follow-up: 7 questions
    effect = invite(enrollment, Kind.EFFECT)  # 4 questions
    # token lookup with block, course and questionnaire; the questions
    assert count(client, reverse("evaluations:answer", args=[short.token])) == 2
    assert count(client, reverse("evaluations:answer", args=[effect.token])) == 2


def test_sheet_queries_do_not_grow_with_the_participants(client):
    block, enrollments = block_with_participants(1)
    invite(enrollments[0])
    coordinator = SchoolMembershipFactory(school=block.school).user
    client.force_login(coordinator)
    url = reverse("evaluations:sheet", args=[block.pk])
    client.get(url)
    small = count(client, url)
    for _ in range(9):
        invite(EnrollmentFactory(course_block=block, plan_activity=enrollments[0].plan_activity))
    # session, user, block in scope, may print, invitations with employees
    assert (small, count(client, url)) == (5, 5)


def test_questionnaire_pages_have_exact_query_counts(client):
    block, _ = block_with_participants(1)
    leader = SchoolMembershipFactory(school=block.school, role=SchoolRole.LEADER).user
    client.force_login(leader)
    listing = reverse("evaluations:questionnaires", args=[block.school_id])
    edit = reverse("evaluations:questionnaire_edit", args=[block.school_id, Kind.FOLLOW_UP])
    client.get(listing)
    # session, user, school, may manage, versions, the four kinds in use, their question counts
    assert count(client, listing) == 13
    # session, user, school, may manage, the version in use, its questions
    assert count(client, edit) == 6
