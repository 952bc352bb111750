"""Spreadsheets in and out: every import reads its file here, every CSV export writes here.

Reading is bounded *while* it reads (file size, uncompressed size of an XLSX, rows, columns,
characters in a cell), so a small zip bomb or a million-row sheet is refused in
milliseconds instead of being parsed first. Writing speaks Danish Excel: semicolons, a
byte-order mark, decimal commas, and no cell that Excel would run as a formula (OWASP CSV
injection: a leading =, +, -, @, tab or carriage return gets a leading apostrophe, which
the importers take off again, so an export still imports).
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int

    @classmethod
    def from_settings(cls, max_rows: int) -> "Limits":
        spec = settings.IMPORT_LIMITS
        return cls(
            max_bytes=spec["max_bytes"],
            max_uncompressed_bytes=spec["max_uncompressed_bytes"],
            max_rows=max_rows,
            max_columns=spec["max_columns"],
            max_cell_chars=spec["max_cell_chars"],
        )


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}"


def read_table(upload, *, max_rows: int, limits: Limits | None = None) -> list[list[str]]:
    """The non-empty rows (heading included) of the first sheet of an XLSX, or of a CSV,
    as stripped strings; ImportFileError with a translated message for anything it refuses."""
    limits = limits or Limits.from_settings(max_rows)
    name = (upload.name or "").lower()
    if not name.endswith((".csv", ".txt", ".xlsx")):
        raise ImportFileError(_("Upload a .csv or .xlsx file."))
    if upload.size is not None and upload.size > limits.max_bytes:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB.") % {"mb": _megabytes(limits.max_bytes)}
        )
    raw = upload.read(limits.max_bytes + 1)
    if len(raw) > limits.max_bytes:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB.") % {"mb": _megabytes(limits.max_bytes)}
        )
    rows = _xlsx_rows(raw, limits) if name.endswith(".xlsx") else _csv_rows(raw, limits)
    return _bounded(rows, limits)


def _bounded(rows, limits: Limits) -> list[list[str]]:
    table = []
    for cells in rows:
        if any(cells[limits.max_columns :]):
            raise ImportFileError(
                _("A row has more than %(n)s columns.") % {"n": limits.max_columns}
            )
        cells = cells[: limits.max_columns]
        cells = [_unescape(cell.strip()) for cell in cells]
        if not any(cells):
            continue
        line = len(table) + 1
        for cell in cells:
            if len(cell) > limits.max_cell_chars:
                raise ImportFileError(
                    _("Row %(line)s has a cell of more than %(n)s characters.")
                    % {"line": line, "n": limits.max_cell_chars}
                )
            if "\x00" in cell:
                raise ImportFileError(
                    _("Row %(line)s holds a NUL character, which is not text.") % {"line": line}
                )
        table.append(cells)
        if len(table) > limits.max_rows + 1:  # the heading row is not counted
            raise ImportFileError(
                _("The file has more than %(n)s rows; split it into smaller files.")
                % {"n": limits.max_rows}
            )
    return table


def _unescape(cell: str) -> str:
    """Take off the apostrophe that `csv_response` puts before a formula-like cell."""
    if cell.startswith(ESCAPE) and cell[1:2] and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def _csv_rows(raw: bytes, limits: Limits):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The file's characters could not be read. Save it as UTF-8."))
    # The heading row decides the delimiter (Danish Excel writes semicolons, others commas
    # or tabs); guessing from data rows is fooled by apostrophes and quotes in names.
    heading = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=heading.count)
    # csv's own field limit (131,072 characters) stops a giant cell before it is built.
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        if "field limit" in str(error):
            raise ImportFileError(
                _("Row %(line)s has a cell of more than %(n)s characters.")
                % {"line": reader.line_num, "n": limits.max_cell_chars}
            ) from error
        raise ImportFileError(
            _("Row %(line)s of the file could not be read as CSV.") % {"line": reader.line_num}
        ) from error


def _xlsx_rows(raw: bytes, limits: Limits):
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportFileError(_("The Excel file could not be opened. Is it damaged?")) from error
    if unpacked > limits.max_uncompressed_bytes:
        raise ImportFileError(
            _("The Excel file unpacks to more than %(mb)s MB; save a smaller sheet.")
            % {"mb": _megabytes(limits.max_uncompressed_bytes)}
        )
    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Read every row there is, not the size the file claims for itself.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1):
            yield ["" if cell is None else _xlsx_text(cell) for cell in row]
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(_("The Excel file could not be opened. Is it damaged?")) from error
    finally:
        if workbook is not None:
            workbook.close()


def _xlsx_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and not (value.hour or value.minute or value.second):
        return value.date().isoformat()
    return str(value)


# --- writing -----------------------------------------------------------------------------


def csv_cell(value) -> str:
    """One cell as Danish Excel reads it safely."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (int,)):
        return str(value)
    if isinstance(value, (Decimal, float)):
        return f"{value}".replace(".", ",")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return ESCAPE + text
    return text


def xlsx_response(filename: str, header: list, rows) -> HttpResponse:
    """The same table as an Excel workbook: dates as dates, numbers as numbers, and text
    always text (a cell starting with "=" is stored as a string, never as a formula)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet()

    def cell(value):
        if isinstance(value, bool):
            value = str(_("yes") if value else _("no"))
        elif value is not None and not isinstance(value, (int, float, Decimal, dt.date)):
            value = str(value)
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            written.data_type = "s"
        elif isinstance(value, dt.date):
            written.number_format = "DD-MM-YYYY"
        return written

    sheet.append([cell(str(title)) for title in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return _download(
        HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        filename,
        "xlsx",
    )


def _download(response: HttpResponse, filename: str, suffix: str) -> HttpResponse:
    """An attachment named after `filename` (slugified), never cached."""
    stem = slugify(filename.removesuffix(f".{suffix}")) or "export"
    response["Content-Disposition"] = f'attachment; filename="{stem}.{suffix}"'
    response["Cache-Control"] = "no-store"
    return response


def csv_response(filename: str, header: list, rows) -> HttpResponse:
    """A CSV download (semicolons, UTF-8 with a byte-order mark, decimal commas, formula
    cells neutralised), never cached."""
    response = _download(HttpResponse(content_type="text/csv; charset=utf-8"), filename, "csv")
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return response
