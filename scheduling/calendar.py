"""The teaching calendar: which days a school teaches, and the dates a block of a course
takes when it starts in a given ISO week.

Public holidays come from the `holidays` package (maintained, with the moving feasts and
the abolition of Store Bededag from 2024), not from dates written here. Grundlovsdag,
Christmas Eve and New Year's Eve are not public holidays by law but days off under the
collective agreements schools follow, so they close too; 1 May does not (it depends on
the trade)."""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import holidays
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.isoweek import week_monday

# Days off by agreement although not public holidays; 1 May (also "optional") is not.
_AGREED_DAYS_OFF = {(6, 5), (12, 24), (12, 31)}
# A block that cannot find its teaching days within this many calendar days is
# refused rather than searched for forever (a closure typed as ten years).
_SEARCH_DAYS = 120


@lru_cache(maxsize=256)
def _holidays_of(year: int, language: str) -> dict[dt.date, str]:
    days = dict(holidays.Denmark(years=year, language=language))
    optional = holidays.Denmark(years=year, categories=("optional",), language=language)
    days.update(
        (day, name) for day, name in optional.items() if (day.month, day.day) in _AGREED_DAYS_OFF
    )
    return days


def public_holidays(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Danish public holidays and agreed days off between two dates, named in the
    active language."""
    language = "da" if (get_language() or "da").startswith("da") else "en_US"
    days = {}
    for year in range(first.year, last.year + 1):
        days.update(_holidays_of(year, language))
    return {day: name for day, name in days.items() if first <= day <= last}


def closure_days(closures, first: dt.date, last: dt.date):
    """(school id, day, name) for each day of the closed periods between two dates."""
    for closure in closures:
        day = max(closure.first_day, first)
        while day <= min(closure.last_day, last):
            yield closure.school_id, day, closure.name
            day += dt.timedelta(days=1)


def closed_days(school_id: int, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Weekdays the school does not teach between two dates: holidays and its own
    closed periods (one query)."""
    from scheduling.models import SchoolClosure

    closed = public_holidays(first, last)
    closures = SchoolClosure.objects.filter(
        school_id=school_id, first_day__lte=last, last_day__gte=first
    )
    for _school, day, name in closure_days(closures, first, last):
        closed.setdefault(day, name)
    return {day: name for day, name in closed.items() if day.weekday() < 5}


def days_needed(duration_days: Decimal) -> int:
    """Calendar days of teaching for a course: 2.5 AMU days take three days, the last a
    half day."""
    return max(1, math.ceil(duration_days))


@dataclass(frozen=True)
class BlockDates:
    start: dt.date
    end: dt.date
    skipped: dict[dt.date, str]  # closed weekdays inside the block, with their reason


class NoTeachingDays(ValueError):
    """The chosen week has no open day to start on, or the course finds no room."""


def block_dates(
    *, school_id: int, iso_year: int, iso_week: int, weekday: int, duration_days: Decimal
) -> BlockDates:
    """The first and last day of a block starting on `weekday` (0 = Monday) of the ISO
    week, taking the course's days on open weekdays. A closed start day moves the start
    to the next open day of the same week."""
    first = week_monday(iso_year, iso_week) + dt.timedelta(days=weekday)
    closed = closed_days(
        school_id, first - dt.timedelta(days=weekday), first + dt.timedelta(days=_SEARCH_DAYS)
    )
    return dates_in_week(
        iso_year=iso_year,
        iso_week=iso_week,
        weekday=weekday,
        duration_days=duration_days,
        closed=closed,
    )


def dates_in_week(
    *, iso_year: int, iso_week: int, weekday: int, duration_days: Decimal, closed: dict
) -> BlockDates:
    """`block_dates` with the school's closed days given (for many weeks at once)."""
    first = week_monday(iso_year, iso_week) + dt.timedelta(days=weekday)
    day, skipped, taught = first, {}, []
    while len(taught) < days_needed(duration_days):
        if not taught and day.isocalendar()[:2] != (iso_year, iso_week):
            reasons = sorted({closed[d] for d in closed if first <= d < day})
            raise NoTeachingDays(
                _("Week %(week)s has no open day from the chosen start (%(reasons)s).")
                % {"week": iso_week, "reasons": ", ".join(reasons) or _("weekend")}
            )
        if (day - first).days > _SEARCH_DAYS:
            raise NoTeachingDays(_("The school is closed for too long to place the course."))
        if day.weekday() < 5:
            if day not in closed:
                taught.append(day)
            elif taught:
                skipped[day] = closed[day]
        day += dt.timedelta(days=1)
    return BlockDates(start=taught[0], end=taught[-1], skipped=skipped)


def count_open_days(start: dt.date, end: dt.date, closed) -> int:
    """Weekdays between two dates that are not in `closed`."""
    count, day = 0, start
    while day <= end:
        if day.weekday() < 5 and day not in closed:
            count += 1
        day += dt.timedelta(days=1)
    return count
