"""`__in` on integer columns with numbers the database cannot hold.

Django answers `pk=99999999999999999999` with no rows (its integer lookups skip values
outside the column's range), but passes such a value in `pk__in=[…]` to the database, where
SQLite raises OverflowError and PostgreSQL "integer out of range": a 500 for a number typed
into a form (ModelMultipleChoiceField checks its choices with `__in`). This lookup leaves
those values out, as the exact lookup does; a list of nothing else matches nothing.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    lookup_name = "in"

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
