"""Counting related rows per row of a query, without joining and grouping it."""

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet, by: str) -> Coalesce:
    """How many of `rows` (filtered on an OuterRef to the outer row, grouped by `by`,
    the field that points at it) there are, 0 for none. The database counts only for the
    rows the outer query returns, where a join grouped over the whole related table would
    count for every row of it before any LIMIT."""
    counted = rows.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
