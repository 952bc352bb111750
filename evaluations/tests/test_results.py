"""Results: anonymity threshold, indices on hand-computed data, scope and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations import selectors
from evaluations.models import Kind, Theme
from evaluations.tests.helpers import answer, block_with_participants, invite
from tests.factories import (
    CompanyMembershipFactory,
    EmployeeFactory,
    EnrollmentFactory,
    PartnershipFactory,
    SchoolMembershipFactory,
)

pytestmark = pytest.mark.django_db


def follow_ups(enrollments, rows):
    for enrollment, (scores, texts) in zip(enrollments, rows, strict=True):
        answer(invite(enrollment), scores, texts)


def test_fewer_than_three_answers_hide_figures_and_texts():
    block, enrollments = block_with_participants(3)
    follow_ups(
        enrollments[:2],
        [({"learned": 5}, {"use_first": "Rørsvejsning"}), ({"learned": 3}, {})],
    )
    invite(enrollments[2])
    results = selectors.results_for(selectors.scope_block(block))
    follow_up = next(k for k in results.kinds if k.kind == Kind.FOLLOW_UP)
    assert (follow_up.invited, follow_up.answered, follow_up.hidden) == (3, 2, True)
    outcome = next(i for i in results.indices if i.theme == Theme.OUTCOME)
    assert outcome.hidden and outcome.value is None
    assert results.themes == []

    answer(block.invitations.get(answered_at=None), {"learned": 4})
    results = selectors.results_for(selectors.scope_block(block))
    follow_up = next(k for k in results.kinds if k.kind == Kind.FOLLOW_UP)
    assert not follow_up.hidden and follow_up.percent == 100
    learned = next(q for q in follow_up.questions if q.key == "learned")
    assert learned.distribution == [0, 0, 1, 1, 1]
    use_first = next(q for q in follow_up.questions if q.key == "use_first")
    assert use_first.texts == ["Rørsvejsning"]


def test_indices_on_hand_computed_answers():
    block, enrollments = block_with_participants(3)
    follow_ups(
        enrollments,
        [
            ({"learned": 5, "can_use": 4, "teacher": 5, "form": 4, "content": 3}, {}),
            ({"learned": 4, "can_use": 4, "teacher": 4, "form": "nr", "content": 4}, {}),
            ({"learned": 3, "can_use": "nr", "teacher": 2, "form": 2, "content": 3}, {}),
        ],
    )
    results = selectors.results_for(selectors.scope_block(block))
    index = {i.theme: i for i in results.indices}
    # outcome: 5, 4, 4, 4, 3 (one "not relevant" left out) → 20 / 5
    assert index[Theme.OUTCOME].value == pytest.approx(4.0)
    assert index[Theme.OUTCOME].answers == 5
    # teaching: 5 4 3 | 4 4 | 2 2 3 → 27 / 8
    assert index[Theme.TEACHING].value == pytest.approx(27 / 8)
    assert index[Theme.TRANSFER].value is None and index[Theme.TRANSFER].hidden
    learned = next(q for k in results.kinds for q in k.questions if q.key == "learned")
    assert learned.average == pytest.approx(4.0)
    form = next(q for k in results.kinds for q in k.questions if q.key == "form")
    assert (form.count, form.not_relevant, form.average) == (2, 1, pytest.approx(3.0))


def test_school_average_compares_with_every_answer_at_the_school():
    partnership = PartnershipFactory()
    block, enrollments = block_with_participants(3, partnership=partnership)
    other_block, others = block_with_participants(
        3, partnership=PartnershipFactory(lead_school=partnership.lead_school)
    )
    follow_ups(enrollments, [({"learned": 5, "can_use": 5}, {})] * 3)
    follow_ups(others, [({"learned": 1, "can_use": 1}, {})] * 3)
    results = selectors.results_for(
        selectors.scope_partnership(partnership), school_ids=[partnership.lead_school_id]
    )
    outcome = next(i for i in results.indices if i.theme == Theme.OUTCOME)
    assert outcome.value == 5 and outcome.school_value == 3 and outcome.difference == 2


def test_hr_see_only_their_own_companys_answers_on_a_shared_block(client):
    block, enrollments = block_with_participants(3)
    follow_ups(enrollments, [({"learned": 5}, {"comments": "Godt kursus"})] * 3)
    for _ in range(3):  # employees of another company on the same open block
        outsider = EnrollmentFactory(
            course_block=block, employee=EmployeeFactory(), status="completed"
        )
        answer(invite(outsider), {"learned": 1}, {"comments": "Andet firma"})
    hr = CompanyMembershipFactory(company=enrollments[0].employee.company).user
    client.force_login(hr)
    response = client.get(reverse("evaluations:block", args=[block.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Godt kursus" in html and "Andet firma" not in html
    learned = next(
        q for k in response.context["results"].kinds for q in k.questions if q.key == "learned"
    )
    assert learned.distribution == [0, 0, 0, 0, 3]
    coordinator = SchoolMembershipFactory(school=block.school).user
    client.force_login(coordinator)
    html = client.get(reverse("evaluations:block", args=[block.pk])).content.decode()
    assert "Godt kursus" in html and "Andet firma" in html


def test_no_page_shows_a_respondents_name(client):
    block, enrollments = block_with_participants(3)
    follow_ups(enrollments, [({"learned": 4}, {"comments": "Fint"})] * 3)
    client.force_login(SchoolMembershipFactory(school=block.school).user)
    partnership = enrollments[0].plan_activity.plan.partnership
    for name, pk in [
        ("evaluations:block", block.pk),
        ("evaluations:partnership", partnership.pk),
        ("evaluations:plan", enrollments[0].plan_activity.plan_id),
        ("evaluations:school", block.school_id),
    ]:
        html = client.get(reverse(name, args=[pk])).content.decode()
        assert "Fint" in html, name
        for enrollment in enrollments:
            assert enrollment.employee.name not in html, name


def _answers(block, enrollments, times):
    for n in range(times):
        for enrollment in enrollments:
            extra = EnrollmentFactory(
                course_block=block,
                plan_activity=enrollment.plan_activity,
                employee=EmployeeFactory(company=enrollment.employee.company),
                status="completed",
            )
            answer(invite(extra), {"learned": 1 + n % 5, "teacher": 4}, {"comments": f"Svar {n}"})
            answer(invite(extra, Kind.EFFECT), {"use_often": 3}, {"obstacles": "Tid"})


@pytest.mark.parametrize(
    "name,expected",
    [
        ("evaluations:block", 12),
        ("evaluations:plan", 16),
        ("evaluations:partnership", 12),
        ("evaluations:school", 11),
    ],
)
def test_results_pages_have_an_exact_query_count_whatever_the_answers(client, name, expected):
    block, enrollments = block_with_participants(3)
    plan = enrollments[0].plan_activity.plan
    pk = {
        "evaluations:block": block.pk,
        "evaluations:plan": plan.pk,
        "evaluations:partnership": plan.partnership_id,
        "evaluations:school": block.school_id,
    }[name]
    coordinator = SchoolMembershipFactory(school=block.school).user
    plan.partnership.coordinator = coordinator
    plan.partnership.save()
    client.force_login(coordinator)
    counts = []
    for times in (1, 10):
        _answers(block, enrollments, times)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=[pk])).status_code == 200
        counts.append(len(queries))
    assert counts == [expected, expected], [q["sql"] for q in queries.captured_queries]
