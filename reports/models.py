import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportJob(models.Model):
    """One requested PDF: its progress, its file, and who asked for it. The id is a
    UUID so links cannot be guessed; the file is served only through a checked view."""

    class Kind(models.TextChoices):
        COMPETENCE_PLAN = "competence_plan", _("Competence plan")
        PARTNERSHIP_STATUS = "partnership_status", _("Partnership status report")
        EVALUATION = "evaluation", _("Evaluation report")
        SCHOOL_EVALUATION = "school_evaluation", _("School evaluation report")
        EMPLOYEE_EXPORT = "employee_export", _("Personal data export")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    plan = models.ForeignKey(
        "competence_plans.CompetencePlan",
        verbose_name=_("competence plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    # A school's report (the evaluation report over a period) has no partnership.
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    # A personal-data export is about one employee (and belongs to their company's partnership
    # scope through the company, not a partnership).
    employee = models.ForeignKey(
        "companies.Employee",
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    source_version = models.CharField(
        _("version of the source"),
        max_length=64,
        help_text=_("A fresh file is reused only while its source is unchanged."),
    )
    language = models.CharField(_("language"), max_length=8)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to="reports/", blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The worker rendering the job holds it until `lease_until`, renewed by a heartbeat
    # while it works; a lease that runs out means the worker died (see reports_sweep_stuck).
    claim = models.CharField(_("claimed by (attempt)"), max_length=32, blank=True)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(partnership__isnull=False)
                | models.Q(school__isnull=False)
                | models.Q(employee__isnull=False),
                name="report_is_about_a_partnership_or_a_school",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def subject(self):
        from reports.kinds import report_kind

        return report_kind(self.kind).subject_of(self)

    @property
    def extension(self) -> str:
        from reports.kinds import report_kind

        return report_kind(self.kind).extension
