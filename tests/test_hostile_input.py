"""No input gives a 500: every URL pattern, with hostile values in each path parameter and
each query parameter, and hostile values posted to every field of every form it shows.

Runs on SQLite and on PostgreSQL (CI runs the suite on both): PostgreSQL refuses NUL bytes
and out-of-range numbers that SQLite stores without a word, so both are needed.
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve

from access.tests.test_permission_matrix import MATRIX, client_for

pytestmark = pytest.mark.django_db

# Who looks at each page: the first of these the matrix lets in (most can do most).
PERSONAS = ("coordinator", "leader", "hr", "teacher", "consultant", "admin", "anonymous")
PATH_VALUES = ("0", "-1", "abc", "99999999999999999999", "%00", "1%00", "９", "..%2F..")
FIELD_VALUES = (
    "abc",
    "-1",
    "99999999999999999999",
    "1e309",
    "a\x00b",
    "9999-W52",
    "0001-W01",
    "2026-W99",
    "0001-01-01T00:30",
    "9999-12-31T23:59",
    "0001-01-01",
    "１２３４５",
    "٩٩٩٠٩",
    "1000",
    "x" * 3000,
)
# One field at a time (the others valid), so a value reaches code that a form with every
# field wrong never would: the kinds that broke before (numbers, NUL, dates, weeks, digits).
PER_FIELD_VALUES = (
    "abc",
    "99999999999999999999",
    "a\x00b",
    "0001-01-01T00:30",
    "9999-W52",
    "٩٩٩٠٩",
)
# Query names views read outside their forms.
QUERY_NAMES = ("next", "kind", "export", "activity", "partnership", "page", "company", "week")
SKIPPED_ACTIONS = {"logout"}  # ends the session the rest of the test needs


class Forms(HTMLParser):
    """The forms of a page: method, action and each field's name and first value."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").lower(),
                    "action": attrs.get("action") or "",
                    "fields": {},
                    "files": set(),
                }
            )
        elif self.forms and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            form, name = self.forms[-1], attrs["name"]
            if attrs.get("type") == "file":
                form["files"].add(name)
            elif attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                form["fields"].setdefault(name, None)
            else:
                form["fields"].setdefault(name, attrs.get("value", ""))
        elif self.forms and tag == "option" and attrs.get("value"):
            fields = self.forms[-1]["fields"]
            last = next(reversed(fields), None)
            if last is not None and not fields[last]:
                fields[last] = attrs["value"]


def _persona(row):
    for persona in PERSONAS:
        if row.expected(persona) in (200, 405):
            return persona
    return "admin"


def _hostile_paths(url: str):
    """The URL with each path parameter in turn replaced by each hostile value."""
    match = resolve(url)
    route = match.route
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    for param in params:
        for value in PATH_VALUES:

            def fill(m, param=param, value=value):
                name = m.group(1)
                return value if name == param else quote(str(match.kwargs[name]), safe="")

            yield "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route).lstrip("^").rstrip("$")


def _same_site(action: str, page_url: str) -> str | None:
    path = urlsplit(action).path or urlsplit(page_url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return None if match.url_name in SKIPPED_ACTIONS else path


def _check(response, what):
    assert response.status_code < 500, (response.status_code, what)


def _post_fuzz(client, path, form):
    defaults = {k: v for k, v in form["fields"].items() if v is not None}
    files = form["files"]

    def post(data):
        payload = dict(data)
        for name in files:
            payload[name] = SimpleUploadedFile("liste.xlsx", b"PK\x03\x04\x00not a workbook")
        return client.post(path, payload)

    for value in FIELD_VALUES:
        _check(post(dict.fromkeys(form["fields"], value)), (path, "every field", value[:20]))
    shapes = set()
    for name in form["fields"]:
        # Formset rows repeat one field under numbered names: one of each is enough.
        shape = re.sub(r"[0-9]+", "#", name)
        if name == "csrfmiddlewaretoken" or shape in shapes:
            continue
        shapes.add(shape)
        for value in PER_FIELD_VALUES:
            _check(post({**defaults, name: value}), (path, name, value[:20]))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_no_hostile_value_in_a_url_or_form_gives_a_server_error(tenants, name):
    row = MATRIX[name]
    if name in SKIPPED_ACTIONS:
        return
    with row.environment():
        _no_server_error_from_hostile_values(row, name, tenants)


def _no_server_error_from_hostile_values(row, name, tenants):
    client = client_for(_persona(row), tenants)
    url = row.url(name, tenants)
    for path in _hostile_paths(url):
        _check(client.get(path), path)
        _check(client.post(path, {}), ("POST", path))
    for value in FIELD_VALUES:
        _check(client.get(url + "?" + urlencode(dict.fromkeys(QUERY_NAMES, value))), (url, value))
    page = client.get(url)
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        return
    parser = Forms()
    parser.feed(page.content.decode())
    for form in parser.forms:
        if form["method"] == "get":
            names = [n for n in form["fields"] if n]
            for value in PER_FIELD_VALUES:
                for field in names:
                    query = urlencode({**dict.fromkeys(names, ""), field: value})
                    target = urlsplit(form["action"]).path or urlsplit(url).path
                    _check(client.get(f"{target}?{query}"), (url, field, value[:20]))
        elif path := _same_site(form["action"], url):
            _post_fuzz(client, path, form)
