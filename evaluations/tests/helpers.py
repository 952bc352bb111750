"""Builders for evaluation tests: a block with participants, and answered invitations."""

import datetime as dt

from django.utils import timezone

from evaluations import services
from evaluations.models import Invitation, Kind
from scheduling.models import Enrollment
from tests.factories import (
    CompetencePlanFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EnrollmentFactory,
    PartnershipFactory,
    PlanActivityFactory,
)


def block_with_participants(
    n=3,
    *,
    partnership=None,
    start=dt.date(2026, 3, 2),
    status=Enrollment.Status.COMPLETED,
    emails=True,
    **block_kwargs,
):
    partnership = partnership or PartnershipFactory()
    plan = partnership.plans.first() or CompetencePlanFactory(partnership=partnership)
    activity = PlanActivityFactory(plan=plan)
    block = CourseBlockFactory(
        course=activity.amu_course,
        school=partnership.lead_school,
        start_date=start,
        end_date=start + dt.timedelta(days=4),
        **block_kwargs,
    )
    enrollments = [
        EnrollmentFactory(
            course_block=block,
            plan_activity=activity,
            status=status,
            employee=EmployeeFactory(
                company=partnership.company, email=f"p{i}-{block.pk}@example.org" if emails else ""
            ),
        )
        for i in range(n)
    ]
    return block, enrollments


def invite(enrollment, kind=Kind.FOLLOW_UP, *, opens=None, days=14) -> Invitation:
    """An invitation open from `opens` (default today) for `days` days."""
    opens = opens or timezone.localdate()
    block = enrollment.course_block
    return Invitation.objects.create(
        kind=kind,
        questionnaire=services.questionnaire_current(kind=kind, school_id=block.school_id),
        course_block=block,
        company_id=enrollment.employee.company_id,
        partnership_id=(
            enrollment.plan_activity.plan.partnership_id if enrollment.plan_activity else None
        ),
        enrollment=enrollment,
        opens_on=opens,
        expires_on=opens + dt.timedelta(days=days),
    )


def answer(invitation, scores: dict, texts: dict | None = None):
    """Answer by question key: a score 1–5 or "nr" for not relevant; texts by key."""
    questions = {q.key: q for q in invitation.questionnaire.questions.all()}
    answers = {}
    for key, value in scores.items():
        answers[questions[key].pk] = {"not_relevant": True} if value == "nr" else {"score": value}
    for key, value in (texts or {}).items():
        answers[questions[key].pk] = {"text": value}
    return services.response_submit(token=invitation.token, answers=answers)
