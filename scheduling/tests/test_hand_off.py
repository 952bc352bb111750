"""The export for the school's administrative system: one row per block of the period,
with the fields EASY-A or Uddata+ needs, as CSV for Danish Excel and as XLSX."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from scheduling.models import BlockReservation, CourseBlock, Enrollment
from tests.factories import (
    AmuCourseFactory,
    CompanyFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EnrollmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FIRST = dt.date(2027, 3, 1)  # a Monday with no other block of the tests near it
LAST = dt.date(2027, 3, 28)


@pytest.fixture
def period_blocks(tenants):
    school = tenants["school_a"]
    company = CompanyFactory(name="Limfjord Beton A/S", cvr="12345674")
    other = CompanyFactory(name="Aalborg Rør ApS", cvr="87654321")
    teacher = UserFactory(first_name="Bente", last_name="Holm")
    course = AmuCourseFactory(number="40211", title="=Svejsning, rør", duration_days=Decimal("2.5"))
    at_company = CourseBlockFactory(
        school=school,
        course=course,
        reference="HOLD-EXPORT-1",
        start_date=FIRST + dt.timedelta(days=7),
        end_date=FIRST + dt.timedelta(days=9),
        location=CourseBlock.Location.COMPANY,
        company=company,
        capacity=12,
        min_participants=6,
        teachers=[teacher],
    )
    for employer, n in ((company, 3), (other, 1)):
        for _ in range(n):
            EnrollmentFactory(course_block=at_company, employee=EmployeeFactory(company=employer))
    # Places that take no seat are not participants.
    for status in (Enrollment.Status.WAITING, Enrollment.Status.CANCELLED):
        EnrollmentFactory(
            course_block=at_company, employee=EmployeeFactory(company=other), status=status
        )
    BlockReservation.objects.create(block=at_company, company=other, seats=3)
    # At the school, though kept for a company: no CVR in the "runs at" column.
    on_first = CourseBlockFactory(school=school, start_date=FIRST, end_date=FIRST, company=company)
    on_last = CourseBlockFactory(school=school, start_date=LAST, end_date=LAST)
    before = CourseBlockFactory(school=school, start_date=FIRST - dt.timedelta(days=1))
    after = CourseBlockFactory(school=school, start_date=LAST + dt.timedelta(days=1))
    cancelled = CourseBlockFactory(
        school=school, start_date=FIRST, status=CourseBlock.Status.CANCELLED
    )
    elsewhere = CourseBlockFactory(school=tenants["school_b"], start_date=FIRST)
    return {
        "at_company": at_company,
        "on_first": on_first,
        "on_last": on_last,
        "left_out": [before, after, cancelled, elsewhere],
    }


def export(client, tenants, fmt="csv", **extra):
    params = {
        "school": tenants["school_a"].pk,
        "first": FIRST.isoformat(),
        "last": LAST.isoformat(),
        "format": fmt,
        **extra,
    }
    return client.get(reverse("scheduling:hand_off"), params)


def test_the_csv_holds_the_period_s_blocks_for_danish_excel(client, tenants, period_blocks):
    client.force_login(tenants["coordinator"])
    response = export(client, tenants)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('-2027-03-01.csv"')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["AMU-nummer", "Titel", "Startdato"]
    references = [row[-1] for row in rows[1:]]
    blocks = period_blocks
    # The first and the last day of the period are in; a day outside, a cancelled block and
    # another school's are not.
    assert references == [
        blocks["on_first"].reference,
        blocks["at_company"].reference,
        blocks["on_last"].reference,
    ]
    row = dict(zip(rows[0], rows[2], strict=True))
    assert row == {
        "AMU-nummer": "40211",
        "Titel": "'=Svejsning, rør",  # never a formula in Excel
        "Startdato": "2027-03-08",
        "Slutdato": "2027-03-10",
        "ISO-uge": "2027-W10",
        "Dage": "2,5",
        "Sted": "På virksomheden",
        "Adresse": blocks["at_company"].place,
        "CVR for virksomheden, holdet kører hos": "12345674",
        "Undervisere": "Bente Holm",
        "Kapacitet": "12",
        "Mindste holdstørrelse": "6",
        "Deltagere": "4",
        "Reserverede pladser uden navn": "2",
        "Virksomheder (CVR): deltagere": "Aalborg Rør ApS (87654321): 1; "
        "Limfjord Beton A/S (12345674): 3",
        "Status": "Planlagt",
        "Reference": "HOLD-EXPORT-1",
    }
    at_school = dict(zip(rows[0], rows[1], strict=True))
    assert at_school["Sted"] == "På skolen"
    assert at_school["CVR for virksomheden, holdet kører hos"] == ""


def test_the_xlsx_holds_the_same_rows_with_dates_and_numbers(client, tenants, period_blocks):
    client.force_login(tenants["coordinator"])
    response = export(client, tenants, fmt="xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    header, row = rows[0], dict(zip(rows[0], rows[2], strict=True))
    assert header[0] == "AMU-nummer"
    assert row["Startdato"] == dt.datetime(2027, 3, 8)
    assert row["Dage"] == 2.5
    assert row["Deltagere"] == 4
    assert row["Titel"] == "=Svejsning, rør"  # text, not a formula
    cell = sheet.cell(row=3, column=2)
    assert cell.data_type == "s"


def test_only_those_who_plan_blocks_may_export(client, tenants, period_blocks):
    for persona in ("teacher", "leader", "hr", "consultant"):
        client.force_login(tenants[persona])
        assert export(client, tenants).status_code == 403, persona
    # A coordinator of another school cannot name this one.
    client.force_login(tenants["other_coordinator"])
    refused = export(client, tenants)
    assert refused.status_code == 400
    assert "gyldig" in refused.content.decode()  # the school is not among the choices


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2027-03-10", "2027-03-09", "Periodens slutning kan ikke ligge før dens start."),
        ("2027-01-01", "2028-01-02", "Eksportér højst 366 dage ad gangen."),
        ("2027-13-01", "2027-03-09", "Indtast en gyldig dato."),
        ("1850-01-01", "1850-02-01", ""),
    ],
)
def test_a_bad_period_is_refused_at_its_field(client, tenants, first, last, message):
    client.force_login(tenants["coordinator"])
    response = export(client, tenants, first=first, last=last)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_366_days_is_the_longest_period_and_one_day_the_shortest(client, tenants):
    client.force_login(tenants["coordinator"])
    assert export(client, tenants, first="2027-01-01", last="2028-01-01").status_code == 200
    assert export(client, tenants, first="2027-03-01", last="2027-03-01").status_code == 200


def test_an_administrator_exports_one_school_not_all(client, tenants, period_blocks):
    client.force_login(tenants["admin"])
    body = export(client, tenants).content.decode()
    assert period_blocks["on_first"].reference in body
    assert all(block.reference not in body for block in period_blocks["left_out"])


def test_the_page_documents_the_columns_and_offers_this_quarter(client, tenants):
    client.force_login(tenants["coordinator"])
    page = client.get(reverse("scheduling:hand_off"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reserverede pladser uden navn" in text
    form = page.context["form"]
    assert (form.initial["last"] - form.initial["first"]).days == 13 * 7 - 1


def test_the_export_s_queries_do_not_grow_with_the_blocks(client, tenants, period_blocks):
    client.force_login(tenants["coordinator"])
    export(client, tenants)
    with CaptureQueriesContext(connection) as few:
        export(client, tenants)
    for _ in range(5):
        block = CourseBlockFactory(
            school=tenants["school_a"], start_date=FIRST, teachers=[UserFactory()]
        )
        EnrollmentFactory(course_block=block)
    with CaptureQueriesContext(connection) as many:
        assert len(export(client, tenants).content.splitlines()) == 4 + 5
    # session, user, may plan?, school choice validated, blocks with seats, their
    # teachers, participants per company (7)
    assert len(few) == len(many) == 7
