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
