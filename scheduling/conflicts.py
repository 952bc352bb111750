"""Scheduling conflicts, found where they arise. Capacity is a hard limit (services
refuse it); everything here may be accepted with an explicit confirmation."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from companies.models import BlackoutWeek
from core.isoweek import iso_week_of
from scheduling.models import CourseBlock, Enrollment


@dataclass(frozen=True)
class Conflict:
    kind: str  # teacher | employee | plan_period | blackout
    message: str


def _overlapping(start: dt.date, end: dt.date, exclude_pk=None):
    blocks = CourseBlock.objects.filter(start_date__lte=end, end_date__gte=start).exclude(
        status=CourseBlock.Status.CANCELLED
    )
    return blocks.exclude(pk=exclude_pk) if exclude_pk else blocks


def teacher_conflicts(*, teachers, start, end, exclude_pk=None) -> list[Conflict]:
    clashes = (
        _overlapping(start, end, exclude_pk)
        .filter(teachers__in=teachers)
        .select_related("course")
        .prefetch_related("teachers")
        .distinct()
        .order_by("start_date")
    )
    ids = {t.pk for t in teachers}
    return [
        Conflict(
            "teacher",
            _("%(teacher)s already teaches %(course)s (%(reference)s) in this period.")
            % {"teacher": teacher, "course": block.course.title, "reference": block.reference},
        )
        for block in clashes
        for teacher in block.teachers.all()
        if teacher.pk in ids
    ]


def employee_conflicts(*, employees, start, end, exclude_pk=None) -> list[Conflict]:
    clashes = (
        Enrollment.objects.filter(
            employee__in=employees,
            course_block__in=_overlapping(start, end, exclude_pk),
        )
        .exclude(status=Enrollment.Status.CANCELLED)
        .select_related("employee", "course_block__course")
        .order_by("employee__name")
    )
    return [
        Conflict(
            "employee",
            _("%(employee)s is already on %(course)s (%(reference)s) in this period.")
            % {
                "employee": e.employee.name,
                "course": e.course_block.course.title,
                "reference": e.course_block.reference,
            },
        )
        for e in clashes
    ]


def plan_period_conflicts(*, activity, start, end) -> list[Conflict]:
    if activity is None:
        return []
    plan = activity.plan
    if start < plan.period_start or end > plan.period_end:
        return [
            Conflict(
                "plan_period",
                _("The block lies outside the plan's period (%(start)s – %(end)s).")
                % {"start": plan.period_start, "end": plan.period_end},
            )
        ]
    return []


def blackout_conflicts(*, company_ids, start, end) -> list[Conflict]:
    weeks = set()
    day = start
    while day <= end:
        weeks.add(iso_week_of(day))
        day += dt.timedelta(days=1)
    query = Q()
    for year, week in weeks:
        query |= Q(iso_year=year, iso_week=week)
    blackouts = BlackoutWeek.objects.filter(query, company__in=company_ids).select_related(
        "company"
    )
    return [
        Conflict(
            "blackout",
            _("%(company)s cannot send staff in week %(week)s%(note)s.")
            % {
                "company": b.company.name,
                "week": b.iso_week,
                "note": f" ({b.note})" if b.note else "",
            },
        )
        for b in blackouts
    ]


def block_conflicts(*, block: CourseBlock, teachers, activity=None) -> list[Conflict]:
    """Everything that clashes with this (possibly unsaved) block."""
    employees = (
        Enrollment.objects.filter(course_block=block.pk)
        .exclude(status=Enrollment.Status.CANCELLED)
        .values("employee")
        if block.pk
        else []
    )
    company_ids = {block.company_id} if block.company_id else set()
    if block.pk:
        company_ids |= set(block.enrollments.values_list("employee__company", flat=True).distinct())
    return [
        *teacher_conflicts(
            teachers=teachers, start=block.start_date, end=block.end_date, exclude_pk=block.pk
        ),
        *(
            employee_conflicts(
                employees=employees,
                start=block.start_date,
                end=block.end_date,
                exclude_pk=block.pk,
            )
            if block.pk
            else []
        ),
        *plan_period_conflicts(activity=activity, start=block.start_date, end=block.end_date),
        *blackout_conflicts(company_ids=company_ids, start=block.start_date, end=block.end_date),
    ]
