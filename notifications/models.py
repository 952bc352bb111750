"""One row per message to one person: shown in the product, e-mailed (now or in the
daily digest) and, for steps someone must take, kept under "waiting for you" until the
step is taken."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS


class Notification(models.Model):
    """To a person with a login (`recipient`), or by e-mail only to someone without one
    (`address`: a company contact on a meeting), so that their mail is retried alike."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    address = models.EmailField(_("e-mail address (no login)"), blank=True)
    # One of kinds.KINDS (kept in code, so a new kind needs no migration).
    kind = models.CharField(_("kind"), max_length=40)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    actor_name = models.CharField(_("by"), max_length=150, blank=True)
    # What it is about: the object (for resolving) and its name and page (for showing).
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.CASCADE
    )
    target_id = models.CharField(_("object id"), max_length=64)
    target_repr = models.CharField(_("about"), max_length=250)
    url = models.CharField(_("link"), max_length=300)
    message = models.TextField(_("message"), blank=True)
    waits = models.BooleanField(_("waits for an action"), default=False)
    resolved_at = models.DateTimeField(_("action taken"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # E-mail: sent now, in the digest, or not at all (the recipient's preference).
    delivery = models.CharField(_("e-mail"), max_length=10, default="now")
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.CharField(_("e-mail problem"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(address=""),
                name="notification_has_a_recipient",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["target_type", "target_id", "kind"]),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(waits=True, resolved_at__isnull=True),
                name="notification_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.recipient or self.address} – {self.get_kind_display()}: {self.target_repr}"

    def get_kind_display(self) -> str:
        kind = KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind


class Preference(models.Model):
    """How one person wants one kind by e-mail; without a row: immediately."""

    class Delivery(models.TextChoices):
        NOW = "now", _("Immediately")
        DIGEST = "digest", _("In a daily digest")
        OFF = "off", _("Not by e-mail")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(
        _("e-mail"), max_length=10, choices=Delivery.choices, default=Delivery.NOW
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.delivery}"
