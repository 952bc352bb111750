"""Writes for partnerships: creation, editing, the agreement lifecycle, hand-over.

The lifecycle is a state machine (LIFECYCLE, on core.lifecycle): each transition names
the states it leaves, the state it enters, the capability it needs and what must be
filled in. Anything else is refused with a ValidationError whose message the user can
act on. Each step also has a service named for the act (`partnership_conclude`, …).
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import Capability, can, require, school_people
from accounts.models import AuditEvent, SchoolMembership, SchoolRole, User
from accounts.services import audit_record, audit_state_change
from companies.models import Company
from core.lifecycle import Lifecycle, Transition
from notifications import kinds
from notifications import services as notifications
from partnerships.models import (
    ActionItem,
    Experience,
    Meeting,
    Partnership,
    Theme,
    enrollment_model,
    plan_model,
)
from schools.models import School

Status = Partnership.Status


def _needs_goals(p: Partnership) -> str | None:
    return None if p.goals.strip() else _("Describe the partnership's goals.")


def _needs_coordinator(p: Partnership) -> str | None:
    return None if p.coordinator_id else _("Choose a coordinator (tovholder).")


def _needs_start_date(p: Partnership) -> str | None:
    return None if p.start_date else _("Set the start date.")


def _needs_terms(p: Partnership) -> str | None:
    return None if p.agreement_terms.strip() else _("Write the agreement terms.")


def _needs_end_date(p: Partnership) -> str | None:
    return None if p.end_date else _("Set the end date before concluding.")


LIFECYCLE = Lifecycle(
    [
        Transition(
            "draft_agreement",
            gettext_lazy("Start the agreement draft"),
            frozenset({Status.PROSPECT}),
            Status.AGREEMENT_DRAFT,
            Capability.EDIT,
            (_needs_coordinator,),
        ),
        Transition(
            "approve_agreement",
            gettext_lazy("Approve the agreement and activate"),
            frozenset({Status.AGREEMENT_DRAFT}),
            Status.ACTIVE,
            Capability.APPROVE_AGREEMENT,
            (_needs_terms, _needs_goals, _needs_coordinator, _needs_start_date),
            tone="approve",
            confirm=True,
        ),
        Transition(
            "send_back_agreement",
            gettext_lazy("Send the agreement back"),
            frozenset({Status.AGREEMENT_DRAFT}),
            Status.PROSPECT,
            Capability.APPROVE_AGREEMENT,
            tone="reject",
            confirm=True,
            comment_required=gettext_lazy("Write what should change, for the coordinator."),
        ),
        Transition(
            "start_evaluation",
            gettext_lazy("Start the evaluation"),
            frozenset({Status.ACTIVE}),
            Status.EVALUATION,
            Capability.EDIT,
        ),
        Transition(
            "conclude",
            gettext_lazy("Conclude the partnership"),
            frozenset({Status.EVALUATION}),
            Status.CONCLUDED,
            Capability.EDIT,
            (_needs_end_date,),
            confirm=True,
        ),
        Transition(
            "reopen",
            gettext_lazy("Reopen the partnership"),
            frozenset({Status.CONCLUDED}),
            Status.EVALUATION,
            Capability.APPROVE_AGREEMENT,
            confirm=True,
        ),
        Transition(
            "pause",
            gettext_lazy("Pause"),
            frozenset({Status.AGREEMENT_DRAFT, Status.ACTIVE, Status.EVALUATION}),
            Status.PAUSED,
            Capability.EDIT,
            tone="quiet",
        ),
        Transition(
            "resume",
            gettext_lazy("Resume"),
            frozenset({Status.PAUSED}),
            None,
            Capability.EDIT,
        ),
    ],
    can=can,
    refused=lambda p: (
        _("A partnership that is “%(status)s” cannot do that.") % {"status": p.get_status_display()}
    ),
)


def available_transitions(*, partnership: Partnership, user: User) -> list[Transition]:
    """The steps this user may start from the current state (requirements are checked
    when they try, so they learn what is missing)."""
    return LIFECYCLE.available(partnership, user)


@dataclass
class Consequences:
    """What concluding leaves behind: the partnership's people on blocks that have not
    started, and plans still running."""

    enrollments: list = field(default_factory=list)
    plans: list = field(default_factory=list)

    @property
    def blocks(self) -> list:
        return list({e.course_block_id: e.course_block for e in self.enrollments}.values())

    def __bool__(self) -> bool:
        return bool(self.enrollments or self.plans)


def conclusion_consequences(partnership: Partnership, *, today=None) -> Consequences:
    today = today or timezone.localdate()
    CompetencePlan, Enrollment = plan_model(), enrollment_model()
    CourseBlock = Enrollment._meta.get_field("course_block").related_model
    return Consequences(
        enrollments=list(
            Enrollment.objects.filter(
                plan_activity__plan__partnership=partnership,
                status__in=Enrollment.PARTICIPATING_STATUSES,
                course_block__start_date__gt=today,
            )
            .exclude(course_block__status=CourseBlock.Status.CANCELLED)
            .select_related("course_block__course")
            .order_by("course_block__start_date", "pk")
        ),
        plans=list(
            partnership.plans.filter(
                status__in=[CompetencePlan.Status.APPROVED, CompetencePlan.Status.IN_PROGRESS]
            )
        ),
    )


def _wind_up(partnership: Partnership, *, by: User, request=None) -> None:
    """Cancel the partnership's enrolments on blocks that have not started (a block left
    with nobody is cancelled), and close its running plans."""
    found = conclusion_consequences(partnership)
    blocks = found.blocks
    CompetencePlan, Enrollment = plan_model(), enrollment_model()
    CourseBlock = Enrollment._meta.get_field("course_block").related_model
    Enrollment.objects.filter(pk__in=[e.pk for e in found.enrollments]).update(
        status=Enrollment.Status.CANCELLED
    )
    for block in blocks:
        if not block.enrollments.filter(status__in=Enrollment.PARTICIPATING_STATUSES).exists():
            old = block.status
            CourseBlock.objects.filter(pk=block.pk).update(status=CourseBlock.Status.CANCELLED)
            audit_state_change(
                actor=by, target=block, field="status", old=old, new="cancelled", request=request
            )
    for plan in found.plans:
        old = plan.status
        CompetencePlan.objects.filter(pk=plan.pk).update(status=CompetencePlan.Status.COMPLETED)
        audit_state_change(
            actor=by, target=plan, field="status", old=old, new="completed", request=request
        )


@transaction.atomic
def partnership_transition(
    *,
    partnership: Partnership,
    name: str,
    by: User,
    request=None,
    comment: str = "",
    wind_up: bool = False,
) -> Partnership:
    """One lifecycle step. Concluding with `wind_up` also cancels what would be left
    behind (conclusion_consequences); a step that needs a comment refuses without one."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    transition = LIFECYCLE.check(partnership, name, by=by, comment=comment)
    if name == "conclude" and wind_up:
        _wind_up(partnership, by=by, request=request)
    old = partnership.status
    target = transition.target or partnership.status_before_pause or Status.ACTIVE
    partnership.status_before_pause = old if target == Status.PAUSED else ""
    partnership.status = target
    if name == "approve_agreement":
        partnership.agreement_approved_by = by
        partnership.agreement_approved_at = timezone.now()
        audit_record(
            action=AuditEvent.Action.AGREEMENT_APPROVED,
            actor=by,
            target=partnership,
            request=request,
        )
    partnership.last_activity_at = timezone.now()
    partnership.full_clean()
    partnership.save()
    event = audit_state_change(
        actor=by, target=partnership, field="status", old=old, new=target, request=request
    )
    if comment.strip():
        event.data["comment"] = comment.strip()
        event.save(update_fields=["data"])
    _tell_agreement(partnership, old=old, by=by, comment=comment.strip())
    return partnership


def _tell_agreement(partnership: Partnership, *, old: str, by: User, comment: str = "") -> None:
    """A draft agreement waits for the lead school's leaders; its approval is news for the
    coordinator. Leaving the draft state in any way ends the wait."""
    url = reverse("partnerships:detail", args=[partnership.pk])
    if old == Status.AGREEMENT_DRAFT:
        notifications.resolve(kinds.AGREEMENT_AWAITING, partnership)
    if partnership.status == Status.AGREEMENT_DRAFT:
        leaders = school_people(partnership.lead_school_id, SchoolRole.LEADER)
        notifications.notify(
            kinds.AGREEMENT_AWAITING, recipients=leaders, target=partnership, url=url, actor=by
        )
    elif old == Status.AGREEMENT_DRAFT and partnership.status == Status.ACTIVE:
        notifications.notify(
            kinds.AGREEMENT_APPROVED,
            recipients=[partnership.coordinator],
            target=partnership,
            url=url,
            actor=by,
        )
    elif old == Status.AGREEMENT_DRAFT and partnership.status == Status.PROSPECT:
        notifications.notify(
            kinds.AGREEMENT_SENT_BACK,
            recipients=[partnership.coordinator],
            target=partnership,
            url=url,
            actor=by,
            message=comment,
        )
    if old == Status.PROSPECT:
        notifications.resolve(kinds.AGREEMENT_SENT_BACK, partnership)


def coordinator_candidates(partnership_or_school) -> QuerySet[User]:
    """Coordinators at the partnership's schools (or at one school)."""
    if isinstance(partnership_or_school, School):
        school_ids = [partnership_or_school.pk]
    else:
        school_ids = [
            partnership_or_school.lead_school_id,
            *partnership_or_school.other_schools.values_list("pk", flat=True),
        ]
    return User.objects.filter(
        is_active=True,
        pk__in=SchoolMembership.objects.filter(
            school_id__in=school_ids, role=SchoolRole.COORDINATOR
        ).values("user_id"),
    ).order_by("first_name", "last_name")


@transaction.atomic
def partnership_create(
    *,
    by: User,
    company: Company,
    lead_school: School,
    title: str,
    coordinator: User | None = None,
    other_schools=(),
    **fields,
) -> Partnership:
    partnership = Partnership(
        company=company, lead_school=lead_school, title=title, coordinator=coordinator, **fields
    )
    partnership.full_clean()
    partnership.save()
    partnership.other_schools.set(other_schools)
    audit_record(action=AuditEvent.Action.CREATED, actor=by, target=partnership)
    return partnership


@transaction.atomic
def partnership_update(
    *, partnership: Partnership, by: User, other_schools=None, **fields
) -> Partnership:
    if (
        partnership.is_agreement_approved
        and fields.get("agreement_terms", partnership.agreement_terms)
        != partnership.agreement_terms
    ):
        raise ValidationError(
            {"agreement_terms": _("The agreement is approved; its terms can no longer change.")}
        )
    changed = sorted(k for k, v in fields.items() if getattr(partnership, k) != v)
    for name, value in fields.items():
        setattr(partnership, name, value)
    partnership.last_activity_at = timezone.now()
    partnership.full_clean()
    partnership.save()
    if other_schools is not None:
        partnership.other_schools.set(other_schools)
    if changed:
        audit_record(
            action=AuditEvent.Action.UPDATED,
            actor=by,
            target=partnership,
            data={"fields": changed},
        )
    return partnership


@transaction.atomic
def partnership_hand_over(
    *, partnership: Partnership, new_coordinator: User, by: User, request=None
) -> Partnership:
    """Give the partnership a new tovholder: an explicit, audited act."""
    require(
        by,
        Capability.HAND_OVER,
        partnership,
        _("Only the coordinator or a school leader can hand over."),
    )
    if not coordinator_candidates(partnership).filter(pk=new_coordinator.pk).exists():
        raise ValidationError(
            {"coordinator": _("The new coordinator must be a coordinator at one of the schools.")}
        )
    old = partnership.coordinator
    if old == new_coordinator:
        raise ValidationError({"coordinator": _("That is already the coordinator.")})
    partnership.coordinator = new_coordinator
    partnership.last_activity_at = timezone.now()
    partnership.save(update_fields=["coordinator", "last_activity_at", "updated_at"])
    audit_record(
        action=AuditEvent.Action.COORDINATOR_CHANGED,
        actor=by,
        target=partnership,
        request=request,
        data={"from": str(old) if old else "", "to": str(new_coordinator)},
    )
    notifications.notify(
        kinds.PARTNERSHIP_HANDED_OVER,
        recipients=[new_coordinator],
        target=partnership,
        url=reverse("partnerships:detail", args=[partnership.pk]),
        actor=by,
    )
    return partnership


def partnership_touch(*, partnership: Partnership) -> None:
    """Something happened in the partnership (a meeting, an experience, a plan)."""
    Partnership.objects.filter(pk=partnership.pk).update(last_activity_at=timezone.now())


# --- meetings, action items, experiences -------------------------------------------


@transaction.atomic
def meeting_create(*, by: User, schools=(), participants=(), contact_participants=(), **fields):
    meeting = Meeting(organiser=by, **fields)
    meeting.full_clean()
    meeting.save()
    meeting.schools.set(schools)
    meeting.participants.set(participants)
    meeting.contact_participants.set(contact_participants)
    _tell_participants(
        kinds.MEETING_INVITATION, meeting, by=by, users=participants, contacts=contact_participants
    )
    if meeting.partnership_id:
        audit_record(
            action=AuditEvent.Action.MEETING_HELD,
            actor=by,
            target=meeting.partnership,
            data={"meeting": meeting.pk, "title": meeting.title},
        )
        partnership_touch(partnership=meeting.partnership)
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting, by: User, schools=None, participants=None, contact_participants=None, **fields
):
    if meeting.cancelled_at:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    before = Meeting.objects.get(pk=meeting.pk)
    had_users = set(meeting.participants.values_list("pk", flat=True))
    had_contacts = set(meeting.contact_participants.values_list("pk", flat=True))
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting.save()
    for relation, values in [
        ("schools", schools),
        ("participants", participants),
        ("contact_participants", contact_participants),
    ]:
        if values is not None:
            getattr(meeting, relation).set(values)
    users = list(meeting.participants.all())
    contacts = list(meeting.contact_participants.all())
    # Newcomers get the invitation; those already invited hear what changed.
    _tell_participants(
        kinds.MEETING_INVITATION,
        meeting,
        by=by,
        users=[u for u in users if u.pk not in had_users],
        contacts=[c for c in contacts if c.pk not in had_contacts],
    )
    moved = any(
        getattr(before, name) != getattr(meeting, name)
        for name in ("starts_at", "ends_at", "place")
    )
    if moved:
        _tell_participants(
            kinds.MEETING_CHANGED,
            meeting,
            by=by,
            users=[u for u in users if u.pk in had_users],
            contacts=[c for c in contacts if c.pk in had_contacts],
        )
    if not before.minutes.strip() and meeting.minutes.strip():
        _tell_participants(kinds.MINUTES_PUBLISHED, meeting, by=by, users=users, contacts=contacts)
    if meeting.partnership_id:
        partnership_touch(partnership=meeting.partnership)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting, by: User, request=None):
    """Called off: participants (company contacts too) get the cancellation for their
    calendars; the meeting and its minutes stay, marked cancelled."""
    if not can(by, Capability.EDIT, meeting):
        raise PermissionDenied(_("Only the organiser or the coordinator can cancel the meeting."))
    if meeting.cancelled_at:
        return meeting
    meeting.cancelled_at = timezone.now()
    meeting.save(update_fields=["cancelled_at", "updated_at"])
    audit_state_change(
        actor=by, target=meeting, field="status", old="planned", new="cancelled", request=request
    )
    _tell_participants(
        kinds.MEETING_CANCELLED,
        meeting,
        by=by,
        users=list(meeting.participants.all()),
        contacts=list(meeting.contact_participants.all()),
    )
    return meeting


def _tell_participants(kind, meeting, *, by: User, users, contacts) -> None:
    """Participants with a login get a notification; company contacts, who have none, an
    e-mail. Both carry the meeting's calendar file."""
    url = reverse("partnerships:meeting_detail", args=[meeting.pk])
    # A contact with a login is that login: told once, even when also a participant.
    people = [*users, *(c.user for c in contacts if c.user_id)]
    notifications.notify(kind, recipients=people, target=meeting, url=url, actor=by)
    addresses = [c.email for c in contacts if c.email and not c.user_id]
    if addresses:
        notifications.email_outsiders(kind, target=meeting, url=url, addresses=addresses)


def action_item_create(
    *, meeting, by: User, title: str, owner=None, owner_contact=None, due_date=None
):
    if (
        owner_contact is not None
        and not meeting.contact_participants.filter(pk=owner_contact.pk).exists()
    ):
        raise ValidationError({"owner_contact": _("The contact must take part in the meeting.")})
    item = ActionItem(
        meeting=meeting,
        partnership=meeting.partnership,
        title=title,
        owner=owner,
        owner_contact=owner_contact,
        due_date=due_date,
    )
    item.full_clean()
    item.save()
    if meeting.partnership_id:
        partnership_touch(partnership=meeting.partnership)
    url = reverse("partnerships:meeting_detail", args=[meeting.pk])
    if owner_contact is not None and owner_contact.user_id:
        owner = owner_contact.user  # the contact's login gets it in the product
    if owner is not None:
        notifications.notify(
            kinds.ACTION_ITEM_ASSIGNED, recipients=[owner], target=item, url=url, actor=by
        )
    elif owner_contact is not None and owner_contact.email:
        notifications.email_outsiders(
            kinds.ACTION_ITEM_ASSIGNED, target=item, url=url, addresses=[owner_contact.email]
        )
    return item


@transaction.atomic
def action_item_set_done(*, item, done: bool, by: User):
    item.done = done
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done", "done_at", "updated_at"])
    if done:
        notifications.resolve(kinds.ACTION_ITEM_ASSIGNED, item)
    if done and item.partnership_id:
        audit_record(
            action=AuditEvent.Action.ACTION_ITEM_DONE,
            actor=by,
            target=item.partnership,
            data={"action_item": item.pk, "title": item.title},
        )
        partnership_touch(partnership=item.partnership)
    return item


def _themes(names: str):
    themes = []
    for name in {n.strip() for n in names.split(",") if n.strip()}:
        theme = Theme.objects.filter(name__iexact=name).first()
        themes.append(theme or Theme.objects.create(name=name[:100]))
    return themes


@transaction.atomic
def experience_create(*, by: User, school: School, themes=(), new_themes: str = "", **fields):
    experience = Experience(author=by, school=school, **fields)
    experience.full_clean()
    experience.save()
    experience.themes.set([*themes, *_themes(new_themes)])
    if experience.partnership_id:
        audit_record(
            action=AuditEvent.Action.EXPERIENCE_RECORDED,
            actor=by,
            target=experience.partnership,
            data={"experience": experience.pk, "title": experience.title},
        )
        partnership_touch(partnership=experience.partnership)
    return experience


@transaction.atomic
def experience_update(*, experience, by: User, themes=(), new_themes: str = "", **fields):
    for name, value in fields.items():
        setattr(experience, name, value)
    experience.full_clean()
    experience.save()
    experience.themes.set([*themes, *_themes(new_themes)])
    return experience


# --- the lifecycle's steps, named for the act -----------------------------------------


def partnership_draft_agreement(*, partnership: Partnership, by: User, request=None):
    return partnership_transition(
        partnership=partnership, name="draft_agreement", by=by, request=request
    )


def partnership_approve_agreement(*, partnership: Partnership, by: User, request=None):
    return partnership_transition(
        partnership=partnership, name="approve_agreement", by=by, request=request
    )


def partnership_send_back_agreement(
    *, partnership: Partnership, by: User, comment: str, request=None
):
    return partnership_transition(
        partnership=partnership,
        name="send_back_agreement",
        by=by,
        comment=comment,
        request=request,
    )


def partnership_start_evaluation(*, partnership: Partnership, by: User, request=None):
    return partnership_transition(
        partnership=partnership, name="start_evaluation", by=by, request=request
    )


def partnership_conclude(
    *, partnership: Partnership, by: User, wind_up: bool = False, request=None
):
    return partnership_transition(
        partnership=partnership, name="conclude", by=by, wind_up=wind_up, request=request
    )


def partnership_reopen(*, partnership: Partnership, by: User, request=None):
    return partnership_transition(partnership=partnership, name="reopen", by=by, request=request)


def partnership_pause(*, partnership: Partnership, by: User, request=None):
    return partnership_transition(partnership=partnership, name="pause", by=by, request=request)


def partnership_resume(*, partnership: Partnership, by: User, request=None):
    return partnership_transition(partnership=partnership, name="resume", by=by, request=request)
