import pytest
from django.urls import reverse

from home.tests.test_home import assert_valid_page
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        reverse("login"),
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "x"}),
        reverse("password_reset_complete"),
    ],
)
def test_public_account_pages_are_valid_html5(client, url):
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert_valid_page(response.content.decode())


def test_password_change_page_is_valid_html5_with_labelled_fields(client):
    client.force_login(UserFactory())
    document = assert_valid_page(client.get(reverse("password_change")).content.decode())
    labels = {label.get("for") for label in document.iter("label")}
    assert {"id_old_password", "id_new_password1", "id_new_password2"} <= labels


def test_not_found_page_is_translated_and_valid(client):
    client.force_login(UserFactory())
    response = client.get("/findes-ikke/", HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 404
    assert "Siden findes ikke, eller du har ikke adgang til den." in response.content.decode()
    assert_valid_page(response.content.decode())


def test_csrf_failure_page_is_translated_and_valid():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()
    assert_valid_page(response.content.decode())
