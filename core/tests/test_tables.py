"""Spreadsheets in and out: bounded reading, Danish-Excel CSV without formula cells."""

import csv
import io
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from core.tables import ImportFileError, Limits, csv_cell, csv_response, read_table

LIMITS = Limits(
    max_bytes=2 * 1024 * 1024,
    max_uncompressed_bytes=20 * 1024 * 1024,
    max_rows=5000,
    max_columns=50,
    max_cell_chars=1000,
)


def _read(name: str, content: bytes, **limits) -> list[list[str]]:
    chosen = Limits(**{**LIMITS.__dict__, **limits})
    return read_table(SimpleUploadedFile(name, content), max_rows=chosen.max_rows, limits=chosen)


def _xlsx_with_sheet(sheet_data: str) -> bytes:
    """A real workbook whose first sheet's rows are replaced by `sheet_data` (fast to make,
    however many rows)."""
    book = Workbook()
    book.active["A1"] = "navn"
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start, end = text.index("<sheetData>"), text.index("</sheetData>")
                data = text[:start] + f"<sheetData>{sheet_data}</sheetData>" + text[end + 12 :]
                data = data.encode()
            target.writestr(info.filename, data)
    return out.getvalue()


def _rows_xml(n: int) -> str:
    return "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>P{i}</t></is></c></row>'
        for i in range(1, n + 1)
    )


# --- reading --------------------------------------------------------------------------


def test_rows_up_to_the_limit_are_read_and_one_more_is_refused():
    text = "navn\n" + "".join(f"P{i}\n" for i in range(10))
    assert len(_read("a.csv", text.encode(), max_rows=10)) == 11
    text += "P10\n"
    with pytest.raises(ImportFileError, match="more than 10 rows|mere end 10 rækker"):
        _read("a.csv", text.encode(), max_rows=10)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    content = b"navn\n" + b"x\n" * 600
    assert _read("a.csv", content, max_bytes=len(content))
    with pytest.raises(ImportFileError, match="MB"):
        _read("a.csv", content, max_bytes=len(content) - 1)


def test_a_zip_bomb_is_refused_by_its_unpacked_size_in_milliseconds():
    bomb = _xlsx_with_sheet(_rows_xml(1) + "<!--" + "x" * (25 * 1024 * 1024) + "-->")
    assert len(bomb) < 200_000
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="20 MB"):
        _read("bomb.xlsx", bomb)
    assert time.monotonic() - started < 2


def test_a_sheet_of_many_rows_stops_at_the_row_limit_without_reading_them_all():
    sheet = _xlsx_with_sheet(_rows_xml(150_000))
    assert len(sheet) < 2 * 1024 * 1024
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="5000"):
        _read("many.xlsx", sheet)
    assert time.monotonic() - started < 3


def test_a_cell_longer_than_csvs_own_limit_gets_a_clear_message():
    giant = "navn\n" + "x" * 140_000 + "\n"
    with pytest.raises(ImportFileError, match="1000"):
        _read("a.csv", giant.encode(), max_bytes=1_000_000)


def test_cells_up_to_the_length_limit_are_read_and_one_character_more_is_refused():
    assert _read("a.csv", ("navn\n" + "x" * 1000).encode())[1] == ["x" * 1000]
    with pytest.raises(ImportFileError, match="1000"):
        _read("a.csv", ("navn\n" + "x" * 1001).encode())


def test_a_nul_byte_in_a_cell_is_refused():
    with pytest.raises(ImportFileError, match="NUL"):
        _read("a.csv", b"navn\nAn\x00na\n")


def test_more_columns_than_the_limit_are_refused():
    assert _read("a.csv", (";".join(["x"] * 50) + "\n").encode())
    with pytest.raises(ImportFileError, match="50"):
        _read("a.csv", (";".join(["x"] * 51) + "\n").encode())


@pytest.mark.parametrize("name", ["list.xls", "list.exe", "list", "list.csv.html"])
def test_only_csv_and_xlsx_files_are_read(name):
    with pytest.raises(ImportFileError, match="csv"):
        _read(name, b"navn\nA\n")


@pytest.mark.parametrize("content", [b"PK\x03\x04broken", b"not a zip", b""])
def test_a_damaged_xlsx_is_refused_with_a_message(content):
    with pytest.raises(ImportFileError, match="damaged|beskadiget"):
        _read("a.xlsx", content)


# --- writing --------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_excel_would_run_gets_an_apostrophe(start):
    assert csv_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("Anne = Bo", "Anne = Bo"),
        (-3, "-3"),
        (Decimal("0.550"), "0,550"),
        (Decimal("67869.50"), "67869,50"),
        (0.25, "0,25"),
        (12, "12"),
        (None, ""),
    ],
)
def test_numbers_keep_their_sign_and_decimals_get_a_comma(value, cell):
    assert csv_cell(value) == cell


@override_settings(LANGUAGE_CODE="da")
def test_csv_response_is_semicolons_with_a_bom_and_not_cached():
    response = csv_response("Mit udtræk 2026", ["navn", "ÅE"], [["=1+1", Decimal("1.5")]])
    assert response.content.startswith("\ufeff".encode())
    assert response["Cache-Control"] == "no-store"
    assert 'filename="mit-udtrk-2026.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["navn", "ÅE"], ["'=1+1", "1,5"]]


def test_an_escaped_cell_reads_back_as_it_was_written():
    response = csv_response("x", ["navn"], [["=HYPERLINK(1)"], ["'tekst"], ["-"]])
    rows = _read("x.csv", response.content)
    assert rows == [["navn"], ["=HYPERLINK(1)"], ["'tekst"], ["-"]]
