"""The teaching calendar at its edges: the start day chosen, a week with no open day
left (and the words that say why), the search limit to the day, the days skipped, and
which weekdays count. Written after `make mutation` showed these could change unnoticed.

Week 10 of 2026 (2–8 March) has no public holiday."""

import datetime as dt
from decimal import Decimal

import pytest

from scheduling.calendar import (
    _SEARCH_DAYS,
    NoTeachingDays,
    block_dates,
    count_open_days,
    dates_in_week,
)

# The words are asserted in Danish (`danish` in conftest.py).
pytestmark = pytest.mark.usefixtures("danish")

MONDAY = dt.date(2026, 3, 2)


def _dates(weekday=0, days="2", closed=None):
    return dates_in_week(
        iso_year=2026,
        iso_week=10,
        weekday=weekday,
        duration_days=Decimal(days),
        closed=closed or {},
    )


@pytest.mark.django_db
def test_a_block_starts_on_the_weekday_chosen(world):
    dates = block_dates(
        school_id=world["school_a"].pk,
        iso_year=2026,
        iso_week=10,
        weekday=2,
        duration_days=Decimal("2"),
    )
    assert (dates.start, dates.end) == (dt.date(2026, 3, 4), dt.date(2026, 3, 5))


def test_no_open_day_left_in_the_week_names_every_closed_day_from_the_start():
    thursday, friday = MONDAY + dt.timedelta(days=3), MONDAY + dt.timedelta(days=4)
    next_monday = MONDAY + dt.timedelta(days=7)
    closed = {
        MONDAY + dt.timedelta(days=2): "Onsdagslukket",  # before the start: not named
        thursday: "Anden lukning",
        friday: "Brofridag",
        next_monday: "Mandag efter",  # after the week: not named
    }
    with pytest.raises(NoTeachingDays) as refused:
        _dates(weekday=3, closed=closed)
    assert str(refused.value) == (
        "Uge 10 har ingen åben dag fra den valgte start (Anden lukning, Brofridag)."
    )


def test_a_start_on_a_weekend_says_so():
    with pytest.raises(NoTeachingDays) as refused:
        _dates(weekday=5)
    assert str(refused.value) == "Uge 10 har ingen åben dag fra den valgte start (weekend)."


def _closed_weekdays(first_offset: int, last_offset: int) -> dict:
    return {
        MONDAY + dt.timedelta(days=n): "Lukket"
        for n in range(first_offset, last_offset + 1)
        if (MONDAY + dt.timedelta(days=n)).weekday() < 5
    }


def test_the_search_reaches_exactly_its_limit_and_not_a_day_further():
    # Monday taught, then closed until the limit: the day at the limit (a Tuesday) is
    # the second day.
    at_limit = MONDAY + dt.timedelta(days=_SEARCH_DAYS)
    assert at_limit.weekday() < 5
    dates = _dates(closed=_closed_weekdays(1, _SEARCH_DAYS - 1))
    assert (dates.start, dates.end) == (MONDAY, at_limit)
    with pytest.raises(NoTeachingDays) as refused:
        _dates(closed=_closed_weekdays(1, _SEARCH_DAYS))
    assert str(refused.value) == "Skolen er lukket for længe til at kurset kan placeres."


def test_the_closed_days_inside_a_block_are_given_with_their_names():
    wednesday = MONDAY + dt.timedelta(days=2)
    dates = _dates(days="3", closed={wednesday: "Skolens dag"})
    assert (dates.start, dates.end) == (MONDAY, MONDAY + dt.timedelta(days=3))
    assert dates.skipped == {wednesday: "Skolens dag"}


def test_only_monday_to_friday_are_open_days():
    sunday = MONDAY + dt.timedelta(days=6)
    assert count_open_days(MONDAY, sunday, {}) == 5
    assert count_open_days(MONDAY, sunday, {MONDAY: "Lukket"}) == 4


@pytest.mark.django_db
def test_a_block_late_in_the_week_sees_a_long_closure_to_its_end(world):
    """Friday start, a two-day course, the school closed from the Monday after until
    30 June: the second day is 1 July, within the search limit from the Friday."""
    from scheduling.models import SchoolClosure

    SchoolClosure.objects.create(
        school=world["school_a"],
        name="Ombygning",
        first_day=dt.date(2026, 3, 9),
        last_day=dt.date(2026, 6, 30),
    )
    dates = block_dates(
        school_id=world["school_a"].pk,
        iso_year=2026,
        iso_week=10,
        weekday=4,
        duration_days=Decimal("2"),
    )
    assert (dates.start, dates.end) == (dt.date(2026, 3, 6), dt.date(2026, 7, 1))


def test_holidays_are_named_in_the_language_in_use_and_in_danish_when_none_is():
    from django.utils import translation

    from scheduling.calendar import public_holidays

    ascension = dt.date(2027, 5, 6)
    with translation.override("en"):
        assert public_holidays(ascension, ascension) == {ascension: "Ascension Day"}
    with translation.override("da"):
        danish = public_holidays(ascension, ascension)
    assert danish == {ascension: "Kristi himmelfartsdag"}
    with translation.override(None):
        assert public_holidays(ascension, ascension) == danish
