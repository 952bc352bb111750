"""The rates page: administrators keep one row of national rates a year; every figure of
that year follows a change at once, and each change is in the audit trail."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from schools.figures import Economics, YearVolume, funding_rates
from schools.models import FundingRate

pytestmark = pytest.mark.django_db

RATES = reverse("schools:funding_rates")


def edit_url(year):
    return reverse("schools:funding_rate_edit", kwargs={"year": year})


def form(year, veu="5000", fee="1100", full="4000", **flags):
    return {
        "year": year,
        "veu_per_week": veu,
        "fee_per_week": fee,
        "full_price_per_week": full,
        **{name: "on" for name, on in flags.items() if on},
    }


@pytest.fixture
def admin_client(client, world):
    client.force_login(world["admin"])
    return client


def test_the_seeded_years_are_listed_with_estimates_marked(admin_client):
    page = admin_client.get(RATES).content.decode()
    rows = {r.year: r for r in FundingRate.objects.all()}
    assert rows[2023].veu_per_week == Decimal("4555") and not rows[2023].veu_is_estimate
    assert rows[2024].veu_per_week == Decimal("4700") and not rows[2024].veu_is_estimate
    assert rows[2024].fee_per_week == Decimal("1040") and not rows[2024].fee_is_estimate
    assert rows[2027].is_estimate
    for year in rows:
        assert edit_url(year) in page
    assert '<td class="text-end">4.555</td>' in page  # Danish grouping, no needless decimals
    assert page.count("skøn") >= sum(
        r.veu_is_estimate + r.fee_is_estimate + r.full_price_is_estimate for r in rows.values()
    )


def test_the_add_form_starts_from_the_newest_year_marked_as_estimates(admin_client):
    newest = FundingRate.objects.order_by("-year").first()
    form_ = admin_client.get(RATES).context["form"]
    assert form_.initial["year"] == newest.year + 1
    assert form_.initial["veu_per_week"] == newest.veu_per_week
    assert form_.initial["veu_is_estimate"] and form_.initial["fee_is_estimate"]


def test_adding_a_year_is_audited_and_used_by_figures_at_once(admin_client, world):
    response = admin_client.post(RATES, form(2031, veu="5250.50", veu_is_estimate=True))
    assert response.status_code == 302
    rate = FundingRate.objects.get(year=2031)
    assert rate.veu_per_week == Decimal("5250.50") and rate.veu_is_estimate
    assert not rate.fee_is_estimate
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATED, target_id=str(rate.pk))
    assert event.actor == world["admin"]
    assert event.data["changes"]["veu_per_week"] == [None, "5250.50"]
    economics = Economics.of([YearVolume(2031, Decimal(5), Decimal(5))], funding_rates())
    assert economics.veu == Decimal("5250.50")  # five eligible days: one week
    assert economics.is_estimate


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (form(1999), "year"),
        (form(2101), "year"),
        (form(2024), "year"),  # already there
        (form(2031, veu="-0.01"), "veu_per_week"),
        (form(2031, fee="x"), "fee_per_week"),
        (form(2031, full="123456789"), "full_price_per_week"),
        (form(""), "year"),
    ],
)
def test_bad_rates_are_refused_at_the_field_and_nothing_is_written(admin_client, data, field):
    before = list(FundingRate.objects.values_list("year", "veu_per_week", "fee_per_week"))
    response = admin_client.post(RATES, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert list(FundingRate.objects.values_list("year", "veu_per_week", "fee_per_week")) == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATED).exists()


def test_a_duplicate_year_is_told_to_edit_the_existing_one(admin_client):
    admin_client.get(RATES)  # Danish by default
    response = admin_client.post(RATES, form(2024))
    assert "Der er allerede satser for dette år" in response.content.decode()


def test_the_boundary_years_and_a_zero_rate_are_accepted(admin_client):
    FundingRate.objects.all().delete()
    for year in (2000, 2100):
        assert admin_client.post(RATES, form(year, veu="0")).status_code == 302
    assert set(FundingRate.objects.values_list("year", flat=True)) == {2000, 2100}


def test_editing_changes_the_rates_keeps_the_year_and_records_what_changed(admin_client):
    rate = FundingRate.objects.get(year=2026)
    old_fee = rate.fee_per_week
    response = admin_client.post(
        edit_url(2026), form(1990, veu="4999.99", fee=str(old_fee), full="3900")
    )
    assert response.status_code == 302
    rate.refresh_from_db()
    assert rate.year == 2026  # the year is fixed once added
    assert rate.veu_per_week == Decimal("4999.99")
    assert not rate.is_estimate  # unticked boxes: published now
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATED, target_id=str(rate.pk))
    assert event.data["changes"]["veu_per_week"][1] == "4999.99"
    assert "fee_per_week" not in event.data["changes"]
    assert "year" not in event.data["changes"]


def test_an_invalid_edit_changes_nothing(admin_client):
    before = FundingRate.objects.get(year=2026)
    response = admin_client.post(edit_url(2026), form(2026, veu="-1"))
    assert response.status_code == 200
    assert "veu_per_week" in response.context["form"].errors
    after = FundingRate.objects.get(year=2026)
    assert (after.veu_per_week, after.veu_is_estimate) == (
        before.veu_per_week,
        before.veu_is_estimate,
    )


def test_an_unknown_year_is_404(admin_client):
    assert admin_client.get(edit_url(2099)).status_code == 404
    assert admin_client.post(edit_url(2099), form(2099)).status_code == 404


@pytest.mark.parametrize("persona", ["leader", "coordinator", "consultant", "hr", "nobody"])
def test_only_administrators_keep_the_rates(client, world, persona):
    client.force_login(world[persona])
    assert client.post(RATES, form(2031)).status_code == 403
    assert client.post(edit_url(2026), form(2026, veu="1")).status_code == 403
    assert not FundingRate.objects.filter(year=2031).exists()
    assert FundingRate.objects.get(year=2026).veu_per_week != Decimal("1")


def test_the_menu_names_the_page_the_missing_rates_message_points_to(admin_client, client, world):
    page = admin_client.get(RATES).content.decode()
    assert f'href="{RATES}"' in page and ">Satser<" in page
    client.force_login(world["leader"])
    assert f'href="{RATES}"' not in client.get(reverse("home")).content.decode()
