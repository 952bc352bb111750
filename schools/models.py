from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .validators import amu_number_validator, validate_half_days

# 1 ÅE (årselev) = 40 student-weeks of 5 course days = 200 participant course days.
PARTICIPANT_DAYS_PER_AARSELEV = Decimal(200)
HOURS_PER_AMU_DAY = Decimal("7.4")


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
