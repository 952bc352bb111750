"""Every workspace page is valid HTML5 with one h1, landmarks and labelled fields."""

import pytest
from django.urls import reverse

from home.tests.test_home import assert_valid_page

pytestmark = pytest.mark.django_db

PAGES = [
    ("companies:list", {}),
    ("companies:create", {}),
    ("companies:detail", {"pk": "company_a"}),
    ("companies:update", {"pk": "company_a"}),
    ("companies:employees", {"pk": "company_a"}),
    ("companies:employee_create", {"pk": "company_a"}),
    ("companies:employee_import", {"pk": "company_a"}),
    ("companies:contact_create", {"pk": "company_a"}),
    ("companies:group_create", {"pk": "company_a"}),
    ("partnerships:list", {}),
    ("partnerships:create", {}),
    ("partnerships:detail", {"pk": "partnership_a"}),
    ("partnerships:update", {"pk": "partnership_a"}),
    ("partnerships:hand_over", {"pk": "partnership_a"}),
    ("partnerships:meetings", {}),
    ("partnerships:meeting_create", {}),
    ("partnerships:meeting_detail", {"pk": "meeting_a"}),
    ("partnerships:meeting_update", {"pk": "meeting_a"}),
    ("partnerships:experiences", {}),
    ("partnerships:experience_create", {}),
    ("partnerships:experience_detail", {"pk": "experience_a"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
@pytest.mark.parametrize("language", ["da", "en"])
def test_page_is_valid_and_every_field_is_labelled(client, tenants, name, kwargs, language):
    client.force_login(tenants["coordinator"])
    url = reverse(name, kwargs={k: tenants[v].pk for k, v in kwargs.items()})
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    document = assert_valid_page(response.content.decode())
    labelled = {label.get("for") for label in document.iter("label")}
    for field in [*document.iter("input"), *document.iter("select"), *document.iter("textarea")]:
        if field.get("type") in {"hidden", "submit"}:
            continue
        assert field.get("id") in labelled or field.get("aria-label"), (name, field.get("name"))
