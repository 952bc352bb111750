"""ISO week arithmetic: schools plan teaching in ISO week blocks."""

import datetime as dt


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
