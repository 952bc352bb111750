"""Writes for the week plan: course blocks, enrollments, attendance, the catalogue."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access import company_people
from accounts.models import AuditEvent, CompanyRole, User
from accounts.services import audit_record
from companies.models import CertificateType, Employee, EmployeeCertificate
from competence_plans.models import PlanActivity
from core.isoweek import iso_week_of
from notifications import kinds
from notifications import services as notifications
from scheduling.conflicts import (
    Conflict,
    blackout_conflicts,
    block_conflicts,
    employee_conflicts,
    plan_period_conflicts,
)
from scheduling.models import (
    PARTICIPATING_STATUSES,
    BlockReservation,
    CourseBlock,
    Enrollment,
    SchoolClosure,
    TeacherQualification,
)
from scheduling.selectors import block_coordinators, seat_use


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
    taken = 0
    if block.pk:
        # The same row lock as enrolment, so a lowered capacity and a new place cannot
        # both pass their count at once.
        _lock(block)
        taken = seat_use(block).taken
    if taken > block.capacity:
        raise ValidationError(
            {
                "capacity": _(
                    "%(n)s seats are taken (places and reservations); the capacity cannot be lower."
                )
                % {"n": taken}
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
    block = _save_block(
        CourseBlock(**fields), teachers=list(teachers), activity=activity, confirm=confirm, by=by
    )
    _tell_teachers(block, list(teachers), by)
    return block


def _tell_teachers(block: CourseBlock, teachers: list[User], by: User) -> None:
    """Teaching a block is work handed to the teacher: they are told."""
    notifications.notify(
        kinds.BLOCK_TEACHING,
        recipients=teachers,
        target=block,
        url=reverse("scheduling:block_detail", args=[block.pk]),
        actor=by,
        message=_("%(start)s – %(end)s, %(place)s.")
        % {
            "start": f"{block.start_date:%d.%m.%Y}",
            "end": f"{block.end_date:%d.%m.%Y}",
            "place": block.place,
        },
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
    before = CourseBlock.objects.get(pk=block.pk)
    was = before.status
    for name, value in fields.items():
        setattr(block, name, value)
    cancelling = (
        was != CourseBlock.Status.CANCELLED and block.status == CourseBlock.Status.CANCELLED
    )
    moved = not cancelling and (before.start_date, before.end_date) != (
        block.start_date,
        block.end_date,
    )
    enrolled = block.enrollments.filter(status__in=PARTICIPATING_STATUSES) if cancelling else None
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
    told = _people_concerned(block) if cancelling or moved else []
    taught_before = set(block.teachers.all())
    if moved:
        # Those who taught it before the move and those who teach it after.
        told += [*block.teachers.all(), *teachers]
    saved = _save_block(block, teachers=list(teachers), activity=None, confirm=confirm, by=by)
    if not cancelling and not moved:
        _tell_teachers(saved, [t for t in teachers if t not in taught_before], by)
    url = reverse("scheduling:block_detail", args=[saved.pk])
    if cancelling:
        notifications.notify(
            kinds.BLOCK_CANCELLED, recipients=told, target=saved, url=url, actor=by
        )
    elif moved:
        notifications.notify(
            kinds.BLOCK_MOVED,
            recipients=told,
            target=saved,
            url=url,
            actor=by,
            message=_("Now %(start)s – %(end)s (was %(old_start)s – %(old_end)s).")
            % {
                "start": f"{saved.start_date:%d.%m.%Y}",
                "end": f"{saved.end_date:%d.%m.%Y}",
                "old_start": f"{before.start_date:%d.%m.%Y}",
                "old_end": f"{before.end_date:%d.%m.%Y}",
            },
        )
    return saved


def _people_concerned(block: CourseBlock) -> list[User]:
    """The coordinators concerned and the HR of every company with people or seats on
    the block."""
    companies = {
        *block.enrollments.filter(
            status__in=(*PARTICIPATING_STATUSES, Enrollment.Status.WAITING)
        ).values_list("employee__company_id", flat=True),
        *block.reservations.values_list("company_id", flat=True),
    }
    hr = company_people(list(companies), CompanyRole.HR)
    return list({u.pk: u for u in [*block_coordinators(block), *hr]}.values())


def _refuse_outsiders(block: CourseBlock, company_ids) -> None:
    if not block.pooled and set(company_ids) - {block.company_id}:
        raise ValidationError(
            _("This block is kept for %(company)s; it is not open to other companies.")
            % {"company": block.company}
        )


def _new_place_status(block: CourseBlock) -> str:
    if block.status == CourseBlock.Status.CONFIRMED:
        return Enrollment.Status.ENROLLED
    return Enrollment.Status.PLANNED


@transaction.atomic
def enrollments_add(
    *,
    block: CourseBlock,
    employees: list[Employee],
    activity: PlanActivity | None,
    by: User,
    confirm: bool = False,
    waitlist: bool = False,
) -> list[Enrollment]:
    """Put employees on a block; never over capacity (a company's reserved seats are
    theirs to fill); with `waitlist` those beyond the free seats go on the waiting list
    in the order chosen. Other clashes need confirmation."""
    block = _lock(block)
    _refuse_closed(block)
    if activity and activity.amu_course_id != block.course_id:
        raise ValidationError(_("The plan activity is for another course than this block."))
    _refuse_outsiders(block, {e.company_id for e in employees})
    rows = {e.employee_id: e for e in block.enrollments.filter(employee__in=employees)}
    new = [
        e for e in employees if e.pk not in rows or rows[e.pk].status == Enrollment.Status.CANCELLED
    ]
    use = seat_use(block)
    seated, waiting = use.fit(new, capacity=block.capacity)
    if waiting and not waitlist:
        raise ValidationError(
            _(
                "Only %(free)s places are free on this block for these people; you chose "
                "%(n)s. Tick “waiting list” to put the rest on it."
            )
            % {"free": len(seated), "n": len(new)}
        )
    conflicts = [
        *employee_conflicts(
            employees=seated, start=block.start_date, end=block.end_date, exclude_pk=block.pk
        ),
        *blackout_conflicts(
            company_ids={e.company_id for e in seated}, start=block.start_date, end=block.end_date
        ),
    ]
    if conflicts and not confirm:
        raise ConflictsNeedConfirmation(conflicts)
    now = timezone.now()
    enrollments = []
    for index, employee in enumerate(new):
        enrollment = rows.get(employee.pk) or Enrollment(employee=employee, course_block=block)
        enrollment.plan_activity = activity or enrollment.plan_activity
        if employee in waiting:
            enrollment.status = Enrollment.Status.WAITING
            # In the order chosen, after everyone already waiting.
            enrollment.queued_at = now + dt.timedelta(microseconds=index)
        else:
            enrollment.status, enrollment.queued_at = _new_place_status(block), None
        enrollment.full_clean()
        enrollment.save()
        enrollments.append(enrollment)
    if new:
        audit_record(
            action=AuditEvent.Action.UPDATED,
            actor=by,
            target=block,
            data={
                "enrolled": len(seated),
                "waiting": len(waiting),
                **({"accepted_conflicts": [c.message for c in conflicts]} if conflicts else {}),
            },
        )
    return enrollments


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment, by: User) -> list[Enrollment]:
    """Take a person off a block (or off its waiting list). The row stays, cancelled, so
    the history and the plan's figures stay true; a seat that frees goes to the first on
    the waiting list. Returns the places given to waiting people."""
    block = _lock(enrollment.course_block)
    if block.status in (CourseBlock.Status.CANCELLED, CourseBlock.Status.HELD):
        raise ValidationError(_("A cancelled or held block's places cannot be changed."))
    if enrollment.status not in (*PARTICIPATING_STATUSES, Enrollment.Status.WAITING):
        raise ValidationError(_("This person has no place on the block."))
    if enrollment.status == Enrollment.Status.COMPLETED:
        raise ValidationError(_("A completed place cannot be cancelled."))
    enrollment.status, enrollment.queued_at = Enrollment.Status.CANCELLED, None
    enrollment.save(update_fields=["status", "queued_at", "updated_at"])
    audit_record(
        action=AuditEvent.Action.UPDATED,
        actor=by,
        target=block,
        data={"unenrolled": enrollment.employee_id},
    )
    return offer_freed_seats(block=block, by=by)


def offer_freed_seats(*, block: CourseBlock, by: User) -> list[Enrollment]:
    """Give free seats to the waiting list in order, and tell the companies' HR and the
    coordinators. Called under the block's lock by every step that frees a seat."""
    given = []
    use = seat_use(block)
    queue = (
        block.enrollments.filter(status=Enrollment.Status.WAITING)
        .select_related("employee")
        .order_by("queued_at", "pk")
    )
    for enrollment in queue:
        seated, _waiting = use.fit([enrollment.employee], capacity=block.capacity)
        if not seated:
            continue
        use = use.plus(enrollment.employee.company_id)
        enrollment.status, enrollment.queued_at = _new_place_status(block), None
        enrollment.save(update_fields=["status", "queued_at", "updated_at"])
        given.append(enrollment)
        notifications.notify(
            kinds.SEAT_OFFERED,
            recipients=[
                *company_people(enrollment.employee.company_id, CompanyRole.HR),
                *block_coordinators(block),
            ],
            target=block,
            url=reverse("scheduling:block_detail", args=[block.pk]),
            actor=by,
            message=_(
                "%(employee)s had waited and now has a place. Take them off the block if "
                "they cannot go."
            )
            % {"employee": enrollment.employee.name},
        )
    if given:
        audit_record(
            action=AuditEvent.Action.UPDATED,
            actor=by,
            target=block,
            data={"from_waiting_list": [e.employee_id for e in given]},
        )
    return given


@transaction.atomic
def reservation_set(
    *, block: CourseBlock, company, seats: int, by: User
) -> BlockReservation | None:
    """Hold `seats` seats for a company before it names people (0 removes the hold).
    Reserved seats count against capacity; the company's named places fill them first."""
    block = _lock(block)
    _refuse_closed(block)
    _refuse_outsiders(block, {company.pk})
    if seats < 0:
        raise ValidationError({"seats": _("Reserve at least one seat.")})
    held = BlockReservation.objects.filter(block=block, company=company).first()
    use = seat_use(block)
    if use.taken_with(company.pk, seats) > block.capacity:
        raise ValidationError(
            {
                "seats": _("Only %(free)s seats are free on this block.")
                % {"free": max(block.capacity - use.taken_with(company.pk, 0), 0)}
            }
        )
    if seats == 0:
        if held:
            held.delete()
            offer_freed_seats(block=block, by=by)
        reservation = None
    else:
        before = held.seats if held else 0
        reservation = held or BlockReservation(block=block, company=company)
        reservation.seats = seats
        reservation.full_clean()
        reservation.save()
        if seats < before:
            offer_freed_seats(block=block, by=by)
    audit_record(
        action=AuditEvent.Action.UPDATED,
        actor=by,
        target=block,
        data={"reserved": {"company": company.pk, "seats": seats}},
    )
    return reservation


@transaction.atomic
def closure_add(*, school, name: str, first_day: dt.date, last_day: dt.date, by: User):
    closure = SchoolClosure(school=school, name=name, first_day=first_day, last_day=last_day)
    closure.full_clean()
    closure.save()
    audit_record(action=AuditEvent.Action.CREATED, actor=by, target=closure)
    return closure


@transaction.atomic
def closure_remove(*, closure: SchoolClosure, by: User) -> None:
    # Recorded on the school, which outlives the closed period.
    audit_record(
        action=AuditEvent.Action.UPDATED,
        actor=by,
        target=closure.school,
        data={
            "closure_removed": closure.name,
            "from": str(closure.first_day),
            "to": str(closure.last_day),
        },
    )
    closure.delete()


@transaction.atomic
def enrollment_move(
    *, enrollment: Enrollment, to_block: CourseBlock, by: User, confirm: bool = False
) -> Enrollment:
    """Move a place to another run of the same course, under every rule of enrolment: the
    target is open, has a free seat (under its row lock), and its clashes for the person
    (another block, the company's blackout weeks, the plan's period) are confirmed."""
    # Both blocks' seats change: lock them in one order, so two moves in opposite
    # directions cannot wait for each other.
    locked = {
        b.pk: b
        for b in CourseBlock.objects.select_for_update()
        .filter(pk__in=[to_block.pk, enrollment.course_block_id])
        .order_by("pk")
    }
    to_block = locked[to_block.pk]
    _refuse_closed(to_block)
    if to_block.pk == enrollment.course_block_id:
        raise ValidationError(_("The employee is already on that block."))
    if to_block.course_id != enrollment.course_block.course_id:
        raise ValidationError(_("An enrollment can only move to a block of the same course."))
    if to_block.enrollments.filter(employee=enrollment.employee_id).exists():
        raise ValidationError(_("The employee is already on that block."))
    takes_seat = enrollment.status in PARTICIPATING_STATUSES
    _refuse_outsiders(to_block, {enrollment.employee.company_id})
    if takes_seat and not seat_use(to_block).fit([enrollment.employee], to_block.capacity)[0]:
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
    from_block = locked[enrollment.course_block_id]
    enrollment.course_block = to_block
    enrollment.full_clean()
    enrollment.save()
    if takes_seat:
        offer_freed_seats(block=from_block, by=by)
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
def attendance_record(
    *,
    block: CourseBlock,
    statuses: dict[int, str],
    results: dict[int, str] | None = None,
    by: User,
) -> CourseBlock:
    """After the block: who completed it, who did not show up and, for a course that ends
    with a test, each participant's result. A pass (or completing a course without a
    test) issues the certificates the course renews; a corrected result takes back the
    ones it issued. May be saved again to correct it."""
    if block.end_date > timezone.localdate():
        raise ValidationError(_("Attendance is recorded after the block has ended."))
    results = results or {}
    allowed = {Enrollment.Status.COMPLETED, Enrollment.Status.NO_SHOW}
    known_results = {"", *Enrollment.TestResult.values}
    if any(value not in known_results for value in results.values()):
        raise ValidationError(_("Choose passed, not passed or no test taken."))
    has_test = block.course.has_test
    renews = list(CertificateType.objects.filter(renewing_course=block.course_id))
    for enrollment in block.enrollments.exclude(
        status__in=[Enrollment.Status.CANCELLED, Enrollment.Status.WAITING]
    ).select_related("course_block__course"):
        status = statuses.get(enrollment.pk)
        if status not in allowed:
            status = enrollment.status
        result = results.get(enrollment.pk, enrollment.test_result) if has_test else ""
        if status != Enrollment.Status.COMPLETED:
            result = ""
        if (status, result) != (enrollment.status, enrollment.test_result):
            enrollment.status, enrollment.test_result = status, result
            enrollment.save(update_fields=["status", "test_result", "updated_at"])
        _certificates_follow(enrollment, renews)
    block.status = CourseBlock.Status.HELD
    block.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditEvent.Action.UPDATED, actor=by, target=block, data={"attendance": True}
    )
    return block


def _certificates_follow(enrollment: Enrollment, renews: list[CertificateType]) -> None:
    """The certificates a passed block issues exist exactly while its result says so."""
    block = enrollment.course_block
    for certificate_type in renews:
        issued = EmployeeCertificate.objects.filter(
            employee=enrollment.employee_id,
            type=certificate_type,
            source=EmployeeCertificate.Source.AMU,
            issued_on=block.end_date,
        )
        if enrollment.certified and not issued.exists():
            EmployeeCertificate.objects.create(
                employee_id=enrollment.employee_id,
                type=certificate_type,
                source=EmployeeCertificate.Source.AMU,
                issued_on=block.end_date,
                expires_on=certificate_type.expiry_from(block.end_date),
                note=f"{block.course.number} {block.reference}"[:200],
            )
        elif not enrollment.certified:
            issued.delete()


@transaction.atomic
def qualification_add(*, school, teacher: User, course=None, fkb=None, by: User):
    qualification = TeacherQualification(school=school, teacher=teacher, course=course, fkb=fkb)
    qualification.full_clean(validate_unique=False, validate_constraints=False)
    if TeacherQualification.objects.filter(
        school=school, teacher=teacher, course=course, fkb=fkb
    ).exists():
        raise ValidationError(_("The teacher already has this qualification."))
    qualification.save()
    audit_record(action=AuditEvent.Action.CREATED, actor=by, target=qualification)
    return qualification


@transaction.atomic
def qualification_remove(*, qualification: TeacherQualification, by: User) -> None:
    audit_record(
        action=AuditEvent.Action.UPDATED,
        actor=by,
        target=qualification.school,
        data={"qualification_removed": str(qualification)},
    )
    qualification.delete()
