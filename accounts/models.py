from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class User(AbstractUser):
    """A person who logs in. Roles come from memberships, never from fields here."""

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails the product sends this person."),
    )
    # Kept with the user row (which every page loads anyway) so the menu's count costs no
    # query; notifications.services keeps it in step.
    unread_notifications = models.PositiveIntegerField(_("unread notifications"), default=0)
    two_factor_reset = models.BooleanField(
        _("must set up two-factor login again"),
        default=False,
        help_text=_("Set when someone reset this person's two-factor login after a lost phone."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class SchoolRole(models.TextChoices):
    LEADER = "leader", _("School leader")
    COORDINATOR = "coordinator", _("Coordinator")
    TEACHER = "teacher", _("Teacher")
    CONSULTANT = "consultant", _("Consultant")


class CompanyRole(models.TextChoices):
    HR = "hr", _("HR")
    MANAGER = "manager", _("Manager")


class SchoolMembership(TimeStampedModel):
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="school_memberships",
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=SchoolRole.choices)
    department = models.ForeignKey(
        "schools.Department",
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("school membership")
        verbose_name_plural = _("school memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school", "role"], name="unique_school_membership"
            )
        ]
        indexes = [models.Index(fields=["role"])]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.school}"


class CompanyMembership(TimeStampedModel):
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="company_memberships",
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=CompanyRole.choices)

    class Meta:
        verbose_name = _("company membership")
        verbose_name_plural = _("company memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company", "role"], name="unique_company_membership"
            )
        ]
        indexes = [models.Index(fields=["role"])]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}, {self.company}"


class UserSession(AbstractBaseSession):
    """Django's database session plus the user it belongs to, so that all of one
    user's sessions can be ended at once (deactivation, "log out everywhere")."""

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="sessions",
        null=True,
        db_index=True,
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore


class AuditEvent(models.Model):
    """Who did what to which object, when and from where. Append-only."""

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out after failed logins")
        LOGOUT = "logout", _("Logged out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
        PASSWORD_RESET = "password_reset", _("Password reset by e-mail link")
        USER_DEACTIVATED = "user_deactivated", _("User deactivated")
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        STATE_CHANGED = "state_changed", _("State changed")
        AGREEMENT_APPROVED = "agreement_approved", _("Agreement approved")
        COORDINATOR_CHANGED = "coordinator_changed", _("Coordinator handed over")
        MEETING_HELD = "meeting_recorded", _("Meeting recorded")
        ACTION_ITEM_DONE = "action_item_done", _("Action item done")
        EXPERIENCE_RECORDED = "experience_recorded", _("Experience recorded")
        IMPORTED = "imported", _("Imported")
        DOWNLOAD = "download", _("File downloaded")
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor login set up")
        TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor login turned off")
        TWO_FACTOR_VERIFIED = "two_factor_verified", _("Second factor accepted")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Wrong second-factor code")
        RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
        RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("New recovery codes made")
        EXPORTED = "exported", _("Personal data exported")
        ANONYMISED = "anonymised", _("Person anonymised")
        RETENTION_APPLIED = "retention_applied", _("Retention periods applied")
        INVITATION_SENT = "invitation_sent", _("Invitation sent")
        INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
        INVITATION_LINK_REQUESTED = "invitation_link_requested", _("New invitation link asked for")
        ACCESS_GRANTED = "access_granted", _("Access given")
        ROLES_CHANGED = "roles_changed", _("Roles changed")
        ACCESS_ENDED = "access_ended", _("Access ended")
        TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor login reset by someone else")

    created_at = models.DateTimeField(
        _("when"), default=timezone.now, editable=False, db_index=True
    )
    actor = models.ForeignKey(
        User,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        related_name="audit_events",
        null=True,
        blank=True,
    )
    # Kept as text so the trail survives the deletion of the user or the object.
    actor_name = models.CharField(_("who (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("what"), max_length=40, choices=Action.choices, db_index=True)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=250, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("from address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"


class Throttle(models.Model):
    """How often one key (an account, an address, an e-mail) did one thing in the current
    window: a fixed window that starts at the first attempt after the last one ended.
    Keys are stored as keyed digests, so the table holds no address or e-mail in clear."""

    scope = models.CharField(_("what"), max_length=40)
    key_digest = models.CharField(_("who (digest)"), max_length=64)
    window_start = models.DateTimeField(_("window started"))
    count = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("throttle")
        verbose_name_plural = _("throttles")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key_digest"], name="throttle_one_per_key")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self):
        return f"{self.scope}: {self.count}"
