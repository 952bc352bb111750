import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from core.demo.seed import seed_demo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"accounts", "schools", "companies", "partnerships", "competence_plans"}


def test_every_domain_model_is_in_the_admin():
    models = {m for m in apps.get_models() if m._meta.app_label in DOMAIN_APPS}
    assert models - set(admin.site._registry) == set()


def test_admin_pages_of_every_model_work_on_demo_data(client):
    seed_demo()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        assert client.get(changelist).status_code == 200, changelist
        if model_admin.search_fields:
            assert client.get(changelist, {"q": "a"}).status_code == 200, changelist
        assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
        obj = model.objects.first()
        if obj is not None:
            change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert client.get(change).status_code == 200, change


def test_admin_is_closed_to_non_staff(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
