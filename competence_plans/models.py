from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from schools.validators import validate_half_days


class CompetencePlan(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        related_name="next_version",
        null=True,
        blank=True,
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    strategy_background = models.TextField(
        _("strategy background"),
        blank=True,
        help_text=_("How the company's strategy makes these competences necessary."),
    )
    needs_analysis = models.TextField(_("needs analysis"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="created_plans",
        null=True,
        blank=True,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="approved_plans",
        null=True,
        blank=True,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # When the plan was last proposed to HR: the dashboard flags plans waiting too long.
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    # Optimistic locking: every save must name the revision it started from.
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("competence plan")
        verbose_name_plural = _("competence plans")
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plan_period_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["partnership", "title", "version"],
                name="unique_plan_version",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="plan_approval_by_and_at_together",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})


class CompetenceGoal(TimeStampedModel):
    """A goal of the plan; activities name the goal they serve (traceability)."""

    plan = models.ForeignKey(
        CompetencePlan,
        verbose_name=_("competence plan"),
        on_delete=models.CASCADE,
        related_name="goals",
    )
    title = models.CharField(_("goal"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("competence goal")
        verbose_name_plural = _("competence goals")
        ordering = ["plan", "position", "id"]

    def __str__(self):
        return self.title


class PlanActivity(TimeStampedModel):
    class Kind(models.TextChoices):
        AMU_COURSE = "amu_course", _("AMU course")
        STAGED_LEARNING = "staged_learning", _("Staged learning at the workplace")
        INFORMAL_LEARNING = "informal_learning", _("Informal workplace learning")
        OTHER_EDUCATION = "other_education", _("Other education")

    plan = models.ForeignKey(
        CompetencePlan,
        verbose_name=_("competence plan"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amu_course = models.ForeignKey(
        "schools.AmuCourse",
        verbose_name=_("AMU course"),
        on_delete=models.PROTECT,
        related_name="plan_activities",
        null=True,
        blank=True,
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    goal = models.ForeignKey(
        CompetenceGoal,
        verbose_name=_("competence goal"),
        on_delete=models.SET_NULL,
        related_name="activities",
        null=True,
        blank=True,
    )
    target_groups = models.ManyToManyField(
        "companies.EmployeeGroup",
        verbose_name=_("target groups"),
        related_name="plan_activities",
        blank=True,
    )
    target_employees = models.ManyToManyField(
        "companies.Employee",
        verbose_name=_("named employees"),
        related_name="plan_activities",
        blank=True,
    )
    planned_start = models.DateField(_("planned from"))
    planned_end = models.DateField(_("planned until"))
    days = models.DecimalField(
        _("days per participant"),
        max_digits=5,
        decimal_places=1,
        validators=[validate_half_days],
    )
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    after = models.ForeignKey(
        "self",
        verbose_name=_("comes after"),
        on_delete=models.SET_NULL,
        related_name="followers",
        null=True,
        blank=True,
        help_text=_("An activity of the plan that must be finished before this one starts."),
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)

    class Meta:
        verbose_name = _("plan activity")
        verbose_name_plural = _("plan activities")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="amu_course") & Q(amu_course__isnull=False))
                | (~Q(kind="amu_course") & Q(amu_course__isnull=True)),
                name="activity_amu_course_exactly_for_amu_kind",
            ),
            models.CheckConstraint(condition=Q(days__gt=0), name="activity_positive_days"),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="activity_planned_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.kind == self.Kind.AMU_COURSE and not self.amu_course_id:
            errors["amu_course"] = _("Choose the AMU course for an AMU activity.")
        if self.kind and self.kind != self.Kind.AMU_COURSE and self.amu_course_id:
            errors["amu_course"] = _(
                "Only AMU course activities link to the AMU catalogue; clear the course "
                "or change the kind."
            )
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("The activity cannot end before it starts.")
        if self.goal_id and self.plan_id and self.goal.plan_id != self.plan_id:
            errors["goal"] = _("The goal must belong to the same plan.")
        if self.after_id:
            errors.update(self._after_errors())
        if errors:
            raise ValidationError(errors)

    def _after_errors(self) -> dict:
        if self.pk and self.after_id == self.pk:
            return {"after": _("An activity cannot come after itself.")}
        if self.plan_id and self.after.plan_id != self.plan_id:
            return {"after": _("The earlier activity must belong to the same plan.")}
        seen, step = {self.pk}, self.after
        while step is not None:
            if step.pk in seen:
                return {"after": _("The order goes round in a circle.")}
            seen.add(step.pk)
            step = step.after
        return {}


class PlanComment(TimeStampedModel):
    """A remark on a plan; company HR sends a plan back with one."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        SENT_BACK = "sent_back", _("Sent back")
        APPROVAL = "approval", _("Approval")

    plan = models.ForeignKey(
        CompetencePlan,
        verbose_name=_("competence plan"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="plan_comments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"
