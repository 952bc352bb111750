import pytest
from django.urls import reverse

from accounts.models import User
from demo.base import DEMO_PASSWORD
from demo.seed import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    seed_demo()


@pytest.mark.parametrize(
    "username",
    ["tovholder", "tovholder2", "leder", "underviser", "konsulent", "hr", "hr2", "admin"],
)
def test_each_demo_role_logs_in_and_reaches_home(client, demo, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_is_refused_with_a_translated_message(client, demo):
    response = client.post(
        reverse("login"),
        {"username": "tovholder", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="da",
    )
    assert response.status_code == 200
    assert "Brugernavnet eller adgangskoden er forkert" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post_and_ends_the_session(client, demo):
    client.force_login(User.objects.get(username="tovholder"))
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
