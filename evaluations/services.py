"""Evaluation services: which questionnaire is in use, invitations at the right moments,
e-mail and the one reminder, answering a token once, versioned editing, the conclusion."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import AuditEvent, CompanyMembership, CompanyRole, User
from accounts.services import audit_record
from evaluations import defaults
from evaluations.models import (
    Answer,
    Conclusion,
    Invitation,
    Kind,
    Question,
    Questionnaire,
    Response,
)
from notifications import kinds
from notifications import services as notifications
from scheduling.models import CourseBlock, Enrollment
from scheduling.selectors import block_coordinators

logger = logging.getLogger(__name__)


def questionnaire_current(*, kind: str, school_id: int | None) -> Questionnaire:
    """The school's own version in use, else the product's default."""
    found = Questionnaire.objects.filter(kind=kind, is_current=True).filter(
        Q(school_id=school_id) | Q(school=None)
    )
    own_first = sorted(found, key=lambda q: q.school_id is None)
    if own_first:
        return own_first[0]
    defaults.install(Questionnaire, Question)  # an emptied database (tests, a fresh flush)
    return Questionnaire.objects.get(kind=kind, school=None, is_current=True)


# --- Invitations ---------------------------------------------------------------


def _windows(today: dt.date) -> dict[str, tuple[Q, callable]]:
    """Per kind: which blocks are due today, and the expiry date for a block."""
    before = dt.timedelta(days=settings.EVALUATION_MOTIVATION_DAYS_BEFORE)
    follow = dt.timedelta(days=settings.EVALUATION_FOLLOW_UP_OPEN_DAYS)
    delay = dt.timedelta(days=settings.EVALUATION_EFFECT_DELAY_DAYS)
    effect_open = dt.timedelta(days=settings.EVALUATION_EFFECT_OPEN_DAYS)
    effect = (
        Q(end_date__lte=today - delay, end_date__gt=today - delay - effect_open),
        lambda block: block.end_date + delay + effect_open,
    )
    return {
        Kind.MOTIVATION: (
            Q(start_date__gt=today, start_date__lte=today + before),
            lambda block: block.start_date - dt.timedelta(days=1),
        ),
        Kind.FOLLOW_UP: (
            Q(end_date__lte=today, end_date__gt=today - follow),
            lambda block: block.end_date + follow,
        ),
        Kind.EFFECT: effect,
        Kind.COMPANY: effect,  # the company is asked when its people are
    }


# Who is asked: motivation goes to everyone on the list; follow-up to those who came;
# effect to those who completed.
_ENROLLMENT_STATES = {
    Kind.MOTIVATION: [Enrollment.Status.PLANNED, Enrollment.Status.ENROLLED],
    Kind.FOLLOW_UP: [Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED],
    Kind.EFFECT: [Enrollment.Status.COMPLETED],
}


@transaction.atomic
def invitations_create(*, today: dt.date | None = None) -> int:
    """Create the invitations that are due on `today` and do not exist yet. Safe to run
    any number of times a day (unique constraints plus an existence check)."""
    today = today or timezone.localdate()
    created = 0
    questionnaires: dict[tuple[str, int], Questionnaire] = {}

    def questionnaire(kind, school_id):
        if (kind, school_id) not in questionnaires:
            questionnaires[kind, school_id] = questionnaire_current(kind=kind, school_id=school_id)
        return questionnaires[kind, school_id]

    for kind, (due, expiry) in _windows(today).items():
        blocks = CourseBlock.objects.exclude(status=CourseBlock.Status.CANCELLED).filter(due)
        if kind == Kind.COMPANY:
            created += _company_invitations(blocks, today, expiry, questionnaire)
            continue
        enrollments = (
            Enrollment.objects.filter(course_block__in=blocks, status__in=_ENROLLMENT_STATES[kind])
            .exclude(invitations__kind=kind)
            .select_related("course_block", "employee", "plan_activity__plan")
        )
        new = [
            Invitation(
                kind=kind,
                questionnaire=questionnaire(kind, e.course_block.school_id),
                course_block=e.course_block,
                company_id=e.employee.company_id,
                partnership_id=e.plan_activity.plan.partnership_id if e.plan_activity else None,
                enrollment=e,
                opens_on=today,
                expires_on=expiry(e.course_block),
            )
            for e in enrollments
        ]
        Invitation.objects.bulk_create(new)
        created += len(new)
    return created


def _company_invitations(blocks, today, expiry, questionnaire) -> int:
    """One per block, company and HR contact, for companies with someone who completed."""
    completed = (
        Enrollment.objects.filter(course_block__in=blocks, status=Enrollment.Status.COMPLETED)
        .values(
            "course_block_id",
            "employee__company_id",
            "plan_activity__plan__partnership_id",
        )
        .distinct()
    )
    pairs = {
        (row["course_block_id"], row["employee__company_id"]): row[
            "plan_activity__plan__partnership_id"
        ]
        for row in completed
    }
    if not pairs:
        return 0
    contacts = CompanyMembership.objects.filter(
        company_id__in={company for _block, company in pairs},
        role=CompanyRole.HR,
        user__is_active=True,
    ).values_list("company_id", "user_id")
    by_company: dict[int, list[int]] = {}
    for company_id, user_id in contacts:
        by_company.setdefault(company_id, []).append(user_id)
    block_by_id = CourseBlock.objects.in_bulk({block for block, _company in pairs})
    existing = set(
        Invitation.objects.filter(kind=Kind.COMPANY, course_block_id__in=block_by_id).values_list(
            "course_block_id", "recipient_id"
        )
    )
    new = []
    for (block_id, company_id), partnership_id in pairs.items():
        block = block_by_id[block_id]
        for user_id in by_company.get(company_id, []):
            if (block_id, user_id) in existing:
                continue
            new.append(
                Invitation(
                    kind=Kind.COMPANY,
                    questionnaire=questionnaire(Kind.COMPANY, block.school_id),
                    course_block=block,
                    company_id=company_id,
                    partnership_id=partnership_id,
                    recipient_id=user_id,
                    opens_on=today,
                    expires_on=expiry(block),
                )
            )
    Invitation.objects.bulk_create(new)
    return len(new)


def answer_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("evaluations:answer", args=[invitation.token])


def _mail(invitation: Invitation, *, reminder: bool) -> None:
    context = {
        "invitation": invitation,
        "url": answer_url(invitation),
        "reminder": reminder,
        "block": invitation.course_block,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("evaluations/email/subject.txt", context).strip()
        body = render_to_string("evaluations/email/body.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invitations_send(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """E-mail open invitations not yet sent, and remind once those still unanswered.
    Each is marked in the same step as its mail, so a crash never sends twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_ = Invitation.objects.filter(
        answered_at=None, opens_on__lte=today, expires_on__gte=today
    ).select_related("enrollment__employee", "recipient", "course_block__course")
    with_address = open_.filter(Q(enrollment__employee__email__gt="") | Q(recipient__email__gt=""))
    sent = reminded = 0
    for invitation in with_address.filter(sent_at=None):
        with transaction.atomic():
            if Invitation.objects.filter(pk=invitation.pk, sent_at=None).update(sent_at=now):
                _mail(invitation, reminder=False)
                sent += 1
    due = now - dt.timedelta(days=settings.EVALUATION_REMINDER_AFTER_DAYS)
    for invitation in with_address.filter(sent_at__lte=due, reminded_at=None):
        with transaction.atomic():
            if Invitation.objects.filter(pk=invitation.pk, reminded_at=None).update(
                reminded_at=now
            ):
                _mail(invitation, reminder=True)
                reminded += 1
    return sent, reminded


# --- Answering -------------------------------------------------------------------


class InvitationClosed(Exception):
    """The link cannot be used (any more); `reason` says why for the page shown."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invitation_open(token: str, *, today: dt.date | None = None) -> Invitation:
    """The invitation behind a token, if it may be answered now."""
    today = today or timezone.localdate()
    invitation = (
        Invitation.objects.select_related("course_block__course", "company", "questionnaire")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise InvitationClosed("unknown")
    if invitation.answered_at:
        raise InvitationClosed("answered")
    if invitation.is_expired(today):
        raise InvitationClosed("expired")
    if today < invitation.opens_on:
        raise InvitationClosed("not_open")
    return invitation


def response_submit(*, token: str, answers: dict[int, dict]) -> Response:
    """Store one response atomically. `answers` maps question id to score /
    not_relevant / text. The invitation row is locked, so two submissions of the same
    link (a double tap, a reused token) produce one response; the second is refused."""
    with transaction.atomic():
        invitation = invitation_open(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.answered_at:
            raise InvitationClosed("answered")
        questions = {q.pk: q for q in invitation.questionnaire.questions.all()}
        now = timezone.now()
        plan_id = None
        if invitation.enrollment_id and invitation.enrollment.plan_activity_id:
            plan_id = invitation.enrollment.plan_activity.plan_id
        response = Response.answering(invitation, plan_id=plan_id, submitted_at=now)
        response.save()
        Answer.objects.bulk_create(
            Answer(
                response=response,
                question=questions[question_id],
                score=value.get("score"),
                not_relevant=bool(value.get("not_relevant")),
                text=value.get("text", ""),
            )
            for question_id, value in answers.items()
            if question_id in questions  # only this questionnaire's own questions
        )
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at", "updated_at"])
        _tell_when_results_show(response)
    return response


def _tell_when_results_show(response: Response) -> None:
    """The answer that lifts a block's group over the anonymity threshold makes its
    results visible: the coordinators hear of it, once per block and kind."""
    block = response.course_block
    if block is None:
        return
    count = Response.objects.filter(course_block=block, kind=response.kind).count()
    if count != settings.EVALUATION_MIN_ANSWERS:
        return
    notifications.notify(
        kinds.EVALUATION_RESULTS,
        recipients=block_coordinators(block),
        target=block,
        url=reverse("evaluations:block", args=[block.pk]),
    )


# --- Questionnaire versions --------------------------------------------------------


@transaction.atomic
def questionnaire_save_version(
    *, user: User, school_id: int, kind: str, title_da: str, title_en: str, questions: list[dict]
) -> Questionnaire:
    """Save a school's questionnaire as a new version and put it in use. Earlier versions
    (the default included) are never changed, so their answers keep their meaning."""
    current = questionnaire_current(kind=kind, school_id=school_id)
    previous = Questionnaire.objects.filter(kind=kind, school_id=school_id)
    version = (max((q.version for q in previous), default=0)) + 1
    previous.filter(is_current=True).update(is_current=False)
    created = Questionnaire.objects.create(
        kind=kind,
        school_id=school_id,
        version=version,
        is_current=True,
        title_da=title_da,
        title_en=title_en,
        intro_da=current.intro_da,
        intro_en=current.intro_en,
        created_by=user,
    )
    Question.objects.bulk_create(
        Question(questionnaire=created, position=position, **question)
        for position, question in enumerate(questions)
    )
    audit_record(
        action=AuditEvent.Action.CREATED,
        actor=user,
        target=created,
        data={"kind": kind, "version": version, "based_on": current.pk},
    )
    return created


@transaction.atomic
def questionnaire_use_default(*, by: User, school_id: int, kind: str) -> None:
    """Stop using the school's own version; the product's default applies again."""
    Questionnaire.objects.filter(kind=kind, school_id=school_id, is_current=True).update(
        is_current=False
    )


def conclusion_save(*, by: User, partnership, text: str) -> Conclusion:
    conclusion, _created = Conclusion.objects.update_or_create(
        partnership=partnership, defaults={"text": text, "updated_by": by}
    )
    audit_record(
        action=AuditEvent.Action.UPDATED, actor=by, target=partnership, data={"conclusion": True}
    )
    return conclusion
