"""The coordinator's day in the partnership workspace, end to end in a browser."""

import datetime as dt

import pytest
from django.utils import timezone

from companies.models import Company
from demo.seed import seed_demo
from partnerships.models import Partnership

from .conftest import screenshot
from .test_login_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)

BAD_CSV = (
    "navn;stilling;gruppe;uddannelsesniveau\n"
    "Anne Holm;Svejser;Svejsere;faglært\n"
    "Bo Jensen;Operatør;Operatører;måske\n"
)
GOOD_CSV = BAD_CSV.replace("måske", "ufaglært")


def upload(page, text: str):
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(
        files=[{"name": "medarbejdere.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_role("button", name="Tjek filen").click()


def test_coordinator_runs_a_partnership_from_company_to_experience(page_for, live_server):
    seed_demo()
    base = live_server.url
    page = page_for(locale="da-DK")
    log_in(page, base, "tovholder")

    # 1. A new company.
    page.get_by_role("link", name="Virksomheder", exact=True).click()
    page.get_by_role("link", name="Opret virksomhed").click()
    page.get_by_label("Navn").fill("Kattegat Smedie ApS")
    page.get_by_label("CVR-nummer").fill("10150817")
    page.get_by_label("Branche").select_option(label="Metal og maskin")
    page.get_by_label("Størrelse").select_option(label="10–49 ansatte")
    page.get_by_label("By").fill("Grenaa")
    page.get_by_label("Strategi").fill("Blive leverandør til havvind.")
    page.get_by_role("button", name="Gem").click()
    page.get_by_role("heading", level=1, name="Kattegat Smedie ApS").wait_for()
    company = Company.objects.get(cvr="10150817")

    # 2. Import employees: one bad row → error shown, nothing written.
    page.get_by_role("link", name="Alle medarbejdere").click()
    page.get_by_role("link", name="Importér").click()
    upload(page, BAD_CSV)
    page.get_by_text("1 række har fejl. Intet er importeret").wait_for()
    assert page.get_by_text("Ukendt uddannelsesniveau »måske«").is_visible()
    screenshot(page, "import-errors-da")
    assert company.employees.count() == 0
    # ... fixed file → preview → import.
    upload(page, GOOD_CSV)
    page.get_by_text("Filen er gyldig: 2 nye medarbejdere").wait_for()
    page.get_by_role("button", name="Importér nu").click()
    page.get_by_text("Importen er gennemført: 2 tilføjet").wait_for()
    assert company.employees.count() == 2

    # 3. A partnership, drafted and made ready for approval.
    page.goto(f"{base}/partnerships/new/?company={company.pk}")
    page.get_by_label("Titel").fill("Havvind-partnerskab")
    page.get_by_label("Mål").fill("Alle smede certificeres til havvind.")
    page.get_by_label("Aftalevilkår").fill("To år, fire hold om året.")
    page.get_by_label("Startdato").fill((timezone.localdate() + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Gem").click()
    page.get_by_text("Partnerskabet er oprettet som emne.").wait_for()
    page.get_by_role("button", name="Start aftaleudkastet").click()
    page.get_by_text("Partnerskabet har nu status »Aftaleudkast«.").wait_for()
    partnership = Partnership.objects.get(title="Havvind-partnerskab")
    detail_url = page.url

    # 4. The leader approves; the partnership becomes active.
    leader = page_for(locale="da-DK")
    log_in(leader, base, "leder")
    leader.goto(detail_url)
    leader.get_by_role("button", name="Godkend aftalen og aktivér").click()
    # A far-reaching step asks first and says what it will do.
    leader.get_by_role("heading", level=1, name="Godkend aftalen og aktivér").wait_for()
    screenshot(leader, "agreement-confirm-da")
    leader.get_by_role("button", name="Godkend aftalen", exact=True).click()
    leader.get_by_text("Partnerskabet har nu status »Aktiv«.").wait_for()
    partnership.refresh_from_db()
    assert partnership.status == Partnership.Status.ACTIVE

    # 5. A meeting with an action item.
    page.goto(detail_url)
    page.get_by_role("link", name="Nyt møde").click()
    page.get_by_label("Titel").fill("Opstartsmøde")
    starts = (timezone.localtime() + dt.timedelta(days=3)).replace(hour=9, minute=0)
    page.get_by_label("Starter").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Sted").fill("Kattegat Smedie")
    page.get_by_role("button", name="Gem").click()
    page.get_by_role("heading", level=1, name="Opstartsmøde").wait_for()
    page.get_by_label("Opgave").fill("Send holdliste til HR")
    page.get_by_role("button", name="Tilføj opfølgningspunkt").click()
    page.get_by_text("Opfølgningspunktet er tilføjet.").wait_for()
    screenshot(page, "meeting-da")

    # 6. An experience from the meeting.
    page.get_by_role("link", name="Skriv en erfaring fra dette møde").click()
    page.get_by_label("Titel").fill("Start med værkføreren")
    page.get_by_label("Erfaring").fill("Værkføreren kendte flaskehalsene bedre end HR.")
    page.get_by_label("Nye temaer").fill("Ledelsesopbakning")
    page.get_by_role("button", name="Gem").click()
    page.get_by_role("heading", level=1, name="Start med værkføreren").wait_for()

    page.goto(detail_url)
    for text in [
        "Opstartsmøde",
        "Start med værkføreren",
        "Send holdliste til HR",
        "Status ændret fra Aftaleudkast til Aktiv",
    ]:
        assert page.get_by_text(text).first.is_visible(), text
    screenshot(page, "partnership-detail-da")
