"""When invitations are created, e-mailed and reminded (time frozen), and the defaults."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from evaluations import services
from evaluations.models import Invitation, Kind, Questionnaire
from evaluations.tasks import run_invitations
from evaluations.tests.helpers import block_with_participants
from scheduling.models import CourseBlock, Enrollment
from tests.factories import CompanyMembershipFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 2)  # a Monday; the block ends Friday 6 March
END = dt.date(2026, 3, 6)


def kinds_on(day: dt.date) -> list[str]:
    with time_machine.travel(dt.datetime.combine(day, dt.time(6, 15)), tick=False):
        run_invitations()
    return sorted(Invitation.objects.values_list("kind", flat=True))


def test_every_kind_has_a_default_questionnaire_in_both_languages():
    for kind in Kind.values:
        questionnaire = services.questionnaire_current(kind=kind, school_id=None)
        questions = list(questionnaire.questions.all())
        assert questionnaire.school is None and questions
        assert all(q.text_da and q.text_en for q in questions)
        assert all(q.low_da and q.high_en for q in questions if q.is_scale)
        assert any(not q.is_scale for q in questions), "every kind has free text"


def test_motivation_opens_a_week_before_the_start_and_closes_on_the_first_day():
    block, enrollments = block_with_participants(2, start=START, status="enrolled")
    assert kinds_on(START - dt.timedelta(days=8)) == []
    assert kinds_on(START - dt.timedelta(days=7)) == ["motivation", "motivation"]
    assert kinds_on(START - dt.timedelta(days=3)) == ["motivation", "motivation"], "no duplicates"
    invitation = Invitation.objects.first()
    assert invitation.opens_on == START - dt.timedelta(days=7)
    assert invitation.expires_on == START - dt.timedelta(days=1)
    assert kinds_on(START) == ["motivation", "motivation"], "none on the first day itself"


def test_follow_up_on_the_last_day_for_those_who_came_not_no_shows():
    block, (came, completed) = block_with_participants(2, start=START, status="enrolled")
    completed.status = Enrollment.Status.COMPLETED
    completed.save()
    EnrollmentFactory(course_block=block, status=Enrollment.Status.NO_SHOW)
    EnrollmentFactory(course_block=block, status=Enrollment.Status.CANCELLED)
    assert kinds_on(END - dt.timedelta(days=1)) == []
    assert kinds_on(END) == ["follow_up", "follow_up"]
    assert set(Invitation.objects.values_list("enrollment", flat=True)) == {came.pk, completed.pk}
    assert Invitation.objects.first().expires_on == END + dt.timedelta(days=14)


def test_follow_up_not_created_after_its_window():
    block_with_participants(1, start=START)
    assert kinds_on(END + dt.timedelta(days=14)) == []


def test_effect_after_the_configured_delay_for_completers_and_the_company(settings):
    settings.EVALUATION_EFFECT_DELAY_DAYS = 70
    block, (done, _other) = block_with_participants(2, start=START)
    _other.status = Enrollment.Status.ENROLLED  # never completed: no effect question
    _other.save()
    hr = CompanyMembershipFactory(company=block.enrollments.first().employee.company)
    effect_day = END + dt.timedelta(days=70)
    assert kinds_on(effect_day - dt.timedelta(days=1)) == []
    assert kinds_on(effect_day) == ["company", "effect"]
    company = Invitation.objects.get(kind=Kind.COMPANY)
    assert company.recipient == hr.user and company.enrollment is None
    assert Invitation.objects.get(kind=Kind.EFFECT).enrollment == done
    assert kinds_on(effect_day + dt.timedelta(days=1)) == ["company", "effect"]


def test_effect_delay_is_a_setting(settings):
    settings.EVALUATION_EFFECT_DELAY_DAYS = 84  # twelve weeks
    block_with_participants(1, start=START)
    assert kinds_on(END + dt.timedelta(days=70)) == []
    assert kinds_on(END + dt.timedelta(days=84)) == ["effect"]


def test_cancelled_blocks_get_no_invitations():
    block, _ = block_with_participants(2, start=START)
    CourseBlock.objects.filter(pk=block.pk).update(status=CourseBlock.Status.CANCELLED)
    assert kinds_on(END) == []


def test_mail_once_then_one_reminder_and_none_after_an_answer():
    block, (with_mail, answered) = block_with_participants(2, start=START)
    block_with_participants(1, start=START, emails=False)
    kinds_on(END)
    assert len(mail.outbox) == 2, "only participants with an e-mail address"
    assert mail.outbox[0].to[0].endswith("@example.org")
    body = mail.outbox[0].body
    token = Invitation.objects.get(enrollment__employee__email=mail.outbox[0].to[0]).token
    assert f"/evaluations/answer/{token}/" in body

    answered_invitation = Invitation.objects.get(enrollment=answered)
    Invitation.objects.filter(pk=answered_invitation.pk).update(answered_at=timezone.now())
    kinds_on(END + dt.timedelta(days=1))
    assert len(mail.outbox) == 2, "nothing is sent twice"
    kinds_on(END + dt.timedelta(days=4))
    assert len(mail.outbox) == 3, "one reminder, to the one who has not answered"
    assert mail.outbox[2].to == [with_mail.employee.email]
    assert mail.outbox[2].subject.startswith("Påmindelse")
    kinds_on(END + dt.timedelta(days=9))
    assert len(mail.outbox) == 3, "only one reminder"


def test_no_mail_for_expired_invitations():
    block_with_participants(1, start=START)
    kinds_on(END)
    mail.outbox.clear()
    Invitation.objects.update(sent_at=None)
    kinds_on(END + dt.timedelta(days=15))
    assert mail.outbox == []


def test_a_school_version_is_used_for_new_invitations_only():
    block, (first, second) = block_with_participants(2, start=START)
    kinds_on(END)
    default = Questionnaire.objects.get(kind=Kind.FOLLOW_UP, school=None)
    assert set(Invitation.objects.values_list("questionnaire", flat=True)) == {default.pk}
    own = services.questionnaire_save_version(
        user=None,
        school_id=block.school_id,
        kind=Kind.FOLLOW_UP,
        title_da="Vores evaluering",
        title_en="Our evaluation",
        questions=[
            {
                "key": "learned",
                "type": "scale",
                "theme": "outcome",
                "text_da": "Hvor meget lærte du?",
                "text_en": "How much did you learn?",
                "low_da": "Lidt",
                "high_da": "Meget",
            }
        ],
    )
    assert own.version == 1 and own.is_current
    third = EnrollmentFactory(
        course_block=block, plan_activity=first.plan_activity, status="completed"
    )
    kinds_on(END + dt.timedelta(days=1))
    assert Invitation.objects.get(enrollment=third).questionnaire == own
    assert Invitation.objects.get(enrollment=first).questionnaire == default
    assert default.questions.count() == 7, "the default is never changed"
