"""Writes in the accounts area: the audit trail and user lifecycle."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import HttpRequest

from accounts.models import AuditEvent, User, UserSession


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes sees it (honours TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    data: dict | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to the audit trail; state-changing services call this."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=actor.get_username() if actor else actor_name[:150],
        target_type=ContentType.objects.get_for_model(target) if target else None,
        target_id=str(target.pk) if target else "",
        target_repr=str(target)[:250] if target else "",
        data=data or {},
        ip_address=client_address(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:250],
    )


def audit_state_change(
    *,
    actor: User,
    target: models.Model,
    field: str,
    old: str,
    new: str,
    request: HttpRequest | None = None,
) -> AuditEvent:
    return audit_record(
        action=AuditEvent.Action.STATE_CHANGED,
        actor=actor,
        target=target,
        request=request,
        data={"field": field, "from": old, "to": new},
    )


def audit_download(
    *, actor: User, target: models.Model, filename: str, request: HttpRequest | None = None
) -> AuditEvent:
    return audit_record(
        action=AuditEvent.Action.DOWNLOAD,
        actor=actor,
        target=target,
        request=request,
        data={"filename": filename},
    )


def user_end_sessions(*, user: User) -> int:
    """Log the user out everywhere; returns how many sessions ended."""
    deleted, _ = UserSession.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def user_deactivate(*, user: User, by: User, request: HttpRequest | None = None) -> User:
    """Deactivate a login and end all of its sessions at once."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            action=AuditEvent.Action.USER_DEACTIVATED,
            actor=by,
            target=user,
            request=request,
        )
    user_end_sessions(user=user)
    return user
