"""Writes for competence plans: editing with optimistic locking, goals and activities,
the lifecycle (draft → proposed → approved or sent back → in progress → completed)
and new versions of approved plans."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import Capability, can, company_people
from accounts.models import AuditEvent, CompanyRole, User
from accounts.services import audit_record, audit_state_change
from competence_plans.models import CompetenceGoal, CompetencePlan, PlanActivity, PlanComment
from core.lifecycle import Lifecycle, Transition
from notifications import kinds
from notifications import services as notifications
from partnerships.models import Partnership
from partnerships.services import partnership_touch

Status = CompetencePlan.Status


class StaleEdit(ValidationError):
    """Someone else saved first; the caller keeps the user's input and says so."""


def _stale():
    return StaleEdit(
        _(
            "Someone else saved this plan while you were editing. Your changes were not saved: "
            "they are still in the form below. Compare with the current plan and save again."
        )
    )


def _require_editable(plan: CompetencePlan) -> None:
    if plan.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be changed. Make a new version of an approved plan.")
        )


def _touch(plan: CompetencePlan) -> None:
    partnership_touch(partnership=plan.partnership)


@transaction.atomic
def plan_create(
    *, partnership: Partnership, by: User, title: str, period_start, period_end, **fields
) -> CompetencePlan:
    company = partnership.company
    fields.setdefault(
        "strategy_background",
        "\n\n".join(text for text in [company.strategy, company.development_plans] if text),
    )
    plan = CompetencePlan(
        partnership=partnership,
        title=title,
        period_start=period_start,
        period_end=period_end,
        created_by=by,
        **fields,
    )
    plan.full_clean()
    plan.save()
    audit_record(action=AuditEvent.Action.CREATED, actor=by, target=plan)
    _touch(plan)
    return plan


def _bump(plan: CompetencePlan, expected_revision: int) -> None:
    """Claim the plan's next revision, or raise StaleEdit if it moved on."""
    claimed = CompetencePlan.objects.filter(pk=plan.pk, revision=expected_revision).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    if not claimed:
        raise _stale()
    plan.revision = expected_revision + 1


@transaction.atomic
def plan_update(
    *, plan: CompetencePlan, by: User, expected_revision: int, **fields
) -> CompetencePlan:
    _require_editable(plan)
    _bump(plan, expected_revision)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    _touch(plan)
    return plan


def goal_create(*, plan: CompetencePlan, title: str, description: str = "") -> CompetenceGoal:
    _require_editable(plan)
    position = (plan.goals.aggregate(m=Max("position"))["m"] or 0) + 1
    goal = CompetenceGoal(plan=plan, title=title, description=description, position=position)
    goal.full_clean()
    goal.save()
    return goal


def goal_delete(*, goal: CompetenceGoal) -> None:
    _require_editable(goal.plan)
    goal.delete()


@transaction.atomic
def activity_create(
    *, plan: CompetencePlan, target_groups=(), target_employees=(), **fields
) -> PlanActivity:
    _require_editable(plan)
    position = (plan.activities.aggregate(m=Max("position"))["m"] or 0) + 1
    activity = PlanActivity(plan=plan, position=position, **fields)
    activity.full_clean()
    activity.save()
    activity.target_groups.set(target_groups)
    activity.target_employees.set(target_employees)
    _touch(plan)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: PlanActivity,
    expected_revision: int,
    target_groups=(),
    target_employees=(),
    **fields,
) -> PlanActivity:
    _require_editable(activity.plan)
    claimed = PlanActivity.objects.filter(pk=activity.pk, revision=expected_revision).update(
        revision=F("revision") + 1
    )
    if not claimed:
        raise _stale()
    activity.revision = expected_revision + 1
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    activity.target_groups.set(target_groups)
    activity.target_employees.set(target_employees)
    _touch(activity.plan)
    return activity


@transaction.atomic
def activity_delete(*, activity: PlanActivity) -> None:
    _require_editable(activity.plan)
    if activity.enrollments.exists():
        raise ValidationError(
            _("Employees are enrolled through this activity; move or cancel them first.")
        )
    activity.delete()


@transaction.atomic
def activity_move(*, activity: PlanActivity, direction: int) -> None:
    """Swap the activity with its neighbour above (-1) or below (+1)."""
    _require_editable(activity.plan)
    ordered = list(activity.plan.activities.order_by("position", "pk"))
    index = ordered.index(activity)
    other = index + direction
    if not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            PlanActivity.objects.filter(pk=item.pk).update(position=position)


# --- lifecycle -----------------------------------------------------------------


def _needs_goal(plan: CompetencePlan) -> str | None:
    return None if plan.goals.exists() else _("Add at least one competence goal.")


def _needs_activity(plan: CompetencePlan) -> str | None:
    return None if plan.activities.exists() else _("Add at least one activity.")


PLAN_LIFECYCLE = Lifecycle(
    [
        Transition(
            "propose",
            gettext_lazy("Propose to the company"),
            frozenset({Status.DRAFT}),
            Status.PROPOSED,
            Capability.EDIT,
            (_needs_goal, _needs_activity),
            tone="primary",
        ),
        Transition(
            "withdraw",
            gettext_lazy("Withdraw the proposal"),
            frozenset({Status.PROPOSED}),
            Status.DRAFT,
            Capability.EDIT,
            tone="quiet",
        ),
        Transition(
            "approve",
            gettext_lazy("Approve the plan"),
            frozenset({Status.PROPOSED}),
            Status.APPROVED,
            Capability.APPROVE_PLAN,
            tone="approve",
        ),
        Transition(
            "send_back",
            gettext_lazy("Send back with comments"),
            frozenset({Status.PROPOSED}),
            Status.DRAFT,
            Capability.APPROVE_PLAN,
            tone="reject",
            comment_required=gettext_lazy("Write what should change before sending the plan back."),
        ),
        Transition(
            "start",
            gettext_lazy("Start the plan"),
            frozenset({Status.APPROVED}),
            Status.IN_PROGRESS,
            Capability.EDIT,
        ),
        Transition(
            "complete",
            gettext_lazy("Mark as completed"),
            frozenset({Status.IN_PROGRESS}),
            Status.COMPLETED,
            Capability.EDIT,
        ),
    ],
    can=can,
    refused=lambda plan: (
        _("A plan that is “%(status)s” cannot do that.") % {"status": plan.get_status_display()}
    ),
)


def available_plan_transitions(*, plan: CompetencePlan, user: User) -> list[Transition]:
    return PLAN_LIFECYCLE.available(plan, user)


@transaction.atomic
def plan_transition(
    *, plan: CompetencePlan, name: str, by: User, comment: str = "", request=None
) -> CompetencePlan:
    plan = CompetencePlan.objects.select_for_update().get(pk=plan.pk)
    transition = PLAN_LIFECYCLE.check(plan, name, by=by, comment=comment)
    old = plan.status
    plan.status = transition.target
    if name == "approve":
        plan.approved_by, plan.approved_at = by, timezone.now()
    if name == "propose":
        plan.proposed_at = timezone.now()
    plan.revision += 1
    plan.save()
    if comment.strip():
        kind = {"send_back": PlanComment.Kind.SENT_BACK, "approve": PlanComment.Kind.APPROVAL}
        PlanComment.objects.create(
            plan=plan,
            author=by,
            body=comment.strip(),
            kind=kind.get(name, PlanComment.Kind.COMMENT),
        )
    audit_state_change(
        actor=by, target=plan, field="status", old=old, new=plan.status, request=request
    )
    _touch(plan)
    _tell(plan, name, by=by, comment=comment.strip())
    return plan


def _tell(plan: CompetencePlan, step: str, *, by: User, comment: str) -> None:
    """Who must act next hears of it; what they had waiting for this plan is done."""
    url = reverse("competence_plans:detail", args=[plan.pk])
    if step in ("propose", "withdraw", "approve", "send_back"):
        notifications.resolve(kinds.PLAN_PROPOSED, plan)
    if step in ("propose", "approve"):
        notifications.resolve(kinds.PLAN_SENT_BACK, plan)
    if step == "propose":
        hr = company_people(plan.partnership.company_id, CompanyRole.HR)
        notifications.notify(kinds.PLAN_PROPOSED, recipients=hr, target=plan, url=url, actor=by)
    elif step in ("approve", "send_back"):
        notifications.notify(
            kinds.PLAN_APPROVED if step == "approve" else kinds.PLAN_SENT_BACK,
            recipients=[plan.partnership.coordinator],
            target=plan,
            url=url,
            actor=by,
            message=comment,
        )


# --- the lifecycle's steps, named for the act -----------------------------------------


def plan_propose(*, plan: CompetencePlan, by: User, request=None) -> CompetencePlan:
    return plan_transition(plan=plan, name="propose", by=by, request=request)


def plan_withdraw(*, plan: CompetencePlan, by: User, request=None) -> CompetencePlan:
    return plan_transition(plan=plan, name="withdraw", by=by, request=request)


def plan_approve(
    *, plan: CompetencePlan, by: User, comment: str = "", request=None
) -> CompetencePlan:
    return plan_transition(plan=plan, name="approve", by=by, comment=comment, request=request)


def plan_send_back(*, plan: CompetencePlan, by: User, comment: str, request=None) -> CompetencePlan:
    return plan_transition(plan=plan, name="send_back", by=by, comment=comment, request=request)


def plan_start(*, plan: CompetencePlan, by: User, request=None) -> CompetencePlan:
    return plan_transition(plan=plan, name="start", by=by, request=request)


def plan_complete(*, plan: CompetencePlan, by: User, request=None) -> CompetencePlan:
    return plan_transition(plan=plan, name="complete", by=by, request=request)


def plan_comment(*, plan: CompetencePlan, by: User, body: str) -> PlanComment:
    if not body.strip():
        raise ValidationError({"body": _("Write a comment.")})
    comment = PlanComment.objects.create(plan=plan, author=by, body=body.strip())
    _touch(plan)
    return comment


@transaction.atomic
def plan_new_version(*, plan: CompetencePlan, by: User) -> CompetencePlan:
    """A draft copy of an approved plan, to change it; the earlier version stays as it was."""
    if plan.status == Status.DRAFT or plan.status == Status.PROPOSED:
        raise ValidationError(_("Only an approved plan gets a new version; edit this one."))
    if hasattr(plan, "next_version"):
        raise ValidationError(_("A newer version of this plan already exists."))
    copy = CompetencePlan.objects.create(
        partnership=plan.partnership,
        title=plan.title,
        version=plan.version + 1,
        previous_version=plan,
        period_start=plan.period_start,
        period_end=plan.period_end,
        strategy_background=plan.strategy_background,
        needs_analysis=plan.needs_analysis,
        created_by=by,
    )
    goals = {}
    for goal in plan.goals.all():
        goals[goal.pk] = CompetenceGoal.objects.create(
            plan=copy, title=goal.title, description=goal.description, position=goal.position
        )
    for activity in plan.activities.prefetch_related("target_groups", "target_employees"):
        new = PlanActivity.objects.create(
            plan=copy,
            position=activity.position,
            kind=activity.kind,
            amu_course_id=activity.amu_course_id,
            title=activity.title,
            description=activity.description,
            goal=goals.get(activity.goal_id),
            planned_start=activity.planned_start,
            planned_end=activity.planned_end,
            days=activity.days,
            responsible=activity.responsible,
        )
        new.target_groups.set(activity.target_groups.all())
        new.target_employees.set(activity.target_employees.all())
    audit_record(
        action=AuditEvent.Action.CREATED,
        actor=by,
        target=copy,
        data={"new_version_of": plan.pk},
    )
    _touch(copy)
    return copy
