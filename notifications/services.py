"""notify(): the one way a step tells people. Rows are written with the step (same
transaction); e-mail goes after the commit through Celery, and a sweep sends again what
a failing mail server left unsent, so the step itself never fails on mail."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, Model, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from accounts.models import User
from core.mail import send_templated

from . import hooks
from .kinds import KINDS, Kind
from .models import Notification, Preference

logger = logging.getLogger(__name__)


def _target(obj: Model) -> dict:
    return {
        "target_type": ContentType.objects.get_for_model(obj),
        "target_id": str(obj.pk),
    }


def notify(
    kind: Kind,
    *,
    recipients: Iterable[User],
    target: Model,
    url: str,
    actor: User | None = None,
    message: str = "",
    about: str = "",
) -> list[Notification]:
    """Tell each active recipient (never the actor themselves) once. `about` names the
    object when its own name is not the one to show (it is stored, so keep it free of
    words that need translating)."""
    people = {u.pk: u for u in recipients if u is not None and u.is_active and u != actor}
    if not people:
        return []
    chosen = dict(
        Preference.objects.filter(user__in=people, kind=kind.name).values_list(
            "user_id", "delivery"
        )
    )
    rows = Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind=kind.name,
            actor_name=str(actor) if actor else "",
            target_repr=(about or str(target))[:250],
            url=url,
            message=message[:2000],
            waits=kind.waits,
            delivery=chosen.get(pk, Preference.Delivery.NOW)
            if kind.optional
            else Preference.Delivery.NOW,
            **_target(target),
        )
        for pk in people
    )
    User.objects.filter(pk__in=people).update(unread_notifications=F("unread_notifications") + 1)
    now_ids = [row.pk for row in rows if row.delivery == Preference.Delivery.NOW]
    if now_ids:
        transaction.on_commit(lambda: _queue(now_ids), robust=True)
    return rows


def _queue(ids: list[int]) -> None:
    from .tasks import deliver

    deliver.delay(ids)


def resolve(kind: Kind, target: Model) -> int:
    """The step was taken: the message no longer waits for anyone."""
    return Notification.objects.filter(
        kind=kind.name, resolved_at__isnull=True, **_target(target)
    ).update(resolved_at=timezone.now())


# --- e-mail ------------------------------------------------------------------------


def _send(
    user: User | None,
    template: str,
    context: dict,
    subject: str,
    *,
    to: list[str] | None = None,
    attachment: tuple[str, bytes, str] | None = None,
) -> None:
    preferences = settings.SITE_URL + reverse("notifications:preferences") if user else ""
    send_templated(
        subject=subject,
        template=f"notifications/email/{template}",
        context={
            **context,
            "user": user,
            "site": settings.SITE_URL,
            "preferences_url": preferences,
        },
        to=to or [user.email],
        attachment=attachment,
    )


def email_outsiders(kind: Kind, *, target: Model, url: str, addresses: list[str]) -> None:
    """People without a login (company contacts on a meeting): an e-mail only, in the
    installation's language, kept as a row like everyone's so that it is retried."""
    rows = Notification.objects.bulk_create(
        Notification(
            address=address,
            kind=kind.name,
            target_repr=str(target)[:250],
            url=url,
            **_target(target),
        )
        for address in dict.fromkeys(addresses)
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _queue(ids), robust=True)


def _deliver_one(notification: Notification) -> None:
    kind = KINDS[notification.kind]
    attachment = hooks.attachment(notification)
    user = notification.recipient
    if user is None:
        with translation.override(settings.LANGUAGE_CODE):
            _send(
                None,
                "outsider",
                {"kind": kind, "about": notification.target_repr},
                f"{kind.label}: {notification.target_repr}",
                to=[notification.address],
                attachment=attachment,
            )
        return
    with translation.override(user.language):
        _send(
            user,
            "message",
            {"notification": notification, "kind": kind},
            f"{kind.label}: {notification.target_repr}",
            attachment=attachment,
        )


def deliver(ids: list[int]) -> int:
    """E-mail these notifications now; a failure is kept on the row for the sweep."""
    sent = 0
    pending = Notification.objects.filter(
        pk__in=ids, emailed_at__isnull=True, delivery=Preference.Delivery.NOW
    ).select_related("recipient")
    for notification in pending:
        user = notification.recipient
        if user is not None and (not user.email or not user.is_active):
            continue
        try:
            _deliver_one(notification)
        except Exception as error:  # any transport failure: keep it for the sweep
            logger.warning("Notification %s not e-mailed: %s", notification.pk, error)
            Notification.objects.filter(pk=notification.pk).update(
                email_attempts=F("email_attempts") + 1, email_error=str(error)[:250]
            )
            continue
        Notification.objects.filter(pk=notification.pk).update(
            emailed_at=timezone.now(), email_attempts=F("email_attempts") + 1, email_error=""
        )
        sent += 1
    return sent


def deliver_pending() -> int:
    """Send again what failed or never left (a broker or mail server that was down)."""
    stale = timezone.now() - dt.timedelta(seconds=settings.NOTIFICATION_RETRY_AFTER_SECONDS)
    ids = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            delivery=Preference.Delivery.NOW,
            created_at__lte=stale,
            email_attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
        ).values_list("pk", flat=True)[:500]
    )
    return deliver(ids) if ids else 0


def send_digests() -> int:
    """One e-mail per person with the day's digest messages."""
    rows = (
        Notification.objects.filter(
            delivery=Preference.Delivery.DIGEST,
            emailed_at__isnull=True,
            email_attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
        )
        .select_related("recipient")
        .order_by("recipient_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = {}
    for row in rows:
        by_user.setdefault(row.recipient_id, []).append(row)
    sent = 0
    for items in by_user.values():
        user = items[0].recipient
        ids = [item.pk for item in items]
        if not user.email or not user.is_active:
            continue
        try:
            with translation.override(user.language):
                entries = [(KINDS[item.kind], item) for item in items]
                subject = ngettext(
                    "Partnerskab: %(n)d new message", "Partnerskab: %(n)d new messages", len(items)
                ) % {"n": len(items)}
                _send(user, "digest", {"entries": entries}, subject)
        except Exception as error:
            logger.warning("Digest for user %s not e-mailed: %s", user.pk, error)
            Notification.objects.filter(pk__in=ids).update(
                email_attempts=F("email_attempts") + 1, email_error=str(error)[:250]
            )
            continue
        Notification.objects.filter(pk__in=ids).update(emailed_at=timezone.now(), email_error="")
        sent += 1
    return sent


# --- in the product ------------------------------------------------------------------


def waiting_for(user: User, *, limit: int = 20) -> list[Notification]:
    """What waits for this person's action, oldest first."""
    return list(
        Notification.objects.filter(recipient=user, waits=True, resolved_at__isnull=True).order_by(
            "created_at", "pk"
        )[:limit]
    )


def _recount(user: User) -> None:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    User.objects.filter(pk=user.pk).update(unread_notifications=unread)
    user.unread_notifications = unread


def recount_unread(*, user_ids: set[int]) -> None:
    """After rows went in bulk (retention): the menu's counts follow, one query each."""
    unread = Subquery(
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    User.objects.filter(pk__in=user_ids).update(unread_notifications=Coalesce(unread, 0))


@transaction.atomic
def mark_read(*, user: User, ids: list[int] | None = None) -> None:
    """Mark some (or all) of the user's own messages read."""
    mine = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        mine = mine.filter(pk__in=ids)
    mine.update(read_at=timezone.now())
    _recount(user)


@transaction.atomic
def mark_unread(*, user: User, ids: list[int]) -> None:
    Notification.objects.filter(recipient=user, pk__in=ids).update(read_at=None)
    _recount(user)


@transaction.atomic
def preferences_save(*, user: User, choices: dict[str, str], language: str = "") -> None:
    if language in dict(settings.LANGUAGES) and language != user.language:
        user.language = language
        user.save(update_fields=["language"])
    for name, delivery in choices.items():
        kind = KINDS.get(name)
        if kind is None or not kind.optional or delivery not in Preference.Delivery.values:
            continue
        Preference.objects.update_or_create(user=user, kind=name, defaults={"delivery": delivery})


def preferences_of(user: User) -> dict[str, str]:
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {name: chosen.get(name, Preference.Delivery.NOW) for name in KINDS}
