"""`__in` on integer columns: long lists go as one parameter, and answer as short ones."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.lookups import LONG_LIST
from schools.models import Fkb
from tests.factories import FkbFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fkbs():
    return [FkbFactory() for _ in range(3)]


def _sql_of(queryset) -> tuple[list, str]:
    with CaptureQueriesContext(connection) as queries:
        rows = sorted(queryset.values_list("pk", flat=True))
    return rows, queries.captured_queries[-1]["sql"]


def _one_parameter(sql: str) -> bool:
    return "ANY(" in sql or "json_each(" in sql


@pytest.mark.parametrize("length", [LONG_LIST, LONG_LIST + 1])
def test_a_list_of_ids_finds_the_same_rows_however_long(fkbs, length):
    wanted = [fkbs[0].pk, fkbs[2].pk]
    # Ids of no row fill the list up to the length.
    padding = [max(f.pk for f in fkbs) + n for n in range(1, length - 1)]
    ids = [*wanted, *padding]
    assert len(ids) == length
    rows, sql = _sql_of(Fkb.objects.filter(pk__in=ids))
    assert rows == sorted(wanted)
    # One placeholder per id up to LONG_LIST, one parameter beyond.
    assert _one_parameter(sql) is (length > LONG_LIST)
    excluded, _sql = _sql_of(Fkb.objects.exclude(pk__in=ids))
    assert excluded == [fkbs[1].pk]


def test_a_long_list_leaves_out_numbers_the_column_cannot_hold(fkbs):
    ids = [fkbs[1].pk, 99999999999999999999, -99999999999999999999]
    ids += [10_000_000 + n for n in range(LONG_LIST)]
    rows, sql = _sql_of(Fkb.objects.filter(pk__in=ids))
    assert rows == [fkbs[1].pk]
    assert _one_parameter(sql)


def test_a_long_list_of_text_is_read_as_numbers(fkbs):
    """Values typed into a form arrive as text; Django makes them numbers first."""
    ids = [str(fkbs[0].pk), *[str(10_000_000 + n) for n in range(LONG_LIST)]]
    rows, sql = _sql_of(Fkb.objects.filter(pk__in=ids))
    assert rows == [fkbs[0].pk]
    assert _one_parameter(sql)


def test_duplicates_and_none_in_a_long_list_change_nothing(fkbs):
    ids = [fkbs[2].pk] * (LONG_LIST + 1) + [None, *[10_000_000 + n for n in range(LONG_LIST)]]
    rows, sql = _sql_of(Fkb.objects.filter(pk__in=ids))
    assert rows == [fkbs[2].pk]
    assert _one_parameter(sql)
