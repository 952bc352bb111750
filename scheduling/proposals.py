"""Proposed schedules for a plan: asking, solving in a worker, accepting.

`proposal_request` checks the plan (bad input gets a message and no job), stores a
queued `ScheduleProposal` and hands it to a worker; `proposal_solve` (the task's body)
reads the plan and the school's week plan into a `planner.Instance`, solves it within
the time limit and stores the proposed blocks with why each lies where it does;
`proposal_accept` writes the blocks the coordinator chose through the same services as
manual planning, all or none; `proposal_pin` asks again with one block pinned to a week.
"""

import datetime as dt
import logging
import math
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import SchoolMembership, SchoolRole, User
from companies.models import BlackoutWeek, Employee, EmployeeGroup
from competence_plans.models import CompetencePlan, PlanActivity
from competence_plans.selectors import activity_targets
from core.isoweek import iso_week_of
from notifications import kinds
from notifications import services as notifications
from scheduling import planner
from scheduling.calendar import NoTeachingDays, closed_days, dates_in_week
from scheduling.conflicts import LIVE, blackout_message
from scheduling.models import (
    PARTICIPATING_STATUSES,
    BlockReservation,
    CourseBlock,
    Enrollment,
    ScheduleProposal,
    TeacherQualification,
)
from scheduling.selectors import with_seats
from scheduling.services import course_block_create, enrollments_add

logger = logging.getLogger(__name__)
Status = ScheduleProposal.Status

# How many ruled-out weeks a proposed block names before it says "and N more".
_WEEKS_EXPLAINED = 6


def week_label(week) -> str:
    return f"{week[0]}-W{week[1]:02d}"


def _first_monday(today: dt.date) -> dt.date:
    """Blocks are proposed from next week on: this week is already being taught."""
    return today + dt.timedelta(days=7 - today.weekday())


@dataclass
class Window:
    """What the builder learned about one activity, for the explanations."""

    activity: PlanActivity
    people: list[int]
    weeks: list = field(default_factory=list)  # candidate weeks, in order
    ruled_out: dict = field(default_factory=dict)  # week -> reasons (static)
    problem: str = ""  # why nothing can be proposed at all


@dataclass
class Built:
    instance: planner.Instance
    windows: dict[int, Window]
    names: dict  # employee id -> name
    teachers: dict  # teacher id -> name
    blocks: dict  # existing block id -> CourseBlock
    groups: dict  # group id -> EmployeeGroup


def _activities(plan: CompetencePlan) -> list[PlanActivity]:
    return list(
        plan.activities.filter(kind=PlanActivity.Kind.AMU_COURSE)
        .select_related("amu_course", "after")
        .prefetch_related("target_groups")
        .order_by("position", "pk")
    )


def _still_to_place(activities) -> dict[int, list[int]]:
    """Per activity, the targeted people who have no place (or waiting place) yet."""
    targets = activity_targets([a.pk for a in activities])
    placed = set(
        Enrollment.objects.filter(
            plan_activity__in=[a.pk for a in activities],
            status__in=(*PARTICIPATING_STATUSES, Enrollment.Status.WAITING),
        ).values_list("plan_activity_id", "employee_id")
    )
    return {a.pk: sorted(e for e in targets[a.pk] if (a.pk, e) not in placed) for a in activities}


def _qualified(school, courses) -> dict[int, list[int]]:
    """Course id -> teachers of the school qualified for it (for the course or its FKB)."""
    teaching = set(
        SchoolMembership.objects.filter(school=school, role=SchoolRole.TEACHER).values_list(
            "user_id", flat=True
        )
    )
    rows = TeacherQualification.objects.filter(school=school).filter(
        Q(course__in=courses) | Q(fkb__in=[c.fkb_id for c in courses if c.fkb_id])
    )
    qualified = defaultdict(set)
    for teacher, course, fkb in rows.values_list("teacher_id", "course_id", "fkb_id"):
        if teacher not in teaching:
            continue
        for c in courses:
            if c.pk == course or (fkb and c.fkb_id == fkb):
                qualified[c.pk].add(teacher)
    return {pk: sorted(teachers) for pk, teachers in qualified.items()}


def preflight(*, plan: CompetencePlan, school, today: dt.date) -> list[str]:
    """Why no proposal can be worked out for the plan, or nothing when one can."""
    activities = _activities(plan)
    if not activities:
        return [_("The plan has no AMU course activities to schedule.")]
    to_place = _still_to_place(activities)
    if not any(to_place.values()):
        return [_("Everyone the plan's AMU activities name already has a place on a block.")]
    first = _first_monday(today)
    qualified = _qualified(school, [a.amu_course for a in activities])
    joinable = set(
        _joinable_blocks(school, plan, first, plan.period_end).values_list("course_id", flat=True)
    )
    problems, possible = [], False
    for activity in activities:
        problem = _static_problem(activity, to_place, first, plan, qualified, joinable, school)
        if problem:
            problems.append(f"{activity.title}: {problem}")
        elif to_place[activity.pk]:
            possible = True
    return [] if possible else problems


def _static_problem(activity, to_place, first, plan, qualified, joinable, school) -> str:
    if not to_place[activity.pk]:
        return ""
    if min(activity.planned_end, plan.period_end) < first:
        return _("its period has passed.")
    if not qualified.get(activity.amu_course_id) and activity.amu_course_id not in joinable:
        return _(
            "nobody at %(school)s may teach AMU %(number)s and no block of it can be joined; "
            "add a teaching qualification."
        ) % {"school": school.short_name or school.name, "number": activity.amu_course.number}
    return ""


def _joinable_blocks(school, plan, first, last):
    return CourseBlock.objects.filter(
        school=school,
        status__in=(CourseBlock.Status.PLANNED, CourseBlock.Status.CONFIRMED),
        start_date__gte=first,
        start_date__lte=last,
    ).filter(Q(pooled=True) | Q(company=plan.partnership.company_id))


def build(
    *, plan: CompetencePlan, school, today: dt.date, capacity: int, minimum: int, fixed=()
) -> Built:
    """The planner's instance for the plan at the school, read in a fixed number of
    queries, and what the explanations need."""
    company_id = plan.partnership.company_id
    activities = _activities(plan)
    to_place = _still_to_place(activities)
    first = _first_monday(today)
    last = plan.period_end
    courses = [a.amu_course for a in activities]
    qualified = _qualified(school, courses)
    # The school's closed days, and every teacher's and person's other blocks, over the
    # whole horizon (a block may run into the week after its start).
    horizon_end = last + dt.timedelta(days=120)
    closed = closed_days(school.pk, first, horizon_end)
    teacher_ids = sorted({t for ts in qualified.values() for t in ts})
    teacher_busy = defaultdict(list)
    for teacher, start, end in CourseBlock.teachers.through.objects.filter(
        user__in=teacher_ids,
        courseblock__status__in=LIVE,
        courseblock__end_date__gte=first,
        courseblock__start_date__lte=horizon_end,
    ).values_list("user_id", "courseblock__start_date", "courseblock__end_date"):
        teacher_busy[teacher].append((start, end))
    people = sorted({e for ids in to_place.values() for e in ids})
    groups = _limited_groups(activities, people)
    members = {e for g in groups.values() for e in g.member_ids}
    busy, away = _elsewhere([*people, *members], first, horizon_end, groups)
    blackouts = list(
        BlackoutWeek.objects.filter(
            company=company_id, last_day__gte=first, first_day__lte=horizon_end
        )
    )
    joinable = _existing(school, plan, courses, first, last)
    windows, built_activities = {}, []
    ids = {a.pk for a in activities if to_place[a.pk]}
    for activity in activities:
        window = Window(activity, to_place[activity.pk])
        windows[activity.pk] = window
        problem = _static_problem(
            activity, to_place, first, plan, qualified, {b.course_id for b in joinable}, school
        )
        if not window.people:
            continue
        if problem:
            window.problem = problem
            continue
        not_before = _not_before(activity, ids)
        options = _options(
            activity,
            window,
            first=max(first, activity.planned_start, plan.period_start),
            last=min(last, activity.planned_end),
            school=school,
            closed=closed,
            blackouts=blackouts,
            teachers=qualified.get(activity.amu_course_id, []),
            teacher_busy=teacher_busy,
            joinable=[b for b in joinable if b.course_id == activity.amu_course_id],
            not_before=not_before,
        )
        built_activities.append(
            planner.Activity(
                id=activity.pk,
                name=activity.title,
                employees=tuple(window.people),
                options=tuple(options),
                after=activity.after_id if activity.after_id in ids else None,
                groups=tuple(g.pk for g in activity.target_groups.all()),
                course=activity.amu_course_id,
            )
        )
    instance = planner.Instance(
        activities=tuple(built_activities),
        groups=tuple(
            planner.Group(g.pk, g.name, frozenset(g.member_ids), g.limit, dict(away[g.pk]))
            for g in groups.values()
        ),
        busy={e: tuple(spans) for e, spans in busy.items()},
        capacity=capacity,
        minimum=minimum,
        fixes=tuple(
            planner.Fix(f["activity"], tuple(f["employees"]), tuple(f["week"])) for f in fixed
        ),
    )
    names = dict(Employee.objects.filter(pk__in=people).values_list("pk", "name"))
    teachers = {
        u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=teacher_ids)
    }
    return Built(instance, windows, names, teachers, {b.pk: b for b in joinable}, groups)


def _not_before(activity, ids) -> dt.date | None:
    """An activity after one that is not being proposed starts after that one's blocks
    end (or after its planned end, for learning that is not on blocks)."""
    earlier = activity.after
    if earlier is None or earlier.pk in ids:
        return None
    ends = CourseBlock.objects.filter(
        enrollments__plan_activity=earlier, enrollments__status__in=PARTICIPATING_STATUSES
    ).values_list("end_date", flat=True)
    return max(ends, default=None) or earlier.planned_end


def _limited_groups(activities, people) -> dict:
    """The groups with a limit on absence that the people to place belong to, each with
    its active members and the limit for its size."""
    groups = {}
    for group in (
        EmployeeGroup.objects.filter(employees__in=people)
        .distinct()
        .filter(Q(max_away__isnull=False) | Q(max_away_percent__isnull=False))
    ):
        group.member_ids = list(
            Employee.objects.filter(group=group, active=True).values_list("pk", flat=True)
        )
        group.limit = group.away_limit(len(group.member_ids))
        groups[group.pk] = group
    return groups


def _elsewhere(employees, first, last, groups):
    """Each person's places on other blocks (date ranges), and per limited group the
    members already away in each ISO week."""
    busy = defaultdict(list)
    away_weeks = defaultdict(set)
    rows = Enrollment.objects.filter(
        employee__in=employees,
        status__in=PARTICIPATING_STATUSES,
        course_block__status__in=LIVE,
        course_block__end_date__gte=first,
        course_block__start_date__lte=last,
    ).values_list("employee_id", "course_block__start_date", "course_block__end_date")
    for employee, start, end in rows:
        busy[employee].append((start, end))
        day = start
        while day <= end:
            away_weeks[employee].add(iso_week_of(day))
            day += dt.timedelta(days=1)
    away = {}
    for group in groups.values():
        counts = defaultdict(int)
        for employee in group.member_ids:
            for week in away_weeks.get(employee, ()):
                counts[week] += 1
        away[group.pk] = counts
    return busy, away


def _existing(school, plan, courses, first, last) -> list[CourseBlock]:
    """Blocks of the plan's courses at the school that its company may join, with the
    seats free for it: places and other companies' reservations count, its own
    unfilled reservation is its to fill."""
    company = plan.partnership.company_id
    blocks = list(
        with_seats(_joinable_blocks(school, plan, first, last).filter(course__in=courses))
        .select_related("course")
        .order_by("start_date", "pk")
    )
    own = dict(
        BlockReservation.objects.filter(block__in=blocks, company=company).values_list(
            "block_id", "seats"
        )
    )
    named = defaultdict(int)
    for block_id in Enrollment.objects.filter(
        course_block__in=own, employee__company=company, status__in=PARTICIPATING_STATUSES
    ).values_list("course_block_id", flat=True):
        named[block_id] += 1
    for block in blocks:
        mine = max(0, own.get(block.pk, 0) - named[block.pk])
        block.free_for_company = max(0, block.capacity - block.seats_taken + mine)
    return blocks


def _options(
    activity,
    window,
    *,
    first,
    last,
    school,
    closed,
    blackouts,
    teachers,
    teacher_busy,
    joinable,
    not_before,
) -> list[planner.Option]:
    """Where the activity's people can go, week by week; what rules a week out is kept
    for the explanation."""
    options = []
    course = activity.amu_course
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        week = iso_week_of(monday)
        reasons = []
        try:
            dates = dates_in_week(
                iso_year=week[0],
                iso_week=week[1],
                weekday=0,
                duration_days=course.duration_days,
                closed=closed,
            )
        except NoTeachingDays as error:
            dates, reasons = None, [str(error)]
        if dates and (dates.start < first or dates.end > last):
            dates = None  # not in the activity's period: not a candidate at all
        if dates or reasons:
            window.weeks.append(week)
        if dates:
            reasons += _week_reasons(dates, blackouts, not_before)
        if dates and not reasons:
            free = [
                t
                for t in teachers
                if not any(s <= dates.end and dates.start <= e for s, e in teacher_busy[t])
            ]
            here = [b for b in joinable if iso_week_of(b.start_date) == week]
            for block in here:
                if block.free_for_company and not _week_reasons(block, blackouts, not_before):
                    options.append(_join(block, week))
            if free:
                options.append(
                    planner.Option(
                        key=f"w{week[0]}-{week[1]}",
                        week=week,
                        start=dates.start,
                        end=dates.end,
                        teachers=tuple(free),
                        slot=f"c{course.pk}-{dates.start.isoformat()}",
                    )
                )
            elif not any(o.week == week for o in options):
                reasons.append(
                    _("every teacher qualified for the course teaches another block")
                    if teachers
                    else _("nobody at the school may teach the course")
                )
        if reasons:
            window.ruled_out[week] = reasons
        monday += dt.timedelta(days=7)
    return options


def _join(block, week) -> planner.Option:
    return planner.Option(
        key=f"b{block.pk}",
        week=week,
        start=block.start_date,
        end=block.end_date,
        block=block.pk,
        seats=block.free_for_company,
        missing=max(0, block.min_participants - block.participant_count),
    )


def _week_reasons(span, blackouts, not_before) -> list[str]:
    start = getattr(span, "start", None) or span.start_date
    end = getattr(span, "end", None) or span.end_date
    reasons = [
        blackout_message(b.company, b.iso_week, b.note)
        for b in blackouts
        if b.first_day <= end and start <= b.last_day
    ]
    if not_before and start <= not_before:
        reasons.append(
            _("the activity it comes after ends %(date)s") % {"date": f"{not_before:%d.%m.%Y}"}
        )
    return reasons


# ---------------------------------------------------------------------------------------
# The job: asked for in a request, worked out by a worker.


class NothingToPropose(ValidationError):
    """The plan gives the planner nothing it could schedule; no job is started."""


@transaction.atomic
def proposal_request(
    *,
    plan: CompetencePlan,
    school,
    by: User,
    capacity: int,
    minimum: int,
    fixed=(),
    today: dt.date | None = None,
) -> ScheduleProposal:
    problems = preflight(plan=plan, school=school, today=today or timezone.localdate())
    if problems:
        raise NothingToPropose(problems)
    proposal = ScheduleProposal.objects.create(
        plan=plan,
        school=school,
        requested_by=by,
        capacity=capacity,
        min_participants=minimum,
        fixed=list(fixed),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: proposal_dispatch(proposal=proposal))
    return proposal


def proposal_dispatch(*, proposal: ScheduleProposal) -> bool:
    """Hand the proposal to a worker; with the broker down it stays queued and the
    sweep sends it again."""
    from scheduling.tasks import solve_proposal

    try:
        solve_proposal.apply_async(args=[proposal.pk], retry=False)
    except Exception:  # kombu raises several kinds for an unreachable broker
        if ScheduleProposal.objects.filter(pk=proposal.pk, status=Status.FAILED).exists():
            logger.error("Schedule proposal %s failed", proposal.pk, exc_info=True)
            return True
        logger.warning("Broker unavailable; proposal %s stays queued", proposal.pk, exc_info=True)
        return False
    return True


def _claim(proposal_id) -> ScheduleProposal | None:
    with transaction.atomic():
        proposal = ScheduleProposal.objects.select_for_update().filter(pk=proposal_id).first()
        if proposal is None or proposal.status != Status.QUEUED:
            return None  # done, discarded, or another delivery of the task has it
        proposal.status, proposal.progress = Status.RUNNING, 5
        proposal.started_at, proposal.attempts = timezone.now(), proposal.attempts + 1
        proposal.save(update_fields=["status", "progress", "started_at", "attempts", "updated_at"])
        return proposal


def proposal_solve(*, proposal_id: int, today: dt.date | None = None) -> ScheduleProposal | None:
    """Work the proposal out and store it. A failure is recorded on the proposal (and
    raised, so the task's retry and the logs see it)."""
    proposal = _claim(proposal_id)
    if proposal is None:
        return ScheduleProposal.objects.filter(pk=proposal_id).first()
    try:
        with translation.override(proposal.language):
            _solve_into(proposal, today or timezone.localdate())
    except Exception as error:
        ScheduleProposal.objects.filter(pk=proposal.pk, status=Status.RUNNING).update(
            status=Status.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    return proposal


def _solve_into(proposal: ScheduleProposal, today: dt.date) -> None:
    plan = proposal.plan
    built = build(
        plan=plan,
        school=proposal.school,
        today=today,
        capacity=proposal.capacity,
        minimum=proposal.min_participants,
        fixed=proposal.fixed,
    )
    result = _solve_with_progress(proposal, built.instance)
    baseline = planner.greedy(built.instance)
    proposal.items = _items(built, result)
    proposal.unscheduled = _unscheduled(built, result)
    proposal.summary = {
        "result": result.status,
        "seconds": round(result.seconds, 1),
        "placed": result.placed,
        "to_place": sum(len(a.employees) for a in built.instance.activities)
        + sum(len(w.people) for w in built.windows.values() if w.problem),
        "new_blocks": result.new_blocks,
        "joined": len({p.option.block for p in result.placements if not p.is_new}),
        "greedy_new_blocks": baseline.new_blocks,
        "greedy_placed": baseline.placed,
    }
    proposal.status, proposal.progress = Status.DONE, 100
    proposal.finished_at = timezone.now()
    proposal.save()
    _tell_when_slow(proposal)


def _solve_with_progress(proposal: ScheduleProposal, instance) -> planner.Result:
    """Solve in a thread of its own while this one, which holds the database connection,
    writes the progress (the share of the time limit used) every second."""
    limit = settings.PLANNER_TIME_LIMIT_SECONDS
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(
            planner.solve,
            instance,
            time_limit=limit,
            workers=settings.PLANNER_WORKERS,
            weights=settings.PLANNER_WEIGHTS,
        )
        while True:
            try:
                return future.result(timeout=1)
            except FutureTimeout:
                used = (time.monotonic() - started) / limit
                ScheduleProposal.objects.filter(pk=proposal.pk).update(
                    progress=min(95, 10 + int(85 * used))
                )


def _tell_when_slow(proposal: ScheduleProposal) -> None:
    waited = (proposal.finished_at - proposal.created_at).total_seconds()
    if waited >= settings.REPORT_NOTIFY_AFTER_SECONDS:
        notifications.notify(
            kinds.PROPOSAL_READY,
            recipients=[proposal.requested_by],
            target=proposal,
            url=proposal_url(proposal),
            about=str(proposal.plan),
        )


def proposal_url(proposal: ScheduleProposal) -> str:
    return reverse("scheduling:proposal", args=[proposal.plan_id, proposal.pk])


def _items(built: Built, result: planner.Result) -> list[dict]:
    items = []
    used_teachers = defaultdict(list)  # teacher -> (start, end) of proposed blocks
    for p in result.placements:
        if p.teacher:
            used_teachers[p.teacher].append((p.option.start, p.option.end))
    away = _proposed_away(built, result)
    on_joint = defaultdict(list)  # a new block shared by several activities -> placements
    for p in result.placements:
        if p.joint:
            on_joint[p.joint].append(p)
    for index, p in enumerate(result.placements):
        window = built.windows[p.activity]
        block = built.blocks.get(p.option.block) if p.option.block else None
        shared_with = [
            built.windows[q.activity].activity.title
            for q in on_joint.get(p.joint, ())
            if q.activity != p.activity
        ]
        reasons = _why_here(built, result, p, used_teachers, away)
        if shared_with:
            reasons.insert(
                0,
                _("Shares one new block with %(activities)s, so no second block is opened.")
                % {"activities": ", ".join(shared_with)},
            )
        items.append(
            {
                "key": f"{index + 1}",
                "activity": p.activity,
                "activity_title": window.activity.title,
                "course": window.activity.amu_course_id,
                "course_label": f"{window.activity.amu_course.number} "
                f"{window.activity.amu_course.title}",
                "week": list(p.option.week),
                "start": p.option.start.isoformat(),
                "end": p.option.end.isoformat(),
                "block": p.option.block,
                "block_reference": block.reference if block else "",
                "teacher": p.teacher,
                "teacher_name": built.teachers.get(p.teacher, ""),
                "employees": list(p.employees),
                "names": [built.names.get(e, "") for e in p.employees],
                "joint": p.joint,
                "shared_with": shared_with,
                "filled": block.participant_count + len(p.employees)
                if block
                else sum(len(q.employees) for q in on_joint.get(p.joint, [p])),
                "capacity": block.capacity if block else built.instance.capacity,
                "reasons": reasons,
                "accepted": False,
            }
        )
    return items


def _proposed_away(built, result) -> dict:
    """(group, week) -> members away in the week, existing places and proposed ones."""
    group_of = {e: g for g in built.instance.groups for e in g.members}
    weeks = defaultdict(set)
    for p in result.placements:
        for employee in p.employees:
            if employee in group_of:
                for week in p.option.weeks:
                    weeks[group_of[employee].id, week].add(employee)
    return {
        key: len(people)
        + next(g for g in built.instance.groups if g.id == key[0]).away.get(key[1], 0)
        for key, people in weeks.items()
    }


def _why_here(built, result, placement, used_teachers, away) -> list[str]:
    """In words: the weeks before this one that were ruled out, and why."""
    window = built.windows[placement.activity]
    reasons = []
    if placement.option.block:
        block = built.blocks[placement.option.block]
        reasons.append(
            _("Joins block %(reference)s, which has room: no new block is needed.")
            % {"reference": block.reference}
        )
    earlier = [w for w in window.weeks if w < placement.option.week]
    if not earlier:
        reasons.append(_("The first week the activity's period allows."))
    activity = next(a for a in built.instance.activities if a.id == placement.activity)
    for week in earlier[:_WEEKS_EXPLAINED]:
        why = window.ruled_out.get(week) or _dynamic(
            built, activity, week, placement, used_teachers, away
        )
        reasons.append(
            _("Week %(week)s: %(why)s") % {"week": week_label(week), "why": "; ".join(why)}
        )
    if len(earlier) > _WEEKS_EXPLAINED:
        more = len(earlier) - _WEEKS_EXPLAINED
        reasons.append(
            ngettext("…and %(n)s earlier week.", "…and %(n)s earlier weeks.", more) % {"n": more}
        )
    return reasons


def _dynamic(built, activity, week, placement, used_teachers, away) -> list[str]:
    """Why a week that broke no rule on its own was not chosen."""
    options = [o for o in activity.options if o.week == week]
    why = []
    new = next((o for o in options if o.block is None), None)
    if new and all(
        any(new.overlaps(s, e) for s, e in used_teachers.get(t, ())) for t in new.teachers
    ):
        why.append(_("its qualified teachers teach other proposed blocks that week"))
    for group in built.instance.groups:
        if (
            group.members & set(placement.employees)
            and away.get((group.id, week), 0) >= group.limit
        ):
            why.append(
                _("%(group)s already has %(n)s of %(limit)s allowed away")
                % {"group": group.name, "n": away[group.id, week], "limit": group.limit}
            )
    busy = [
        e
        for e in placement.employees
        if all(planner.is_busy(built.instance, e, o) for o in options)
    ]
    if busy:
        why.append(
            ngettext(
                "%(n)s of the participants is on another block",
                "%(n)s of the participants are on other blocks",
                len(busy),
            )
            % {"n": len(busy)}
        )
    return why or [
        _("possible, but this week gives fewer new blocks, fuller classes or fewer away at once")
    ]


def _unscheduled(built: Built, result: planner.Result) -> list[dict]:
    rows = []
    if result.status == "infeasible":
        rows.append(
            {
                "activity": None,
                "title": _("The weeks you pinned"),
                "people": 0,
                "reasons": [
                    _(
                        "The pinned weeks cannot all be kept together with the rules (a teacher, "
                        "a person or a group's limit would be double-booked). Discard a pin and "
                        "ask again."
                    )
                ],
            }
        )
    for window in built.windows.values():
        if window.problem and window.people:
            rows.append(_row(window, len(window.people), [window.problem]))
    for activity_id, left in result.unplaced.items():
        window = built.windows[activity_id]
        rows.append(_row(window, len(left), _why_not(built, result, window, left)))
    return rows


def _row(window, people, reasons) -> dict:
    return {
        "activity": window.activity.pk,
        "title": window.activity.title,
        "people": people,
        "reasons": reasons,
    }


def _teachers_taken(result: planner.Result, activity: planner.Activity) -> int:
    """Weeks in which each of the activity's new-block teachers teaches another block of
    the proposal."""
    teaching = defaultdict(list)
    for p in result.placements:
        if p.teacher and p.activity != activity.id:
            teaching[p.teacher].append(p.option)
    return sum(
        1
        for o in activity.options
        if o.block is None
        and o.teachers
        and all(
            any(o.overlaps(t.start, t.end) for t in teaching[teacher]) for teacher in o.teachers
        )
    )


def _why_not(built, result, window, left) -> list[str]:
    activity = next(a for a in built.instance.activities if a.id == window.activity.pk)
    possible = sorted({o.week for o in activity.options})
    reasons = [
        _("%(free)s of the %(total)s weeks in the period are possible.")
        % {"free": len(possible), "total": len(window.weeks)}
    ]
    counted = defaultdict(int)
    for why in window.ruled_out.values():
        for reason in why:
            counted[reason] += 1
    reasons += [
        ngettext("%(reason)s (%(n)s week)", "%(reason)s (%(n)s weeks)", n) % {"reason": r, "n": n}
        for r, n in sorted(counted.items(), key=lambda kv: -kv[1])[:4]
    ]
    for group in built.instance.groups:
        members = [e for e in activity.employees if e in group.members]
        if not members or not set(left) & group.members:
            continue
        needed = math.ceil(len(members) / group.limit)
        reasons.append(
            _(
                "%(group)s: %(needed)s weeks needed (%(people)s people, at most %(limit)s away "
                "a week), %(free)s weeks possible in the period."
            )
            % {
                "group": group.name,
                "needed": needed,
                "people": len(members),
                "limit": group.limit,
                "free": len(possible),
            }
        )
    taught = _teachers_taken(result, activity)
    if taught:
        reasons.append(
            ngettext(
                "In %(n)s possible week the qualified teachers teach other proposed blocks.",
                "In %(n)s possible weeks the qualified teachers teach other proposed blocks.",
                taught,
            )
            % {"n": taught}
        )
    busy = [e for e in left if all(planner.is_busy(built.instance, e, o) for o in activity.options)]
    if busy and activity.options:
        reasons.append(
            ngettext(
                "%(n)s person is on other blocks in every possible week.",
                "%(n)s people are on other blocks in every possible week.",
                len(busy),
            )
            % {"n": len(busy)}
        )
    return reasons


def proposals_sweep(*, now=None) -> int:
    """Send again the proposals whose worker died or whose message was lost; one that
    has used its attempts is marked failed, with the reason, so it shows."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.PLANNER_TIME_LIMIT_SECONDS + 120)
    running = ScheduleProposal.objects.filter(status=Status.RUNNING, started_at__lt=stale)
    running.filter(attempts__gte=settings.REPORT_MAX_ATTEMPTS).update(
        status=Status.FAILED,
        error=_("The planner stopped without an answer several times."),
        finished_at=now,
    )
    revived = list(running.values_list("pk", flat=True))
    running.update(status=Status.QUEUED, progress=0)
    lost = ScheduleProposal.objects.filter(
        status=Status.QUEUED,
        created_at__lt=now - dt.timedelta(minutes=settings.REPORT_STUCK_AFTER_MINUTES),
    ).exclude(pk__in=revived)
    count = 0
    for proposal in [*ScheduleProposal.objects.filter(pk__in=revived), *lost]:
        count += proposal_dispatch(proposal=proposal)
    return count


# ---------------------------------------------------------------------------------------
# The coordinator's answer.


class ProposalOutOfDate(ValidationError):
    """The week plan changed since the proposal was worked out; nothing was written."""


@transaction.atomic
def proposal_accept(*, proposal: ScheduleProposal, keys, by: User) -> list[CourseBlock]:
    """Write the chosen proposed blocks and their places, all or none, through the
    services of manual planning (same checks, same audit, same notifications)."""
    proposal = ScheduleProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Status.DONE:
        raise ValidationError(_("Only a finished proposal can be accepted."))
    chosen = [item for item in proposal.open_items if item["key"] in set(keys)]
    if not chosen:
        raise ValidationError(_("Choose at least one proposed block."))
    activities = {a.pk: a for a in proposal.plan.activities.select_related("plan", "amu_course")}
    blocks = []
    for item in chosen:
        activity = activities.get(item["activity"])
        if activity is None:
            raise ProposalOutOfDate(_("An activity of the proposal was removed from the plan."))
        try:
            block = _write(proposal, item, activity, by)
        except ValidationError as error:
            raise ProposalOutOfDate(
                _("%(block)s cannot be written any more: %(why)s Ask for a new proposal.")
                % {
                    "block": f"{item['course_label']}, {week_label(item['week'])}",
                    "why": " ".join(error.messages),
                }
            ) from error
        item["accepted"], item["written_block"] = True, block.pk
        blocks.append(block)
    proposal.save(update_fields=["items", "updated_at"])
    return blocks


def _write(proposal, item, activity, by) -> CourseBlock:
    employees = list(Employee.objects.filter(pk__in=item["employees"], active=True))
    if len(employees) != len(item["employees"]):
        raise ValidationError(_("Someone on it has left the company."))
    written = next(
        (
            other["written_block"]
            for other in proposal.items
            if item.get("joint") and other.get("joint") == item["joint"] and other.get("accepted")
        ),
        None,
    )
    if item["block"] or written:
        # An existing block, or the new one this block shares with another activity of
        # the plan, written when that activity's part was accepted.
        block = CourseBlock.objects.filter(
            pk=item["block"] or written, school=proposal.school
        ).first()
        if block is None:
            raise ValidationError(_("The block to join is gone."))
    else:
        teacher = User.objects.filter(pk=item["teacher"], is_active=True).first()
        if teacher is None:
            raise ValidationError(_("The teacher is no longer active."))
        block = course_block_create(
            by=by,
            teachers=[teacher],
            activity=activity,
            school=proposal.school,
            course=activity.amu_course,
            iso_year=item["week"][0],
            iso_week=item["week"][1],
            start_date=dt.date.fromisoformat(item["start"]),
            end_date=dt.date.fromisoformat(item["end"]),
            capacity=proposal.capacity,
            min_participants=proposal.min_participants,
        )
    enrollments_add(block=block, employees=employees, activity=activity, by=by)
    return block


def proposal_discard(*, proposal: ScheduleProposal) -> None:
    if proposal.status in (Status.QUEUED, Status.RUNNING):
        raise ValidationError(_("The planner is still working on it."))
    proposal.status = Status.DISCARDED
    proposal.save(update_fields=["status", "updated_at"])


def proposal_pin(
    *, proposal: ScheduleProposal, key: str, week, by: User, today: dt.date | None = None
) -> ScheduleProposal:
    """Ask again with one proposed block pinned to another week (and the earlier pins
    kept); the blocks already accepted are on the week plan and stay."""
    item = next((i for i in proposal.open_items if i["key"] == key), None)
    if item is None:
        raise ValidationError(_("That proposed block is not open any more."))
    today = today or timezone.localdate()
    built = build(
        plan=proposal.plan,
        school=proposal.school,
        today=today,
        capacity=proposal.capacity,
        minimum=proposal.min_participants,
    )
    window = built.windows.get(item["activity"])
    if window is None or tuple(week) not in window.weeks:
        raise ValidationError(
            _("Week %(week)s lies outside the activity's period.") % {"week": week_label(week)}
        )
    if tuple(week) in window.ruled_out:
        raise ValidationError(
            _("Week %(week)s is not possible: %(why)s")
            % {"week": week_label(week), "why": "; ".join(window.ruled_out[tuple(week)])}
        )
    fixes = [
        f
        for f in proposal.fixed
        if f["activity"] != item["activity"] or set(f["employees"]) != set(item["employees"])
    ]
    fixes.append({"activity": item["activity"], "employees": item["employees"], "week": list(week)})
    accepted = {
        (e, i["activity"]) for i in proposal.items if i.get("accepted") for e in i["employees"]
    }
    fixes = [f for f in fixes if not any((e, f["activity"]) in accepted for e in f["employees"])]
    with transaction.atomic():
        if proposal.status == Status.DONE:
            proposal.status = Status.DISCARDED
            proposal.save(update_fields=["status", "updated_at"])
        return proposal_request(
            plan=proposal.plan,
            school=proposal.school,
            by=by,
            capacity=proposal.capacity,
            minimum=proposal.min_participants,
            fixed=fixes,
            today=today,
        )
