"""ISO week arithmetic: schools plan teaching in ISO week blocks."""

import datetime as dt
import re

# The years a week plan can be about: anything outside is a typing error, and dates past
# 9999 cannot even be counted forward to.
PLANNING_YEARS = range(2000, 2101)
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{1,2})")


def weeks_in_year(year: int) -> int:
    """52 or 53: 28 December always lies in the last ISO week of its year."""
    return dt.date(year, 12, 28).isocalendar().week


def week_monday(year: int, week: int) -> dt.date:
    return dt.date.fromisocalendar(year, week, 1)


def iso_week_of(day: dt.date) -> tuple[int, int]:
    calendar = day.isocalendar()
    return calendar.year, calendar.week


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date of the last of `days` working days (Monday–Friday) beginning on `start`."""
    current, remaining = start, days - 1
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def parse_iso_week(text: str) -> tuple[int, int]:
    """ "2026-W48" (any case, ASCII digits) as (2026, 48); ValueError for anything else,
    including weeks that year does not have and years outside the planning horizon."""
    match = _WEEK.fullmatch(text.strip().upper())
    if not match:
        raise ValueError(text)
    year, week = int(match[1]), int(match[2])
    if year not in PLANNING_YEARS or not 1 <= week <= weeks_in_year(year):
        raise ValueError(text)
    return year, week
