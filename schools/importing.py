"""Checking an AMU catalogue file row by row before anything is written."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import tables
from core.tables import ImportFileError
from core.validators import is_ascii_digits
from schools.validators import validate_half_days

MAX_ROWS = 5000

HEADINGS = {
    "number": {"number", "nummer", "amu-nummer", "amu number", "amu_number", "nr"},
    "title": {"title", "titel", "kursustitel"},
    "days": {"days", "dage", "varighed", "duration"},
    "fkb_code": {"fkb code", "fkb", "fkb-nummer", "fkb_code", "fkb nummer"},
    "fkb_title": {"fkb title", "fkb-titel", "fkb_title", "fkb titel"},
}


def read_table(upload) -> list[list[str]]:
    """The catalogue file's rows, bounded by the import limits while it is read."""
    return tables.read_table(upload, max_rows=MAX_ROWS)


def check_catalogue(table: list[list[str]]) -> list[dict]:
    """Rows as dicts with an `errors` list each; raises ImportFileError for the file."""
    table = [row for row in table if any(row)]
    if len(table) < 2:
        raise ImportFileError(_("The file has no courses below the heading row."))
    heading = [cell.strip().lower() for cell in table[0]]
    columns = {}
    for column, names in HEADINGS.items():
        for index, title in enumerate(heading):
            if title in names:
                columns[column] = index
                break
    missing = [c for c in ("number", "title", "days", "fkb_code") if c not in columns]
    if missing:
        raise ImportFileError(
            _("The heading row must name the columns number, title, days and FKB code.")
        )
    rows, seen = [], {}
    for line, cells in enumerate(table[1:], start=2):

        def cell(name, cells=cells):
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        row = {
            "line": line,
            "number": cell("number"),
            "title": cell("title"),
            "days": cell("days").replace(",", "."),
            "fkb_code": cell("fkb_code"),
            "fkb_title": cell("fkb_title"),
            "errors": [],
        }
        if not is_ascii_digits(row["number"], 5):
            row["errors"].append(_("An AMU course number has exactly five digits, e.g. 22906."))
        elif row["number"] in seen:
            row["errors"].append(
                _("The same number is on line %(line)s.") % {"line": seen[row["number"]]}
            )
        else:
            seen[row["number"]] = line
        if not row["title"]:
            row["errors"].append(_("The title is missing."))
        elif len(row["title"]) > 250:
            row["errors"].append(_("The title is longer than 250 characters."))
        if len(row["fkb_title"]) > 250:
            row["errors"].append(_("The FKB title is longer than 250 characters."))
        try:
            days = Decimal(row["days"])
            if not days.is_finite():
                raise InvalidOperation
            validate_half_days(days)
            row["days"] = str(days)
        except InvalidOperation:
            row["errors"].append(_("Use whole or half days, e.g. 2 or 2.5."))
        except ValidationError as error:
            row["errors"].extend(error.messages)
        if not row["fkb_code"] or len(row["fkb_code"]) > 10:
            row["errors"].append(_("The FKB code is missing or too long."))
        rows.append(row)
    return rows
