from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .validators import amu_number_validator, validate_half_days

# 1 ÅE (årselev) = 40 student-weeks of 5 course days = 200 participant course days.
PARTICIPANT_DAYS_PER_AARSELEV = Decimal(200)
HOURS_PER_AMU_DAY = Decimal("7.4")
DAYS_PER_COURSE_WEEK = Decimal(5)
# The years rates and targets are kept for (the planner's years: core.isoweek).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class School(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(TimeStampedModel):
    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="departments",
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["school__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="unique_department_per_school")
        ]

    def __str__(self):
        return f"{self.name} ({self.school.short_name})"


class Fkb(TimeStampedModel):
    """Fælles kompetencebeskrivelse: a job area that groups AMU courses."""

    code = models.CharField(
        _("FKB code"),
        max_length=10,
        unique=True,
        help_text=_("The FKB number, e.g. 2272."),
    )
    title = models.CharField(_("title"), max_length=250)

    class Meta:
        verbose_name = _("FKB (common competence description)")
        verbose_name_plural = _("FKBs (common competence descriptions)")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"


class AmuCourse(TimeStampedModel):
    number = models.CharField(
        _("AMU number"),
        max_length=5,
        unique=True,
        validators=[amu_number_validator],
        help_text=_("Five digits, e.g. 22906."),
    )
    title = models.CharField(_("title"), max_length=250)
    duration_days = models.DecimalField(
        _("duration (days)"),
        max_digits=4,
        decimal_places=1,
        validators=[validate_half_days],
        help_text=_("Whole or half days; one AMU day is 7.4 hours."),
    )
    fkb = models.ForeignKey(
        Fkb,
        verbose_name=_("FKB"),
        on_delete=models.PROTECT,
        related_name="courses",
    )
    active = models.BooleanField(_("active"), default=True)
    has_test = models.BooleanField(
        _("ends with a test"),
        default=False,
        help_text=_("Since 2020 the AMU certificate of such a course is issued only on a pass."),
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented for the demo; not a real catalogue entry."),
    )

    class Meta:
        verbose_name = _("AMU course")
        verbose_name_plural = _("AMU courses")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_days__gt=0), name="amu_course_positive_duration"
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^[0-9]{5}$"), name="amu_course_number_5_digits"
            ),
        ]
        indexes = [models.Index(fields=["active", "number"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def duration_hours(self) -> Decimal:
        return self.duration_days * HOURS_PER_AMU_DAY


class FundingRate(TimeStampedModel):
    """One year's AMU rates, the same for every school, per course week (a course day is
    a fifth of a week): the VEU wage compensation a company receives for an eligible
    participant, the participant fee (deltagerbetaling) it pays for one, and the full
    price it pays for a participant educated above the fee's level. A figure takes the
    rates of the year its block, or its planned period, starts in."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    veu_per_week = models.DecimalField(
        _("VEU compensation per week (DKK)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    veu_is_estimate = models.BooleanField(_("VEU rate is an estimate"), default=False)
    fee_per_week = models.DecimalField(
        _("participant fee per week (DKK)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("For participants educated up to skilled level."),
    )
    fee_is_estimate = models.BooleanField(_("participant fee is an estimate"), default=False)
    full_price_per_week = models.DecimalField(
        _("full price per week (DKK)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("For participants with a higher education."),
    )
    full_price_is_estimate = models.BooleanField(_("full price is an estimate"), default=False)

    class Meta:
        verbose_name = _("funding rate")
        verbose_name_plural = _("funding rates")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="funding_rate_year_range",
            ),
            models.CheckConstraint(
                condition=Q(veu_per_week__gte=0, fee_per_week__gte=0, full_price_per_week__gte=0),
                name="funding_rate_not_negative",
            ),
        ]

    def __str__(self):
        return str(self.year)

    @property
    def is_estimate(self) -> bool:
        return self.veu_is_estimate or self.fee_is_estimate or self.full_price_is_estimate

    @property
    def veu_per_day(self) -> Decimal:
        return self.veu_per_week / DAYS_PER_COURSE_WEEK

    @property
    def fee_per_day(self) -> Decimal:
        return self.fee_per_week / DAYS_PER_COURSE_WEEK

    @property
    def full_price_per_day(self) -> Decimal:
        return self.full_price_per_week / DAYS_PER_COURSE_WEEK


class AeTarget(TimeStampedModel):
    """How many ÅE a school, or one of its departments, aims for in a calendar year; set
    by the school's leaders. The school's own target (no department) is what the
    dashboard compares a whole school with; a department's, a department's view."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="ae_targets"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ae_targets",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    target = models.DecimalField(
        _("ÅE target"),
        max_digits=7,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("ÅE target")
        verbose_name_plural = _("ÅE targets")
        ordering = ["school__name", "year", "department__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year"],
                condition=Q(department__isnull=True),
                name="one_school_ae_target_a_year",
            ),
            models.UniqueConstraint(
                fields=["department", "year"],
                condition=Q(department__isnull=False),
                name="one_department_ae_target_a_year",
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="ae_target_not_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="ae_target_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.department or self.school} {self.year}: {self.target}"

    def clean(self):
        if self.department_id and self.department.school_id != self.school_id:
            raise ValidationError({"department": _("The department belongs to another school.")})
