"""Evaluations: versioned questionnaires, one-use invitations, and the answers.

A questionnaire is never changed once answered: editing makes a new version, and every
response points at the version it answered, so earlier figures stay exactly as they were.
Responses carry their block, school, company and partnership so results are one
aggregate query per panel.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class Kind(models.TextChoices):
    MOTIVATION = "motivation", _("Motivation")
    FOLLOW_UP = "follow_up", _("Follow-up")
    EFFECT = "effect", _("Effect")
    COMPANY = "company", _("Company")


class Theme(models.TextChoices):
    MOTIVATION = "motivation", _("Motivation")
    OUTCOME = "outcome", _("Outcome")
    TEACHING = "teaching", _("Teaching")
    TRANSFER = "transfer", _("Transfer to the job")
    COMPANY_BENEFIT = "company_benefit", _("Company benefit")


def _in_language(danish: str, english: str) -> str:
    return english if (translation.get_language() or "da").startswith("en") and english else danish


class Questionnaire(TimeStampedModel):
    """One version of the questions for one kind, either the product's default
    (school empty) or a school's own copy."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaires",
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("in use"), default=True)
    title_da = models.CharField(_("title (Danish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    intro_da = models.TextField(_("introduction (Danish)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["kind", "school", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "school", "version"], name="unique_questionnaire_version"
            ),
            models.UniqueConstraint(
                fields=["kind", "school"],
                condition=models.Q(is_current=True),
                name="one_current_questionnaire_per_school",
            ),
            models.UniqueConstraint(
                fields=["kind", "version"],
                condition=models.Q(school__isnull=True),
                name="unique_default_questionnaire_version",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(school__isnull=True, is_current=True),
                name="one_current_default_questionnaire",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def title(self) -> str:
        return _in_language(self.title_da, self.title_en)

    @property
    def intro(self) -> str:
        return _in_language(self.intro_da, self.intro_en)


class Question(models.Model):
    class Type(models.TextChoices):
        SCALE = "scale", _("Scale 1–5")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("Stays the same across versions, so answers can be compared."),
    )
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.SCALE)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, blank=True)
    text_da = models.CharField(_("question (Danish)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300)
    low_da = models.CharField(_("label for 1 (Danish)"), max_length=60, blank=True)
    low_en = models.CharField(_("label for 1 (English)"), max_length=60, blank=True)
    high_da = models.CharField(_("label for 5 (Danish)"), max_length=60, blank=True)
    high_en = models.CharField(_("label for 5 (English)"), max_length=60, blank=True)
    allow_not_relevant = models.BooleanField(_("“not relevant” allowed"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="unique_question_key")
        ]

    def __str__(self):
        return self.text

    def clean(self):
        if self.type == self.Type.SCALE and not (self.low_da and self.high_da):
            raise ValidationError(
                {"low_da": _("A scale question needs labels for both ends (1 and 5).")}
            )

    @property
    def text(self) -> str:
        return _in_language(self.text_da, self.text_en)

    @property
    def low(self) -> str:
        return _in_language(self.low_da, self.low_en)

    @property
    def high(self) -> str:
        return _in_language(self.high_da, self.high_en)

    @property
    def is_scale(self) -> bool:
        return self.type == self.Type.SCALE


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(TimeStampedModel):
    """A one-use link to one questionnaire, for one participant (or one company contact)
    and one course block."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    course_block = models.ForeignKey(
        "scheduling.CourseBlock",
        verbose_name=_("course block"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="evaluation_invitations",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluation_invitations",
    )
    enrollment = models.ForeignKey(
        "scheduling.Enrollment",
        verbose_name=_("enrollment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("company contact"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evaluation_invitations",
    )
    opens_on = models.DateField(_("opens"))
    expires_on = models.DateField(_("expires"))
    sent_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation invitation")
        verbose_name_plural = _("evaluation invitations")
        ordering = ["course_block", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind"],
                condition=models.Q(enrollment__isnull=False),
                name="one_invitation_per_enrollment_and_kind",
            ),
            models.UniqueConstraint(
                fields=["course_block", "recipient", "kind"],
                condition=models.Q(recipient__isnull=False),
                name="one_company_invitation_per_block_and_contact",
            ),
            models.CheckConstraint(
                condition=models.Q(enrollment__isnull=False) | models.Q(recipient__isnull=False),
                name="invitation_has_a_respondent",
            ),
        ]
        indexes = [models.Index(fields=["kind", "answered_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.course_block}"

    @property
    def email(self) -> str:
        if self.enrollment_id:
            return self.enrollment.employee.email
        return self.recipient.email if self.recipient_id else ""

    def is_expired(self, today) -> bool:
        return today > self.expires_on


class Response(models.Model):
    """One submitted questionnaire. Where it came from is copied onto it, so results
    for a block, plan, partnership or school are a single aggregate query."""

    invitation = models.OneToOneField(
        Invitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="response"
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    course_block = models.ForeignKey(
        "scheduling.CourseBlock",
        verbose_name=_("course block"),
        on_delete=models.CASCADE,
        related_name="evaluation_responses",
    )
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="evaluation_responses",
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="evaluation_responses",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluation_responses",
    )
    plan = models.ForeignKey(
        "competence_plans.CompetencePlan",
        verbose_name=_("competence plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluation_responses",
    )
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["kind", "submitted_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.submitted_at:%Y-%m-%d}"

    @classmethod
    def answering(cls, invitation: Invitation, *, plan_id, submitted_at) -> "Response":
        """An unsaved response to `invitation`, with where it came from copied onto it."""
        return cls(
            invitation=invitation,
            questionnaire_id=invitation.questionnaire_id,
            kind=invitation.kind,
            course_block_id=invitation.course_block_id,
            school_id=invitation.course_block.school_id,
            company_id=invitation.company_id,
            partnership_id=invitation.partnership_id,
            plan_id=plan_id,
            submitted_at=submitted_at,
        )


class Answer(models.Model):
    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    not_relevant = models.BooleanField(_("not relevant"), default=False)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="answer_score_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.score or self.text[:30]}"


class Conclusion(TimeStampedModel):
    """The coordinator's written conclusion on a partnership's evaluations."""

    partnership = models.OneToOneField(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="evaluation_conclusion",
    )
    text = models.TextField(_("conclusion"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evaluation conclusion")
        verbose_name_plural = _("evaluation conclusions")

    def __str__(self):
        return str(self.partnership)
