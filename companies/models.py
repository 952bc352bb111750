import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.isoweek import week_monday
from core.models import TimeStampedModel

from .validators import validate_cvr


class Sector(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    METAL = "metal", _("Metal and machinery")
    CONSTRUCTION = "construction", _("Construction")
    TRANSPORT = "transport", _("Transport and logistics")
    FOOD = "food", _("Food production")
    RETAIL = "retail", _("Retail and wholesale")
    CLEANING = "cleaning", _("Cleaning and facility services")
    HEALTH = "health", _("Health and care")
    PUBLIC_ADMIN = "public_admin", _("Public administration")
    ENERGY = "energy", _("Energy and utilities")
    HOSPITALITY = "hospitality", _("Hotels and restaurants")
    OTHER = "other", _("Other")


class SizeBand(models.TextChoices):
    MICRO = "1-9", _("1–9 employees")
    SMALL = "10-49", _("10–49 employees")
    MEDIUM = "50-249", _("50–249 employees")
    LARGE = "250+", _("250 or more employees")


class Company(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(
        _("CVR number"),
        max_length=8,
        unique=True,
        validators=[validate_cvr],
        help_text=_("Eight digits, e.g. 10150817."),
    )
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices)
    is_public = models.BooleanField(
        _("public workplace"),
        default=False,
        help_text=_("Municipality, region or state rather than a private company."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    strategy = models.TextField(
        _("strategy"),
        blank=True,
        help_text=_("The company's business strategy as it bears on competences."),
    )
    development_plans = models.TextField(
        _("development plans"),
        blank=True,
        help_text=_("Planned changes: technology, organisation, markets."),
    )
    registered_by = models.ForeignKey(
        "schools.School",
        verbose_name=_("registered by school"),
        on_delete=models.SET_NULL,
        related_name="registered_companies",
        null=True,
        blank=True,
        help_text=_("The school that added the company; its staff see it before any partnership."),
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["sector"]),
            models.Index(fields=["size_band"]),
        ]

    def __str__(self):
        return self.name


class Contact(TimeStampedModel):
    class Role(models.TextChoices):
        HR = "hr", _("HR")
        MANAGEMENT = "management", _("Management")
        SHOP_STEWARD = "shop_steward", _("Shop steward")
        OTHER = "other", _("Other")

    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The contact's login, once they accepted an invitation to the portal.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["company__name", "name"]

    def __str__(self):
        return f"{self.name} ({self.company})"


class EmployeeGroup(TimeStampedModel):
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="employee_groups",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Production must go on: the planner never sends more of the group on courses in
    # one week than these allow (the smaller wins when both are set).
    max_away = models.PositiveSmallIntegerField(
        _("at most away in one week (people)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit."),
    )
    max_away_percent = models.PositiveSmallIntegerField(
        _("at most away in one week (percent of the group)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Empty: no limit."),
    )

    class Meta:
        verbose_name = _("employee group")
        verbose_name_plural = _("employee groups")
        ordering = ["company__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"], name="unique_employee_group_per_company"
            )
        ]

    def __str__(self):
        return self.name

    def away_limit(self, size: int) -> int | None:
        """How many of a group of `size` people may be away in one week, or None for no
        limit. A percentage never forbids everyone: it allows at least one person."""
        limits = []
        if self.max_away:
            limits.append(self.max_away)
        if self.max_away_percent:
            limits.append(max(1, size * self.max_away_percent // 100))
        return min(limits) if limits else None


class EducationLevel(models.TextChoices):
    """Highest completed education; VEU compensation needs 'up to skilled level'."""

    UNSKILLED = "unskilled", _("No vocational education (unskilled)")
    SKILLED = "skilled", _("Vocational education (skilled)")
    SHORT_HIGHER = "short_higher", _("Short higher education")
    MEDIUM_HIGHER = "medium_higher", _("Medium-length higher education")
    LONG_HIGHER = "long_higher", _("Long higher education")
    UNKNOWN = "unknown", _("Unknown")


VEU_ELIGIBLE_LEVELS = (EducationLevel.UNSKILLED, EducationLevel.SKILLED)


class Employee(TimeStampedModel):
    """Minimal personal data (GDPR): no CPR number, no private contact details."""

    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="employees",
    )
    name = models.CharField(_("name"), max_length=200)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    group = models.ForeignKey(
        EmployeeGroup,
        verbose_name=_("group"),
        on_delete=models.SET_NULL,
        related_name="employees",
        null=True,
        blank=True,
    )
    education_level = models.CharField(
        _("education level"),
        max_length=20,
        choices=EducationLevel.choices,
        default=EducationLevel.UNKNOWN,
        help_text=_("Decides eligibility for VEU compensation."),
    )
    email = models.EmailField(
        _("work e-mail"),
        blank=True,
        help_text=_("Optional; used only to send evaluation invitations."),
    )
    active = models.BooleanField(_("active"), default=True)
    # Set once the person's identity has been replaced by a pseudonym (GDPR Art. 17).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["name"]
        indexes = [models.Index(fields=["company", "active", "name"])]

    def __str__(self):
        return self.name

    def clean(self):
        if self.group_id and self.company_id and self.group.company_id != self.company_id:
            raise ValidationError({"group": _("The group must belong to the employee's company.")})

    @property
    def is_veu_eligible(self) -> bool:
        return self.education_level in VEU_ELIGIBLE_LEVELS


class BlackoutWeek(TimeStampedModel):
    """An ISO week when the company cannot send staff on courses (peak season, stocktaking)."""

    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="blackout_weeks",
    )
    iso_year = models.PositiveSmallIntegerField(_("ISO year"))
    iso_week = models.PositiveSmallIntegerField(_("ISO week"))
    note = models.CharField(_("reason"), max_length=200, blank=True)
    # The week's Monday and Sunday, kept with the week so that overlaps with course
    # blocks are plain date comparisons in the database.
    first_day = models.DateField(_("first day"), editable=False)
    last_day = models.DateField(_("last day"), editable=False)

    class Meta:
        verbose_name = _("blackout week")
        verbose_name_plural = _("blackout weeks")
        ordering = ["iso_year", "iso_week"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "iso_year", "iso_week"], name="unique_blackout_week"
            ),
            models.CheckConstraint(
                condition=models.Q(iso_week__gte=1, iso_week__lte=53),
                name="blackout_week_range",
            ),
        ]
        indexes = [models.Index(fields=["company", "first_day"], name="blackout_company_day")]

    def __str__(self):
        return f"{self.company}: {self.iso_year}-W{self.iso_week:02d}"

    def save(self, *args, **kwargs):
        self.first_day = week_monday(self.iso_year, self.iso_week)
        self.last_day = self.first_day + dt.timedelta(days=6)
        super().save(*args, **kwargs)


# Certificates this close to their expiry are listed for renewal.
EXPIRY_WARNING_DAYS = 90


class CertificateType(TimeStampedModel):
    """A certificate people must hold and renew (forklift, first aid, welding…), and the
    AMU course that renews it, when there is one."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Empty: the certificate does not expire."),
    )
    renewing_course = models.ForeignKey(
        "schools.AmuCourse",
        verbose_name=_("renewing AMU course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewed_certificate_types",
        help_text=_("Passing it issues or renews the certificate."),
    )

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def expiry_from(self, issued_on: dt.date) -> dt.date | None:
        if self.validity_months is None:
            return None
        from dateutil.relativedelta import relativedelta

        return issued_on + relativedelta(months=self.validity_months)


class EmployeeCertificate(TimeStampedModel):
    """One certificate an employee holds, entered, imported or issued by passing the
    type's renewing AMU course."""

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered")
        IMPORTED = "imported", _("Imported")
        AMU = "amu", _("AMU course passed")

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    type = models.ForeignKey(
        CertificateType,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    issued_on = models.DateField(_("issued"))
    expires_on = models.DateField(
        _("expires"),
        null=True,
        blank=True,
        help_text=_("Empty: from the type's validity, or never."),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.ENTERED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("employee certificate")
        verbose_name_plural = _("employee certificates")
        ordering = ["expires_on", "type__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="certificate_expires_after_issue",
            )
        ]
        indexes = [models.Index(fields=["expires_on"])]

    def __str__(self):
        return f"{self.type} – {self.employee}"

    def clean(self):
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("The expiry date is before the issue date.")})

    def expires_within(self, today: dt.date, days: int = EXPIRY_WARNING_DAYS) -> bool:
        return self.expires_on is not None and self.expires_on <= today + dt.timedelta(days=days)
