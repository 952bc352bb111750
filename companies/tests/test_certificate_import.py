"""Certificates imported per employee: every row checked before anything is written,
employees found by e-mail or name within the company only, and a confirm step."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from companies.certificate_import import MAX_ROWS, check_rows, parse_date
from companies.models import CertificateType, EmployeeCertificate
from core.tables import ImportFileError
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
HEADING = "navn;e-mail;certifikat;udstedt;udløber;note"


@pytest.fixture
def types(db):
    return {
        "first_aid": CertificateType.objects.create(name="Førstehjælpsbevis", validity_months=24),
        "truck": CertificateType.objects.create(name="Gaffeltruckcertifikat (B)"),
    }


def table(*lines):
    return [line.split(";") for line in (HEADING, *lines)]


def upload(*lines, name="certifikater.csv"):
    text = "\n".join((HEADING, *lines))
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def test_rows_find_employees_by_email_or_name_and_types_by_name(world, types):
    company = world["company_a"]
    anna = EmployeeFactory(company=company, name="Anna Berg", email="anna@example.org")
    bo = EmployeeFactory(company=company, name="Bo Dahl")
    rows = check_rows(
        company,
        table(
            ";ANNA@example.org;førstehjælpsbevis;31-01-2026;;Nr. 1",
            "bo dahl;;Gaffeltruckcertifikat (B);2025-05-02;;",
        ),
    )
    assert [r.errors for r in rows] == [[], []]
    assert (rows[0].employee_id, rows[0].type_id) == (anna.pk, types["first_aid"].pk)
    assert (rows[1].employee_id, rows[1].issued) == (bo.pk, "2025-05-02")
    assert rows[0].issued == "2026-01-31"


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("Ukendt Person;;Førstehjælpsbevis;31-01-2026;;", "er ikke medarbejder"),
        ("Anna Berg;;Kranbevis;31-01-2026;;", "Ukendt certifikat"),
        ("Anna Berg;;Førstehjælpsbevis;31-13-2026;;", "Udstedelsesdatoen"),
        ("Anna Berg;;Førstehjælpsbevis;;;", "Udstedelsesdatoen"),
        ("Anna Berg;;Førstehjælpsbevis;01-01-1850;;", "Udstedelsesdatoen"),
        ("Anna Berg;;Førstehjælpsbevis;31-01-2026;30-01-2026;", "før udstedelsesdatoen"),
        ("Anna Berg;;Førstehjælpsbevis;31-01-2026;snart;", "Udløbsdatoen"),
        (";;Førstehjælpsbevis;31-01-2026;;", "navn eller e-mail"),
    ],
)
def test_bad_rows_say_what_is_wrong(world, types, line, error):
    EmployeeFactory(company=world["company_a"], name="Anna Berg")
    (row,) = check_rows(world["company_a"], table(line))
    assert any(error in e for e in row.errors), row.errors


def test_a_certificate_issued_tomorrow_is_refused_and_today_accepted(world, types):
    EmployeeFactory(company=world["company_a"], name="Anna Berg")
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    rows = check_rows(
        world["company_a"],
        table(
            f"Anna Berg;;Førstehjælpsbevis;{today:%d-%m-%Y};;",
            f"Anna Berg;;Gaffeltruckcertifikat (B);{tomorrow:%d-%m-%Y};;",
        ),
    )
    assert rows[0].errors == [] and rows[1].errors


def test_two_employees_of_one_name_need_an_email_and_another_companys_never_match(world, types):
    EmployeeFactory(company=world["company_a"], name="Anna Berg")
    EmployeeFactory(company=world["company_a"], name="Anna Berg")
    EmployeeFactory(company=world["company_b"], name="Carl Eng", email="carl@example.org")
    rows = check_rows(
        world["company_a"],
        table(
            "Anna Berg;;Førstehjælpsbevis;31-01-2026;;",
            ";carl@example.org;Førstehjælpsbevis;31-01-2026;;",
        ),
    )
    assert "e-mail" in rows[0].errors[0]
    assert "er ikke medarbejder" in rows[1].errors[0]


def test_a_repeated_line_is_an_error_and_one_on_the_record_is_skipped(world, types):
    anna = EmployeeFactory(company=world["company_a"], name="Anna Berg")
    EmployeeCertificate.objects.create(
        employee=anna, type=types["truck"], issued_on=dt.date(2024, 3, 1)
    )
    rows = check_rows(
        world["company_a"],
        table(
            "Anna Berg;;Førstehjælpsbevis;31-01-2026;;",
            "Anna Berg;;Førstehjælpsbevis;2026-01-31;;",
            "Anna Berg;;Gaffeltruckcertifikat (B);01.03.2024;;",
        ),
    )
    assert rows[0].errors == [] and rows[1].errors and rows[2].errors == []
    assert rows[2].already


def test_a_file_without_the_headings_or_rows_is_refused(world, types):
    with pytest.raises(ImportFileError):
        check_rows(world["company_a"], [["fornavn", "dato"], ["Anna", "1"]])
    with pytest.raises(ImportFileError):
        check_rows(world["company_a"], table())


def test_parse_date_takes_danish_and_iso_dates_only():
    assert parse_date("31-01-2026") == parse_date("31.01.2026") == dt.date(2026, 1, 31)
    assert parse_date("2026-01-31") == dt.date(2026, 1, 31)
    assert parse_date("01/31/2026") is None and parse_date("") is None


def test_preview_then_confirm_writes_all_and_audits(client, world, types):
    anna = EmployeeFactory(company=world["company_a"], name="Anna Berg")
    url = reverse("companies:certificate_import", args=[world["company_a"].pk])
    client.force_login(world["hr"])
    preview = client.post(
        url,
        {
            "file": upload(
                "Anna Berg;;Førstehjælpsbevis;31-01-2026;;Nr. 7",
                "Anna Berg;;Gaffeltruckcertifikat (B);01-03-2024;;",
            )
        },
    )
    assert "Filen er gyldig" in preview.content.decode()
    assert not EmployeeCertificate.objects.exists()
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    first_aid = EmployeeCertificate.objects.get(employee=anna, type=types["first_aid"])
    assert first_aid.expires_on == dt.date(2028, 1, 31) and first_aid.note == "Nr. 7"
    assert first_aid.source == "imported"
    assert EmployeeCertificate.objects.get(type=types["truck"]).expires_on is None
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORTED)
    assert event.data == {"certificates": {"added": 2, "skipped": 0}}
    again = client.post(url, {"confirm": "1"})  # the preview is used up
    assert again.status_code == 302 and EmployeeCertificate.objects.count() == 2


def test_one_bad_row_writes_nothing_and_cannot_be_confirmed(client, world, types):
    EmployeeFactory(company=world["company_a"], name="Anna Berg")
    url = reverse("companies:certificate_import", args=[world["company_a"].pk])
    client.force_login(world["hr"])
    page = client.post(
        url,
        {
            "file": upload(
                "Anna Berg;;Førstehjælpsbevis;31-01-2026;;",
                "Anna Berg;;Kranbevis;31-01-2026;;",
            )
        },
    ).content.decode()
    assert "Intet er importeret" in page and "Kranbevis" in page
    client.post(url, {"confirm": "1"})
    assert not EmployeeCertificate.objects.exists()


def test_too_many_rows_are_refused_before_checking(client, world, types):
    url = reverse("companies:certificate_import", args=[world["company_a"].pk])
    client.force_login(world["hr"])
    lines = [f"Anna {n};;Førstehjælpsbevis;31-01-2026;;" for n in range(MAX_ROWS + 1)]
    response = client.post(url, {"file": upload(*lines)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not EmployeeCertificate.objects.exists()


def test_an_xlsx_file_with_date_cells_imports(world, types):
    from openpyxl import Workbook

    from companies.certificate_import import read_table

    EmployeeFactory(company=world["company_a"], name="Anna Berg")
    book = Workbook()
    sheet = book.active
    sheet.append(["navn", "certifikat", "udstedt"])
    sheet.append(["Anna Berg", "Førstehjælpsbevis", dt.datetime(2026, 1, 31)])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = check_rows(
        world["company_a"], read_table(SimpleUploadedFile("c.xlsx", buffer.getvalue()))
    )
    assert rows[0].errors == [] and rows[0].issued == "2026-01-31"
