from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Partnership(TimeStampedModel):
    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        AGREEMENT_DRAFT = "agreement_draft", _("Agreement draft")
        ACTIVE = "active", _("Active")
        EVALUATION = "evaluation", _("Evaluation")
        CONCLUDED = "concluded", _("Concluded")
        PAUSED = "paused", _("Paused")

    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    lead_school = models.ForeignKey(
        "schools.School",
        verbose_name=_("lead school"),
        on_delete=models.PROTECT,
        related_name="led_partnerships",
    )
    other_schools = models.ManyToManyField(
        "schools.School",
        verbose_name=_("other schools"),
        related_name="joined_partnerships",
        blank=True,
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        related_name="coordinated_partnerships",
        null=True,
        blank=True,
        help_text=_("The school's tovholder for this partnership."),
    )
    title = models.CharField(_("title"), max_length=200)
    goals = models.TextField(_("goals"), blank=True)
    agreement_terms = models.TextField(_("agreement terms"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROSPECT
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    agreement_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agreement approved by"),
        on_delete=models.PROTECT,
        related_name="approved_agreements",
        null=True,
        blank=True,
    )
    agreement_approved_at = models.DateTimeField(_("agreement approved at"), null=True, blank=True)
    status_before_pause = models.CharField(
        _("status before the pause"), max_length=20, choices=Status.choices, blank=True
    )
    last_activity_at = models.DateTimeField(
        _("last activity"),
        default=timezone.now,
        help_text=_("When anything last happened in the partnership."),
    )

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["company__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="partnership_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(agreement_approved_by__isnull=True, agreement_approved_at__isnull=True)
                | Q(agreement_approved_by__isnull=False, agreement_approved_at__isnull=False),
                name="partnership_approval_by_and_at_together",
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["end_date"]),
            models.Index(fields=["updated_at"]),
            models.Index(fields=["last_activity_at"]),
        ]

    def __str__(self):
        return f"{self.company} – {self.title}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    @property
    def is_agreement_approved(self) -> bool:
        return self.agreement_approved_at is not None


class Meeting(TimeStampedModel):
    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", _("Partnership meeting")
        INTERNAL_FORUM = "internal_forum", _("Internal forum")
        ACTOR_SEMINAR = "actor_seminar", _("Actor seminar")
        LEADER_SEMINAR = "leader_seminar", _("Leader seminar")
        NETWORK = "network", _("Network meeting")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="meetings",
        null=True,
        blank=True,
    )
    schools = models.ManyToManyField(
        "schools.School", verbose_name=_("schools"), related_name="meetings", blank=True
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=250, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="organised_meetings",
        null=True,
        blank=True,
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        related_name="meetings",
        blank=True,
    )
    contact_participants = models.ManyToManyField(
        "companies.Contact",
        verbose_name=_("company participants"),
        related_name="meetings",
        blank=True,
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind="partnership") | Q(partnership__isnull=False),
                name="meeting_partnership_kind_has_partnership",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["kind"])]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The meeting cannot end before it starts.")
        if self.kind == self.Kind.PARTNERSHIP and not self.partnership_id:
            errors["partnership"] = _("A partnership meeting belongs to a partnership.")
        if errors:
            raise ValidationError(errors)


class ActionItem(TimeStampedModel):
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="action_items",
        null=True,
        blank=True,
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="action_items",
        null=True,
        blank=True,
    )
    title = models.CharField(_("action"), max_length=250)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="action_items",
        null=True,
        blank=True,
    )
    # Or a company contact at the meeting, who may have no login.
    owner_contact = models.ForeignKey(
        "companies.Contact",
        verbose_name=_("owner (company contact)"),
        on_delete=models.SET_NULL,
        related_name="action_items",
        null=True,
        blank=True,
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["done", "due_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partnership__isnull=False) | Q(meeting__isnull=False),
                name="action_item_has_partnership_or_meeting",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(owner_contact__isnull=True),
                name="action_item_one_owner",
            ),
        ]
        indexes = [models.Index(fields=["done", "due_date"])]

    def __str__(self):
        return self.title

    @property
    def owner_name(self) -> str:
        if self.owner_id:
            return str(self.owner)
        return self.owner_contact.name if self.owner_contact_id else ""

    def clean(self):
        if not self.partnership_id and not self.meeting_id:
            raise ValidationError(_("An action item belongs to a partnership or a meeting."))


class Theme(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Experience(TimeStampedModel):
    """A lesson learned, written down so other coordinators can use it."""

    class Visibility(models.TextChoices):
        SCHOOL = "school", _("My school")
        NETWORK = "network", _("The whole network")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("lesson learned"))
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), related_name="experiences", blank=True
    )
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.SET_NULL,
        related_name="experiences",
        null=True,
        blank=True,
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        related_name="experiences",
        null=True,
        blank=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="experiences",
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="experiences",
        help_text=_("The school the lesson comes from; 'my school' visibility means this one."),
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.SCHOOL,
    )

    class Meta:
        verbose_name = _("experience")
        verbose_name_plural = _("experiences")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["visibility", "created_at"])]

    def __str__(self):
        return self.title


# The apps above this one (competence_plans, scheduling) own plans and enrollments; the
# partnership reads them through its own reverse relations, never by importing them.
def plan_model():
    return Partnership._meta.get_field("plans").related_model


def enrollment_model():
    activity = plan_model()._meta.get_field("activities").related_model
    return activity._meta.get_field("enrollments").related_model
