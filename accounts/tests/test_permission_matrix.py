"""The permission matrix: every URL the resolver knows, for every persona.

Adding a URL without adding it to MATRIX fails `test_every_url_is_in_the_matrix`.
Expected answers: 200 page, 302 redirect (anonymous: to the login page), 403 not
allowed, 404 outside the user's scope, 405 wrong method. Personas come from the
`tenants` fixture: two schools and two companies, so cross-tenant access is exercised
as soon as a URL takes an object.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "coordinator",
    "leader",
    "teacher",
    "consultant",
    "other_coordinator",
    "hr",
    "other_hr",
    "nobody",
    "admin",
]
SIGNED_IN = PERSONAS[1:]


@dataclass
class Row:
    """Expected GET status per persona; `default` for those not named."""

    default: int
    statuses: dict[str, int] = field(default_factory=dict)
    kwargs: dict = field(default_factory=dict)  # values or callables taking `tenants`

    def expected(self, persona: str) -> int:
        return self.statuses.get(persona, self.default)

    def url(self, name: str, tenants) -> str:
        kwargs = {k: v(tenants) if callable(v) else v for k, v in self.kwargs.items()}
        return reverse(name, kwargs=kwargs)


LOGIN_REQUIRED = {"anonymous": 302}

MATRIX: dict[str, Row] = {
    "home": Row(200, LOGIN_REQUIRED),
    "login": Row(302, {"anonymous": 200}),  # signed-in users go straight home
    "logout": Row(405),  # POST only
    "set_language": Row(302),
    "password_change": Row(200, LOGIN_REQUIRED),
    "password_reset": Row(200),
    "password_reset_done": Row(200),
    "password_reset_confirm": Row(200, kwargs={"uidb64": "MQ", "token": "not-a-token"}),
    "password_reset_complete": Row(200),
}
# The Django admin guards itself (staff only); the matrix samples it below.
WILDCARDS = {"admin:"}


def all_url_names(resolvers=None, namespace="") -> set[str]:
    names = set()
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= all_url_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name or f'<unnamed {entry.pattern}>'}")
    return names


def test_every_url_is_in_the_matrix():
    missing = {
        name
        for name in all_url_names()
        if name not in MATRIX and not any(name.startswith(w) for w in WILDCARDS)
    }
    assert not missing, f"Add these URLs to the permission matrix: {sorted(missing)}"


def client_for(persona: str, tenants, **options) -> Client:
    client = Client(**options)
    if persona != "anonymous":
        client.force_login(tenants[persona])
    return client


CASES = [(name, persona) for name in MATRIX for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_get_answers_as_the_matrix_says(tenants, name, persona):
    row = MATRIX[name]
    response = client_for(persona, tenants).get(row.url(name, tenants))
    assert response.status_code == row.expected(persona), (name, persona)
    if (
        persona == "anonymous"
        and response.status_code == 302
        and name in {"home", "password_change"}
    ):
        assert response["Location"].startswith(reverse("login") + "?next=")


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Keeping a signed-in session alive (last-seen stamp) is the one write a GET may do.
ALLOWED_WRITE_TABLES = ("accounts_usersession",)


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_get_never_changes_state(tenants, name, persona):
    row = MATRIX[name]
    client = client_for(persona, tenants)
    with CaptureQueriesContext(connection) as queries:
        client.get(row.url(name, tenants))
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if WRITE.match(q["sql"]) and not any(t in q["sql"] for t in ALLOWED_WRITE_TABLES)
    ]
    assert writes == [], (name, persona, writes)


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_post_without_csrf_token_is_refused(tenants, name, persona):
    row = MATRIX[name]
    client = client_for(persona, tenants, enforce_csrf_checks=True)
    response = client.post(row.url(name, tenants), {})
    assert response.status_code == 403, (name, persona)
    assert "Formularen er udløbet" in response.content.decode()


ADMIN_SAMPLE = [
    "admin:index",
    "admin:partnerships_partnership_changelist",
    "admin:accounts_auditevent_changelist",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_is_for_superusers_only(tenants, persona):
    client = client_for(persona, tenants)
    for name in ADMIN_SAMPLE:
        response = client.get(reverse(name))
        if persona == "admin":
            assert response.status_code == 200, name
        else:
            assert response.status_code == 302, (name, persona)
            assert response["Location"].startswith(reverse("admin:login"))
