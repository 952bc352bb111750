"""Demo evaluations: answered motivation, follow-up, effect and company questionnaires
for the blocks that have been held, so results pages and the evaluation report have
something to show. Deterministic (a generator seeded by the block's reference) and
idempotent (a block that already has invitations is left alone)."""

import datetime as dt
import random

from django.conf import settings
from django.utils import timezone

from accounts.models import CompanyMembership, CompanyRole
from evaluations.models import Answer, Invitation, Kind, Response
from evaluations.services import invitations_create, questionnaire_current
from scheduling.models import CourseBlock, Enrollment

from .base import SeedReport, World

TEXTS = {
    "why": ["Min leder foreslog det", "Vi skal bruge det på den nye linje", "Jeg vil blive bedre"],
    "expectations": ["Mere praksis", "At lære de nye regler", "Gode eksempler fra andre"],
    "want_to_do": ["Stille maskinen om selv", "Svejse rør uden hjælp", "Planlægge min dag"],
    "use_first": [
        "Tjeklisten før opstart",
        "Den nye måde at måle på",
        "Sikkerhedsreglerne",
        "Programmeringen af robotten",
    ],
    "comments": ["Dygtig underviser", "For meget teori første dag", "Godt med øvetid"],
    "what_differently": ["Jeg tjekker emnerne selv", "Jeg hjælper kollegerne", "Færre fejl"],
    "obstacles": ["Travlhed i produktionen", "Mangler udstyr", "Intet"],
    "changes": ["Færre fejl i produktionen", "Medarbejderne tager mere ansvar"],
    "next_time": ["Kortere dage", "Mere på virksomheden"],
}
RATES = {Kind.MOTIVATION: 0.6, Kind.FOLLOW_UP: 0.78, Kind.EFFECT: 0.55, Kind.COMPANY: 0.8}


def seed_evaluations(world: World, report: SeedReport) -> None:
    today = world.today
    delay = dt.timedelta(days=settings.EVALUATION_EFFECT_DELAY_DAYS)
    blocks = (
        CourseBlock.objects.filter(status=CourseBlock.Status.HELD, invitations__isnull=True)
        .select_related("school")
        .order_by("start_date", "reference")
    )
    hr_by_company: dict[int, list[int]] = {}
    for company_id, user_id in CompanyMembership.objects.filter(role=CompanyRole.HR).values_list(
        "company_id", "user_id"
    ):
        hr_by_company.setdefault(company_id, []).append(user_id)
    questionnaires = {}
    invitations = []
    for block in blocks:
        rng = random.Random(block.reference)
        enrollments = block.enrollments.select_related("employee", "plan_activity__plan").order_by(
            "pk"
        )
        for enrollment in enrollments:
            kinds = [Kind.MOTIVATION]
            if enrollment.status == Enrollment.Status.COMPLETED:
                kinds.append(Kind.FOLLOW_UP)
                if block.end_date + delay <= today:
                    kinds.append(Kind.EFFECT)
            plan = enrollment.plan_activity.plan if enrollment.plan_activity else None
            for kind in kinds:
                invitations.append(
                    (
                        rng,
                        _invitation(block, kind, questionnaires, today, delay),
                        plan,
                        enrollment,
                    )
                )
        companies = {
            e.employee.company_id: e.plan_activity.plan if e.plan_activity else None
            for e in enrollments
            if e.status == Enrollment.Status.COMPLETED
        }
        if block.end_date + delay <= today:
            for company_id, plan in companies.items():
                for user_id in hr_by_company.get(company_id, []):
                    invitation = _invitation(block, Kind.COMPANY, questionnaires, today, delay)
                    invitation.company_id, invitation.recipient_id = company_id, user_id
                    invitation.partnership_id = plan.partnership_id if plan else None
                    invitations.append((rng, invitation, plan, None))
    for _rng, invitation, plan, enrollment in invitations:
        if enrollment:
            invitation.enrollment = enrollment
            invitation.company_id = enrollment.employee.company_id
            invitation.partnership_id = plan.partnership_id if plan else None
    Invitation.objects.bulk_create([i for _r, i, _p, _e in invitations])
    report.add("evaluation_invitations", len(invitations))

    questions_of = {q.pk: list(q.questions.all()) for q in questionnaires.values()}
    responses, answer_rows = [], []
    for rng, invitation, plan, _enrollment in invitations:
        if rng.random() > RATES[invitation.kind]:
            continue
        submitted = timezone.make_aware(
            dt.datetime.combine(invitation.opens_on, dt.time(10))
        ) + dt.timedelta(days=rng.randint(0, 5))
        invitation.answered_at = submitted
        response = Response.answering(
            invitation, plan_id=plan.pk if plan else None, submitted_at=submitted
        )
        responses.append(response)
        for question in questions_of[invitation.questionnaire_id]:
            if question.is_scale:
                score = min(5, max(1, round(rng.gauss(4.0, 0.8))))
                if rng.random() < 0.04:
                    answer_rows.append(
                        Answer(response=response, question=question, not_relevant=True)
                    )
                else:
                    answer_rows.append(Answer(response=response, question=question, score=score))
            elif rng.random() < 0.5:
                text = rng.choice(TEXTS.get(question.key, ["–"]))
                answer_rows.append(Answer(response=response, question=question, text=text))
    Invitation.objects.bulk_update(
        [r.invitation for r in responses], ["answered_at"], batch_size=500
    )
    Response.objects.bulk_create(responses, batch_size=500)
    for row in answer_rows:
        row.response_id = row.response.pk  # saved above, after the Answer was built
    Answer.objects.bulk_create(answer_rows, batch_size=1000)
    report.add("evaluation_responses", len(responses))
    # And what the daily task would have opened today (unanswered links, QR sheets).
    report.add("evaluation_invitations", invitations_create(today=today))


def _invitation(block, kind, questionnaires, today, delay) -> Invitation:
    if (kind, block.school_id) not in questionnaires:
        questionnaires[kind, block.school_id] = questionnaire_current(
            kind=kind, school_id=block.school_id
        )
    opens = {
        Kind.MOTIVATION: block.start_date
        - dt.timedelta(days=settings.EVALUATION_MOTIVATION_DAYS_BEFORE),
        Kind.FOLLOW_UP: block.end_date,
        Kind.EFFECT: block.end_date + delay,
        Kind.COMPANY: block.end_date + delay,
    }[kind]
    days = {
        Kind.MOTIVATION: settings.EVALUATION_MOTIVATION_DAYS_BEFORE,
        Kind.FOLLOW_UP: settings.EVALUATION_FOLLOW_UP_OPEN_DAYS,
    }.get(kind, settings.EVALUATION_EFFECT_OPEN_DAYS)
    return Invitation(
        kind=kind,
        questionnaire=questionnaires[kind, block.school_id],
        course_block=block,
        opens_on=opens,
        expires_on=opens + dt.timedelta(days=days),
    )
