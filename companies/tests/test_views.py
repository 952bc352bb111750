import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from companies.models import Company
from partnerships.models import Partnership
from tests.factories import CompanyFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

COMPANY = {
    "name": "Nyt Stål ApS",
    "cvr": "DK 1015 0817",
    "sector": "metal",
    "size_band": "10-49",
    "address": "Havnevej 1",
    "postal_code": "8000",
    "city": "Aarhus C",
    "strategy": "Vækst i eksport.",
    "development_plans": "Ny robotcelle.",
}


def test_coordinator_adds_a_company_registered_by_their_school(client, world):
    client.force_login(world["coordinator"])
    response = client.post(reverse("companies:create"), COMPANY)
    company = Company.objects.get(cvr="10150817")  # spaces and DK prefix removed
    assert response["Location"] == reverse("companies:detail", args=[company.pk])
    assert company.registered_by == world["school_a"]
    # A prospect company is visible to the registering school before any partnership ...
    assert client.get(response["Location"]).status_code == 200
    # ... and to nobody else.
    client.force_login(world["other_coordinator"])
    assert client.get(response["Location"]).status_code == 404
    assert AuditEvent.objects.filter(action="created", target_id=str(company.pk)).exists()


def test_invalid_cvr_is_reported_at_the_field(client, world):
    client.force_login(world["coordinator"])
    response = client.post(reverse("companies:create"), {**COMPANY, "cvr": "10150818"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "10150818 er ikke et gyldigt CVR-nummer" in form.errors["cvr"][0]
    assert not Company.objects.filter(cvr="10150818").exists()


def test_company_list_filters(client, world):
    client.force_login(world["admin"])
    world["partnership_a"].status = Partnership.Status.ACTIVE
    world["partnership_a"].save()
    world["partnership_b"].status = Partnership.Status.PROSPECT
    world["partnership_b"].save()
    CompanyFactory(name="Offentlig Rengøring", sector="cleaning", is_public=True)

    def names(**params):
        response = client.get(reverse("companies:list"), params)
        return {c.name for c in response.context["page_obj"].object_list}

    assert names(active_partnership="yes") == {world["company_a"].name}
    assert names(ownership="public") == {"Offentlig Rengøring"}
    assert names(sector="cleaning") == {"Offentlig Rengøring"}
    assert names(school=world["school_b"].pk) == {world["company_b"].name}
    assert names(q=world["company_a"].cvr[:4]) >= {world["company_a"].name}


def test_hr_manages_their_own_employees_but_not_another_companys(client, world):
    client.force_login(world["hr"])
    url = reverse("companies:employee_create", args=[world["company_a"].pk])
    response = client.post(url, {"name": "Ny Medarbejder", "education_level": "skilled"})
    assert response.status_code == 302
    employee = world["company_a"].employees.get(name="Ny Medarbejder")
    client.post(
        reverse("companies:employee_set_active", args=[world["company_a"].pk, employee.pk]),
        {"active": "0"},
    )
    employee.refresh_from_db()
    assert not employee.active
    other = reverse("companies:employee_create", args=[world["company_b"].pk])
    assert client.get(other).status_code == 404


def test_export_is_excel_friendly_csv_and_audited(client, world):
    EmployeeFactory(company=world["company_a"], name="Åse Ørum", job_title="Smed")
    client.force_login(world["hr"])
    response = client.get(reverse("companies:employee_export", args=[world["company_a"].pk]))
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffnavn;stillingsbetegnelse;gruppe;uddannelsesniveau;e-mail;aktiv")
    assert "Åse Ørum;Smed;;Erhvervsuddannelse (faglært);;ja" in body
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="download", actor=world["hr"]).exists()


def test_an_exported_file_imports_again_without_changes(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from companies.importing import check_rows, read_table

    EmployeeFactory(company=world["company_a"], name="Åse Ørum", education_level="unskilled")
    EmployeeFactory(
        company=world["company_a"], name="=HYPERLINK(1)", job_title="-Smed", education_level=""
    )
    client.force_login(world["hr"])
    exported = client.get(reverse("companies:employee_export", args=[world["company_a"].pk]))
    # Excel runs no formula from the export (OWASP CSV injection)...
    assert "\r\n'=HYPERLINK(1);'-Smed;" in exported.content.decode("utf-8-sig")
    rows = check_rows(
        world["company_a"], read_table(SimpleUploadedFile("export.csv", exported.content))
    )
    # ...and the file still imports as it was.
    assert [(r.name, r.job_title, r.action, r.errors) for r in rows] == [
        ("=HYPERLINK(1)", "-Smed", "update", []),
        ("Åse Ørum", "", "update", []),
    ]


def test_hr_marks_a_blackout_week_that_then_flags_blocks(client, world):
    from companies.models import BlackoutWeek

    client.force_login(world["hr"])
    url = reverse("companies:blackout_weeks", args=[world["company_a"].pk])
    client.post(url, {"week": "2027-W14", "note": "Lageroptælling"})
    week = BlackoutWeek.objects.get(company=world["company_a"])
    assert (week.iso_year, week.iso_week, week.note) == (2027, 14, "Lageroptælling")
    page = client.get(reverse("companies:detail", args=[world["company_a"].pk])).content.decode()
    assert "Uge 14, 2027" in page  # not "2.027": a year has no thousands separator
    response = client.post(url, {"week": "2027-W99"}, follow=True)
    assert "Skriv ugen som 2026-W48." in response.content.decode()
    client.post(url, {"remove": week.pk})
    assert not BlackoutWeek.objects.exists()
    client.force_login(world["other_hr"])
    assert client.post(url, {"week": "2027-W15"}).status_code == 404
