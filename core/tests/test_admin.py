import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from demo.seed import seed_demo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"accounts", "schools", "companies", "partnerships", "competence_plans"}


# Session rows hold login secrets; they are infrastructure, not something to browse.
NOT_IN_ADMIN = {"accounts.UserSession"}


def test_every_domain_model_is_in_the_admin():
    models = {
        m
        for m in apps.get_models()
        if m._meta.app_label in DOMAIN_APPS and m._meta.label not in NOT_IN_ADMIN
    }
    assert models - set(admin.site._registry) == set()


def test_admin_pages_of_every_model_work_on_demo_data(client, rf):
    seed_demo()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    request = rf.get("/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        assert client.get(changelist).status_code == 200, changelist
        if model_admin.search_fields:
            assert client.get(changelist, {"q": "a"}).status_code == 200, changelist
        add_status = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == add_status
        obj = model.objects.first()
        if obj is not None:
            change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert client.get(change).status_code == 200, change


def test_admin_is_closed_to_non_staff(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_audit_log_is_read_only_and_for_superusers_only(client):
    from accounts.models import AuditEvent
    from accounts.services import audit_record

    event = audit_record(action=AuditEvent.Action.LOGIN, actor=UserFactory())
    change = reverse("admin:accounts_auditevent_change", args=[event.pk])
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="auditevent"))
    client.force_login(staff)
    assert client.get(reverse("admin:accounts_auditevent_changelist")).status_code == 403
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(change).status_code == 200
    assert (
        client.post(
            reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
