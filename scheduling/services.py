"""Writes for the week plan: course blocks, enrollments, attendance, the catalogue."""

import datetime as dt
import math

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access import company_people
from accounts.models import AuditEvent, CompanyRole, User
from accounts.services import audit_record
from companies.models import Employee
from competence_plans.models import PlanActivity
from core.isoweek import add_workdays, iso_week_of
from notifications import kinds
from notifications import services as notifications
from scheduling.conflicts import (
    Conflict,
    blackout_conflicts,
    block_conflicts,
    employee_conflicts,
    plan_period_conflicts,
)
from scheduling.models import CourseBlock, Enrollment
from scheduling.selectors import block_coordinators

ACTIVE = (Enrollment.Status.PLANNED, Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED)


class ConflictsNeedConfirmation(ValidationError):
    """Raised with the conflicts; saving again with confirm=True accepts them."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__([c.message for c in conflicts])


def _next_reference(block: CourseBlock) -> str:
    school = block.school.short_name.replace(" ", "").upper()
    prefix = f"{school}-{block.iso_year}{block.iso_week:02d}-{block.course.number}"
    taken = CourseBlock.objects.filter(school=block.school, reference__startswith=prefix).count()
    return f"{prefix}-{taken + 1}"


def _lock(block: CourseBlock) -> CourseBlock:
    """Lock the block's row for this transaction: every change of its seats takes it."""
    return CourseBlock.objects.select_for_update().get(pk=block.pk)


def _refuse_closed(block: CourseBlock) -> None:
    if block.status in (CourseBlock.Status.CANCELLED, CourseBlock.Status.HELD):
        raise ValidationError(_("Nobody can be enrolled on a cancelled or held block."))


def _save_block(block: CourseBlock, *, teachers, activity, confirm: bool, by: User) -> CourseBlock:
    if block.start_date:
        block.iso_year, block.iso_week = iso_week_of(block.start_date)
    if not block.reference and block.school_id and block.course_id and block.start_date:
        block.reference = _next_reference(block)
    block.full_clean()
    participants = 0
    if block.pk:
        # The same row lock as enrolment, so a lowered capacity and a new place cannot
        # both pass their count at once.
        _lock(block)
        participants = block.enrollments.filter(status__in=ACTIVE).count()
    if participants > block.capacity:
        raise ValidationError(
            {
                "capacity": _("%(n)s participants are enrolled; the capacity cannot be lower.")
                % {"n": participants}
            }
        )
    conflicts = block_conflicts(block=block, teachers=teachers, activity=activity)
    if conflicts and not confirm:
        raise ConflictsNeedConfirmation(conflicts)
    created = block.pk is None
    block.save()
    block.teachers.set(teachers)
    audit_record(
        action=AuditEvent.Action.CREATED if created else AuditEvent.Action.UPDATED,
        actor=by,
        target=block,
        data={"accepted_conflicts": [c.message for c in conflicts]} if conflicts else {},
    )
    return block


@transaction.atomic
def course_block_create(
    *,
    by: User,
    teachers=(),
    activity: PlanActivity | None = None,
    confirm: bool = False,
    **fields,
) -> CourseBlock:
    return _save_block(
        CourseBlock(**fields), teachers=list(teachers), activity=activity, confirm=confirm, by=by
    )


@transaction.atomic
def course_block_update(
    *,
    block: CourseBlock,
    by: User,
    teachers=(),
    confirm: bool = False,
    confirm_cancel: bool = False,
    **fields,
) -> CourseBlock:
    """Cancelling a block with people on it needs `confirm_cancel`; then the companies'
    HR and the coordinators concerned are told."""
    was = CourseBlock.objects.get(pk=block.pk).status
    for name, value in fields.items():
        setattr(block, name, value)
    cancelling = (
        was != CourseBlock.Status.CANCELLED and block.status == CourseBlock.Status.CANCELLED
    )
    enrolled = block.enrollments.filter(status__in=ACTIVE) if cancelling else None
    if cancelling and enrolled.exists() and not confirm_cancel:
        raise ValidationError(
            {
                "confirm_cancel": ngettext(
                    "%(n)s person is enrolled. Tick the box to cancel all the same.",
                    "%(n)s people are enrolled. Tick the box to cancel all the same.",
                    enrolled.count(),
                )
                % {"n": enrolled.count()}
            }
        )
    told = _cancellation_recipients(block) if cancelling else []
    saved = _save_block(block, teachers=list(teachers), activity=None, confirm=confirm, by=by)
    if cancelling:
        notifications.notify(
            kinds.BLOCK_CANCELLED,
            recipients=told,
            target=saved,
            url=reverse("scheduling:block_detail", args=[saved.pk]),
            actor=by,
        )
    return saved


def _cancellation_recipients(block: CourseBlock) -> list[User]:
    """The coordinators concerned and the HR of every company with people on the block."""
    companies = block.enrollments.filter(status__in=ACTIVE).values("employee__company_id")
    hr = company_people(companies, CompanyRole.HR)
    return list({u.pk: u for u in [*block_coordinators(block), *hr]}.values())


@transaction.atomic
def enrollments_add(
    *,
    block: CourseBlock,
    employees: list[Employee],
    activity: PlanActivity | None,
    by: User,
    confirm: bool = False,
) -> list[Enrollment]:
    """Put employees on a block; never over capacity; other clashes need confirmation."""
    block = _lock(block)
    _refuse_closed(block)
    if activity and activity.amu_course_id != block.course_id:
        raise ValidationError(_("The plan activity is for another course than this block."))
    already = set(
        block.enrollments.filter(employee__in=employees).values_list("employee_id", flat=True)
    )
    new = [e for e in employees if e.pk not in already]
    taken = block.enrollments.filter(status__in=ACTIVE).count()
    if taken + len(new) > block.capacity:
        raise ValidationError(
            _("Only %(free)s places are free on this block; you chose %(n)s people.")
            % {"free": max(block.capacity - taken, 0), "n": len(new)}
        )
    conflicts = [
        *employee_conflicts(
            employees=new, start=block.start_date, end=block.end_date, exclude_pk=block.pk
        ),
        *blackout_conflicts(
            company_ids={e.company_id for e in new}, start=block.start_date, end=block.end_date
        ),
    ]
    if conflicts and not confirm:
        raise ConflictsNeedConfirmation(conflicts)
    status = (
        Enrollment.Status.ENROLLED
        if block.status == CourseBlock.Status.CONFIRMED
        else Enrollment.Status.PLANNED
    )
    enrollments = []
    for employee in new:
        enrollment = Enrollment(
            employee=employee, course_block=block, plan_activity=activity, status=status
        )
        enrollment.full_clean()
        enrollment.save()
        enrollments.append(enrollment)
    if new:
        audit_record(
            action=AuditEvent.Action.UPDATED,
            actor=by,
            target=block,
            data={"enrolled": len(new)},
        )
    return enrollments


@transaction.atomic
def enrollment_move(
    *, enrollment: Enrollment, to_block: CourseBlock, by: User, confirm: bool = False
) -> Enrollment:
    """Move a place to another run of the same course, under every rule of enrolment: the
    target is open, has a free seat (under its row lock), and its clashes for the person
    (another block, the company's blackout weeks, the plan's period) are confirmed."""
    to_block = _lock(to_block)
    _refuse_closed(to_block)
    if to_block.pk == enrollment.course_block_id:
        raise ValidationError(_("The employee is already on that block."))
    if to_block.course_id != enrollment.course_block.course_id:
        raise ValidationError(_("An enrollment can only move to a block of the same course."))
    if to_block.enrollments.filter(employee=enrollment.employee_id).exists():
        raise ValidationError(_("The employee is already on that block."))
    takes_seat = enrollment.status in ACTIVE
    if takes_seat and to_block.enrollments.filter(status__in=ACTIVE).count() >= to_block.capacity:
        raise ValidationError(_("That block is full."))
    employee = enrollment.employee
    conflicts = [
        # The place being moved is not a clash with itself.
        *employee_conflicts(
            employees=[employee],
            start=to_block.start_date,
            end=to_block.end_date,
            exclude_pk=enrollment.course_block_id,
        ),
        *blackout_conflicts(
            company_ids={employee.company_id}, start=to_block.start_date, end=to_block.end_date
        ),
        *plan_period_conflicts(
            activity=enrollment.plan_activity, start=to_block.start_date, end=to_block.end_date
        ),
    ]
    if conflicts and not confirm:
        raise ConflictsNeedConfirmation(conflicts)
    from_block = enrollment.course_block
    enrollment.course_block = to_block
    enrollment.full_clean()
    enrollment.save()
    audit_record(
        action=AuditEvent.Action.UPDATED,
        actor=by,
        target=to_block,
        data={
            "moved_in": enrollment.employee_id,
            "from_block": from_block.pk,
            **({"accepted_conflicts": [c.message for c in conflicts]} if conflicts else {}),
        },
    )
    return enrollment


@transaction.atomic
def attendance_record(*, block: CourseBlock, statuses: dict[int, str], by: User) -> CourseBlock:
    """After the block: who completed it and who did not show up."""
    if block.end_date > timezone.localdate():
        raise ValidationError(_("Attendance is recorded after the block has ended."))
    allowed = {Enrollment.Status.COMPLETED, Enrollment.Status.NO_SHOW}
    for enrollment in block.enrollments.exclude(status=Enrollment.Status.CANCELLED):
        status = statuses.get(enrollment.pk)
        if status in allowed and status != enrollment.status:
            enrollment.status = status
            enrollment.save(update_fields=["status", "updated_at"])
    block.status = CourseBlock.Status.HELD
    block.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditEvent.Action.UPDATED, actor=by, target=block, data={"attendance": True}
    )
    return block


def default_end_date(start: dt.date, days) -> dt.date:
    """The last working day of a run of `days` course days starting on `start`."""
    return add_workdays(start, max(1, math.ceil(days)))
