"""The public answer form behind a one-use token, and its misuse."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Answer, Kind, Response
from evaluations.tests.helpers import answer, block_with_participants, invite

pytestmark = pytest.mark.django_db


def url(invitation):
    return reverse("evaluations:answer", args=[invitation.token])


def form_data(invitation, **overrides):
    data = {}
    for q in invitation.questionnaire.questions.all():
        data[f"q{q.pk}"] = "4" if q.is_scale else "Svejsning af rør"
    data.update(overrides)
    return data


@pytest.fixture
def invitation():
    _block, (enrollment, *_rest) = block_with_participants(2)
    return invite(enrollment)


def test_the_form_opens_without_login_and_names_no_one(client, invitation):
    response = client.get(url(invitation))
    assert response.status_code == 200
    html = response.content.decode()
    assert invitation.course_block.course.title in html
    assert invitation.enrollment.employee.name not in html
    assert "Hvor meget har du lært på kurset?" in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_complete_answer_is_stored_once_and_the_link_is_then_used(client, invitation):
    response = client.post(url(invitation), form_data(invitation))
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:thanks")
    stored = Response.objects.get()
    assert (stored.kind, stored.course_block, stored.company) == (
        Kind.FOLLOW_UP,
        invitation.course_block,
        invitation.company,
    )
    assert stored.plan == invitation.enrollment.plan_activity.plan
    assert Answer.objects.filter(response=stored, score=4).count() == 5
    assert Answer.objects.filter(response=stored, text="Svejsning af rør").count() == 2

    again = client.post(url(invitation), form_data(invitation))
    assert again.status_code == 410
    assert "allerede besvaret" in again.content.decode()
    assert Response.objects.count() == 1
    assert client.get(url(invitation)).status_code == 410


def test_a_missing_scale_answer_is_marked_at_its_question(client, invitation):
    question = invitation.questionnaire.questions.get(key="teacher")
    data = form_data(invitation)
    del data[f"q{question.pk}"]
    response = client.post(url(invitation), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vælg et svar fra 1 til 5." in html
    assert Response.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_not_relevant_is_an_answer_without_a_score(client, invitation):
    question = invitation.questionnaire.questions.get(key="form")
    client.post(url(invitation), form_data(invitation, **{f"q{question.pk}": "nr"}))
    stored = Answer.objects.get(question=question)
    assert stored.not_relevant and stored.score is None


def test_scores_outside_the_scale_are_refused(client, invitation):
    question = invitation.questionnaire.questions.get(key="teacher")
    response = client.post(url(invitation), form_data(invitation, **{f"q{question.pk}": "9"}))
    assert response.status_code == 400
    assert Response.objects.count() == 0


def test_unknown_token_gets_a_clear_page(client):
    response = client.get(reverse("evaluations:answer", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "Linket er ikke gyldigt" in response.content.decode()


def test_expired_and_not_yet_open_links(client, invitation):
    today = timezone.localdate()
    invitation.opens_on, invitation.expires_on = today - dt.timedelta(days=20), today
    invitation.save()
    assert client.get(url(invitation)).status_code == 200, "open through its last day"
    invitation.expires_on = today - dt.timedelta(days=1)
    invitation.save()
    expired = client.get(url(invitation))
    assert expired.status_code == 410 and "lukket" in expired.content.decode()
    assert client.post(url(invitation), form_data(invitation)).status_code == 410
    invitation.opens_on, invitation.expires_on = (
        today + dt.timedelta(days=1),
        today + dt.timedelta(days=9),
    )
    invitation.save()
    assert client.get(url(invitation)).status_code == 403
    assert Response.objects.count() == 0


def test_a_token_answers_only_its_own_block_and_questionnaire(client):
    _block, (mine,) = block_with_participants(1)
    _other_block, (theirs,) = block_with_participants(1)
    my_invitation = invite(mine)
    their_invitation = invite(theirs, Kind.MOTIVATION)
    foreign_question = their_invitation.questionnaire.questions.get(key="motivation")
    data = form_data(my_invitation, **{f"q{foreign_question.pk}": "1"})
    assert client.post(url(my_invitation), data).status_code == 302
    stored = Response.objects.get()
    assert stored.course_block == mine.course_block
    assert not Answer.objects.filter(question=foreign_question).exists()
    their_invitation.refresh_from_db()
    assert their_invitation.answered_at is None


def test_a_second_submission_of_the_same_token_is_refused_by_the_service(invitation):
    from evaluations import services

    answer(invitation, {"learned": 5})
    with pytest.raises(services.InvitationClosed) as closed:
        answer(invitation, {"learned": 1})
    assert closed.value.reason == "answered"
    assert Response.objects.count() == 1
    assert Answer.objects.get().score == 5


def test_the_form_is_in_english_for_english_readers(client, invitation):
    response = client.get(url(invitation), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "How much did you learn on the course?" in html
    assert "Not relevant" in html
