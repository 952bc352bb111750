"""`__in` on integer columns: numbers the database cannot hold, and long lists.

Django answers `pk=99999999999999999999` with no rows (its integer lookups skip values
outside the column's range), but passes such a value in `pk__in=[…]` to the database, where
SQLite raises OverflowError and PostgreSQL "integer out of range": a 500 for a number typed
into a form (ModelMultipleChoiceField checks its choices with `__in`). This lookup leaves
those values out, as the exact lookup does; a list of nothing else matches nothing.

A long list of ids (the blocks a scan starts from: thousands for a consultant) is sent as
one parameter, an array on PostgreSQL (`= ANY(%s)`) and a JSON array on SQLite
(`json_each`), instead of one placeholder per id: Django and the driver then do not
quote every value on every query (a 3,000-id list cost 50 ms a query that way, the
database 6 ms), and the database plans one value, not thousands.
"""

import json

from django.db.models import IntegerField
from django.db.models.lookups import In

# Lists up to this long keep Django's own `IN (%s, …)`, and so their usual query plans.
LONG_LIST = 64


class IntegerFieldIn(In):
    lookup_name = "in"

    def _in_range(self, connection) -> None:
        low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
        self.rhs = [
            value
            for value in self.rhs
            if not isinstance(value, int)
            or ((low is None or value >= low) and (high is None or value <= high))
        ]

    def as_sql(self, compiler, connection):
        if self.rhs_is_direct_value():
            self._in_range(connection)
            values = {v for v in self.rhs if v is not None}
            if (
                len(values) > LONG_LIST
                and connection.vendor in ("postgresql", "sqlite")
                and all(isinstance(v, int) and not isinstance(v, bool) for v in values)
            ):
                values = sorted(values)
                lhs, lhs_params = self.process_lhs(compiler, connection)
                if connection.vendor == "postgresql":
                    return f"{lhs} = ANY(%s)", (*lhs_params, values)
                return (
                    f"{lhs} IN (SELECT value FROM json_each(%s))",
                    (*lhs_params, json.dumps(values)),
                )
        return super().as_sql(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
