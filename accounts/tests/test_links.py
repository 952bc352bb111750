"""No page offers a link that its reader is then refused: every persona follows every
link it is shown, from the overview on, and each one opens (200 or a redirect)."""

import collections
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PERSONAS = ["coordinator", "leader", "teacher", "consultant", "other_coordinator", "hr", "other_hr"]
# Not pages to read: leaving, assets, the admin (superusers only), language switching,
# CSV exports and file downloads (their own matrix rows cover them).
SKIP = ("/accounts/logout", "/static/", "/admin/", "/i18n/", "export=", "/download")
HREF = re.compile(r'href="(/[^"#]*)"')


def crawl(client: Client, limit: int = 400) -> dict[str, tuple[int, str]]:
    """Every internal link reachable from "/" with its status and the page that showed it."""
    seen: dict[str, tuple[int, str]] = {}
    queue = collections.deque([("/", "")])
    while queue and len(seen) < limit:
        url, shown_on = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = (response.status_code, shown_on)
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            for href in HREF.findall(response.content.decode()):
                href = href.replace("&amp;", "&")
                if href not in seen and not any(part in href for part in SKIP):
                    queue.append((href, url))
    return seen


@pytest.fixture
def shared_partnership(tenants):
    """School b joins partnership a, whose plan has a person on school a's block: the
    partnership (and its blocks list) is visible to school b, the block's page is not."""
    from scheduling.models import Enrollment

    tenants["partnership_a"].other_schools.add(tenants["school_b"])
    Enrollment.objects.filter(pk=tenants["enrollment_a"].pk).update(
        plan_activity=tenants["activity_a"]
    )
    return tenants


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_link_a_persona_is_shown_opens(shared_partnership, persona):
    client = Client()
    client.force_login(shared_partnership[persona])
    pages = crawl(client)
    refused = {url: result for url, result in pages.items() if result[0] not in (200, 302)}
    assert refused == {}, persona
    assert len(pages) > 10  # the crawl really went through the product
