"""The inputs that gave a 500 before: each now gets a clear message where it was typed (or a
plain 400/404 for a broken link). `test_hostile_input.py` sweeps every URL and form; these
pin the known cases and their messages at the boundaries."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from companies.forms import BlackoutWeekForm, CompanyForm
from companies.validators import is_valid_cvr
from core.isoweek import parse_iso_week
from core.validators import parse_id
from schools.importing import check_catalogue, read_table
from schools.models import AmuCourse
from schools.validators import amu_number_validator, validate_half_days

pytestmark = pytest.mark.django_db


def _catalogue(number="22906", days="5"):
    text = f"nummer;titel;dage;fkb\n{number};Svejsning;{days};2711\n"
    return check_catalogue(read_table(SimpleUploadedFile("k.csv", text.encode())))[0]


@pytest.mark.parametrize(
    ("days", "ok"),
    [
        ("100", True),
        ("99.5", True),
        ("100.5", False),
        ("1000", False),
        ("1e309", False),
        ("NaN", False),
        ("Infinity", False),
        ("0", False),
        ("0.5", True),
    ],
)
def test_catalogue_days_are_whole_or_half_and_at_most_a_hundred(days, ok):
    assert (_catalogue(days=days)["errors"] == []) is ok, days


@pytest.mark.parametrize("number", ["１２３４５", "٩٩٩٠٩", "2290６", "2290", "229060"])
def test_amu_numbers_are_five_ascii_digits_in_the_import_and_the_model(number):
    assert _catalogue(number=number)["errors"]
    with pytest.raises(ValidationError):
        amu_number_validator(number)


def test_a_course_of_more_than_a_hundred_days_is_refused_by_the_model():
    validate_half_days(Decimal("100"))
    with pytest.raises(ValidationError, match="100"):
        validate_half_days(Decimal("100.5"))
    course = AmuCourse(number="22906", title="Svejsning", duration_days=Decimal("999.5"))
    with pytest.raises(ValidationError) as error:
        course.full_clean(exclude=["fkb"])
    assert "duration_days" in error.value.error_dict


@pytest.mark.parametrize("cvr", ["١٠١٥٠٨١٧", "１０１５０８１７"])
def test_cvr_and_postal_code_take_ascii_digits_only(cvr):
    assert is_valid_cvr("10150817")
    assert not is_valid_cvr(cvr)
    form = CompanyForm(data={"name": "X", "cvr": cvr, "postal_code": "８２００"})
    form.is_valid()
    assert {"cvr", "postal_code"} <= set(form.errors)


@pytest.mark.parametrize(
    ("text", "week"),
    [
        ("2026-W53", (2026, 53)),
        ("2027-w1", (2027, 1)),
        ("2100-W52", (2100, 52)),
        ("2027-W53", None),  # 2027 has 52 weeks
        ("9999-W52", None),
        ("0001-W01", None),
        ("1999-W10", None),
        ("２０２６-W10", None),
        ("2026-W0", None),
    ],
)
def test_iso_weeks_within_the_planning_horizon(text, week):
    if week:
        assert parse_iso_week(text) == week
        assert BlackoutWeekForm(data={"week": text}).is_valid()
    else:
        with pytest.raises(ValueError):
            parse_iso_week(text)
        assert "week" in BlackoutWeekForm(data={"week": text}).errors


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2026-W99"])
def test_week_plan_with_an_impossible_week_shows_the_form_error(client, tenants, week):
    client.force_login(tenants["coordinator"])
    page = client.get(reverse("scheduling:week_plan"), {"week": week})
    assert page.status_code == 200
    assert "Skriv ugen som 2026-W48." in page.content.decode()


def test_a_meeting_in_year_one_is_refused_at_the_field(client, tenants):
    client.force_login(tenants["coordinator"])
    page = client.post(
        reverse("partnerships:meeting_create"),
        {"kind": "internal_forum", "title": "Forum", "starts_at": "0001-01-01T00:30"},
    )
    assert page.status_code == 200
    assert "Angiv en dato mellem 1900 og 2100." in page.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/schools/calendar/abc%00def.ics", "/evaluations/answer/abc%00/", "/?q=a%00b"],
)
def test_a_nul_byte_in_a_link_is_a_plain_400_without_login(url):
    response = Client().get(url)
    assert response.status_code == 400
    assert "Adressen indeholder tegn" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "", "99999999999999999999", "٩"])
def test_removing_a_blackout_week_that_is_no_week_is_a_404(client, tenants, value):
    client.force_login(tenants["coordinator"])
    url = reverse("companies:blackout_weeks", args=[tenants["company_a"].pk])
    assert client.post(url, {"remove": value}).status_code == 404


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("12", 12),
        ("999999999999999999", 999999999999999999),
        ("9999999999999999999", None),
        ("１２", None),
        ("-1", None),
        ("", None),
        (None, None),
        ("1.0", None),
    ],
)
def test_ids_from_links_fit_the_database(value, parsed):
    assert parse_id(value) == parsed


def test_a_login_name_longer_than_any_account_is_refused_before_the_lockout_log(client):
    page = client.post(reverse("login"), {"username": "x" * 151, "password": "y"})
    assert page.status_code == 200
    assert page.context["form"].errors["username"]
    page = client.post(reverse("login"), {"username": "x" * 150, "password": "y" * 4097})
    assert page.context["form"].errors["password"]
