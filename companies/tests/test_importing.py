import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from companies.importing import ImportFileError, check_rows, read_table
from companies.models import Employee, EmployeeGroup
from companies.services import employees_import
from tests.factories import CompanyFactory, EmployeeFactory, EmployeeGroupFactory, UserFactory

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "navn;stilling;gruppe;uddannelsesniveau;e-mail\n"
    "Anne Holm;Svejser;Svejsere;faglært;anne@example.dk\n"
    "Bo Jensen;Operatør;Operatører;ufaglært;\n"
)


def upload(text: str, name="medarbejdere.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx(rows) -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("medarbejdere.xlsx", buffer.getvalue())


def test_valid_csv_with_semicolons_is_checked_and_imported_atomically():
    company = CompanyFactory()
    rows = check_rows(company, read_table(upload(GOOD_CSV)))
    assert [r.errors for r in rows] == [[], []]
    assert [r.education_level for r in rows] == ["skilled", "unskilled"]
    summary = employees_import(company=company, rows=rows, by=UserFactory())
    assert summary == {"created": 2, "updated": 0, "groups": 2}
    anne = Employee.objects.get(company=company, name="Anne Holm")
    assert (anne.group.name, anne.email, anne.job_title) == (
        "Svejsere",
        "anne@example.dk",
        "Svejser",
    )
    assert AuditEvent.objects.filter(action="imported", target_id=str(company.pk)).exists()


def test_each_bad_row_is_reported_at_its_line():
    company = CompanyFactory()
    text = (
        "name,job title,group,education level,email\n"
        "Anne Holm,Welder,Welders,skilled,anne@example.dk\n"
        ",Welder,Welders,skilled,\n"
        "Bo Jensen,Operator,,phd-ish,not-an-address\n"
        "Anne Holm,Welder,Welders,skilled,\n"
    )
    rows = check_rows(company, read_table(upload(text)))
    errors = {row.line: row.errors for row in rows}
    assert errors[2] == []
    assert errors[3] == ["Navnet mangler."]
    assert len(errors[4]) == 2  # unknown level and bad e-mail
    assert "Ukendt uddannelsesniveau »phd-ish«" in errors[4][0]
    assert errors[5] == ["Samme navn står på linje 2."]
    with pytest.raises(ValueError):
        employees_import(company=company, rows=rows, by=UserFactory())
    assert not Employee.objects.filter(company=company).exists()


def test_windows_1252_csv_from_danish_excel_is_read():
    company = CompanyFactory()
    rows = check_rows(company, read_table(upload(GOOD_CSV, encoding="cp1252")))
    assert rows[0].education_level == "skilled"  # "faglært" survived the encoding
    assert rows[0].name == "Anne Holm"


def test_xlsx_is_read_and_existing_employees_are_updated():
    company = CompanyFactory()
    EmployeeGroupFactory(company=company, name="Svejsere")
    existing = EmployeeFactory(company=company, name="Anne Holm", job_title="Lærling")
    table = read_table(
        xlsx(
            [
                ["Navn", "Stilling", "Gruppe", "Uddannelsesniveau"],
                ["Anne Holm", "Svejser", "svejsere", "Faglært"],
                ["Carl Berg", "Smed", "", "ukendt"],
            ]
        )
    )
    rows = check_rows(company, table)
    assert [(r.action, r.new_group) for r in rows] == [("update", False), ("new", False)]
    employees_import(company=company, rows=rows, by=UserFactory())
    existing.refresh_from_db()
    assert existing.job_title == "Svejser"
    assert EmployeeGroup.objects.filter(company=company).count() == 1  # matched case-insensitively


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("stilling;gruppe\nSvejser;A\n", "navnekolonne"),
        ("navn;stilling\n", "ingen medarbejdere"),
    ],
)
def test_unusable_files_are_refused_as_a_whole(content, message):
    with pytest.raises(ImportFileError, match=message):
        check_rows(CompanyFactory(), read_table(upload(content)))


def test_damaged_xlsx_is_refused_with_a_message():
    with pytest.raises(ImportFileError, match="beskadiget"):
        read_table(SimpleUploadedFile("x.xlsx", b"not a zip file"))


@pytest.fixture
def hr_client(client):
    from tests.factories import CompanyMembershipFactory

    membership = CompanyMembershipFactory()
    client.force_login(membership.user)
    return client, membership.company


def test_import_page_previews_errors_and_writes_nothing_then_imports_the_fixed_file(hr_client):
    client, company = hr_client
    url = reverse("companies:employee_import", args=[company.pk])
    bad = GOOD_CSV + ";Mangler navn;;faglært;\n"
    page = client.post(url, {"file": upload(bad)}).content.decode()
    assert "1 række har fejl. Intet er importeret" in page
    assert "Navnet mangler." in page
    assert 'name="confirm"' not in page
    # A forged confirm without a valid preview writes nothing either.
    response = client.post(url, {"confirm": "1"}, follow=True)
    assert "Forhåndsvisningen er udløbet" in response.content.decode()
    assert not company.employees.exists()

    page = client.post(url, {"file": upload(GOOD_CSV)}).content.decode()
    assert "Filen er gyldig: 2 nye medarbejdere, 0 opdateringer." in page
    assert not company.employees.exists()  # still nothing until confirmed
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert company.employees.count() == 2


def test_import_form_rejects_other_file_types_at_the_field(hr_client):
    client, company = hr_client
    url = reverse("companies:employee_import", args=[company.pk])
    response = client.post(url, {"file": SimpleUploadedFile("liste.pdf", b"%PDF")})
    assert "Upload en .csv- eller .xlsx-fil." in response.content.decode()


def _import_pages(hr_client, leader_client):
    client, company = hr_client
    return [
        (client, reverse("companies:employee_import", args=[company.pk]), "navn;stilling\n"),
        (leader_client, reverse("schools:catalogue_import"), "nummer;titel;dage;fkb\n"),
    ]


@pytest.fixture
def leader_client(db):
    from django.test import Client

    from accounts.models import SchoolRole
    from tests.factories import SchoolMembershipFactory

    client = Client()
    client.force_login(SchoolMembershipFactory(role=SchoolRole.LEADER).user)
    return client


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda heading: (heading + "x;y\n" * 1_200_000).encode(), "større end 2 MB"),
        (lambda heading: (heading + "x;y\n" * 5001).encode(), "mere end 5000 rækker"),
        (lambda heading: (heading + "x" * 200_000 + "\n").encode(), "mere end 1000 tegn"),
        (lambda heading: (heading + "a\x00b;c\n").encode(), "NUL-tegn"),
    ],
)
def test_every_import_refuses_oversized_files_at_the_field(hr_client, leader_client, make, message):
    """The employee and catalogue imports share the limits and their messages."""
    for client, url, heading in _import_pages(hr_client, leader_client):
        response = client.post(url, {"file": SimpleUploadedFile("liste.csv", make(heading))})
        assert response.status_code == 200, url
        assert message in response.content.decode(), url
