from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.isoweek import iso_week_of, weeks_in_year
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


class CourseBlock(TimeStampedModel):
    """One scheduled run (hold) of an AMU course in an ISO week."""

    class Location(models.TextChoices):
        SCHOOL = "school", _("At the school")
        COMPANY = "company", _("At the company")
        OTHER = "other", _("Other place")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="course_blocks",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="course_blocks",
        null=True,
        blank=True,
    )
    course = models.ForeignKey(
        AmuCourse,
        verbose_name=_("AMU course"),
        on_delete=models.PROTECT,
        related_name="blocks",
    )
    reference = models.CharField(
        _("hold reference"),
        max_length=40,
        help_text=_("The school's own identifier for this run, unique per school."),
    )
    iso_year = models.PositiveSmallIntegerField(
        _("ISO year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    iso_week = models.PositiveSmallIntegerField(
        _("ISO week"), validators=[MinValueValidator(1), MaxValueValidator(53)]
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    location = models.CharField(
        _("location"), max_length=20, choices=Location.choices, default=Location.SCHOOL
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        related_name="course_blocks",
        null=True,
        blank=True,
        help_text=_("Required when the course runs at the company."),
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teachers"),
        related_name="taught_blocks",
        blank=True,
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=16,
        validators=[
            MinValueValidator(
                1, message=_("A course block needs room for at least one participant.")
            )
        ],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )

    class Meta:
        verbose_name = _("course block")
        verbose_name_plural = _("course blocks")
        ordering = ["start_date", "course__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "reference"], name="unique_block_reference_per_school"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="course_block_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0), name="course_block_positive_capacity"
            ),
            models.CheckConstraint(
                condition=Q(iso_week__gte=1, iso_week__lte=53),
                name="course_block_iso_week_range",
            ),
            models.CheckConstraint(
                condition=~Q(location="company") | Q(company__isnull=False),
                name="course_block_company_when_at_company",
            ),
        ]
        indexes = [
            models.Index(fields=["iso_year", "iso_week"]),
            models.Index(fields=["school", "start_date"]),
            models.Index(fields=["status", "start_date"]),
        ]

    def __str__(self):
        return f"{self.course.number} {self.course.title}, {self.iso_year}-W{self.iso_week:02d}"

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The end date cannot be before the start date.")
        if self.iso_year and self.iso_week:
            if self.iso_week > weeks_in_year(self.iso_year):
                errors["iso_week"] = _("%(year)s has only %(weeks)s ISO weeks.") % {
                    "year": self.iso_year,
                    "weeks": weeks_in_year(self.iso_year),
                }
            elif self.start_date and iso_week_of(self.start_date) != (
                self.iso_year,
                self.iso_week,
            ):
                errors["start_date"] = _(
                    "The start date must lie in ISO week %(week)s of %(year)s."
                ) % {"week": self.iso_week, "year": self.iso_year}
        if self.location == self.Location.COMPANY and not self.company_id:
            errors["company"] = _("Choose the company when the course runs there.")
        if self.department_id and self.school_id and self.department.school_id != self.school_id:
            errors["department"] = _("The department must belong to the block's school.")
        if errors:
            raise ValidationError(errors)

    @property
    def course_days(self) -> Decimal:
        """Days of teaching in this run: the course's catalogue duration."""
        return self.course.duration_days


class CalendarFeed(TimeStampedModel):
    """A secret link to a calendar of course blocks, for a calendar app to subscribe to.
    Whoever has the link sees the blocks, so it can be replaced (the old one stops)."""

    class Kind(models.TextChoices):
        COORDINATOR = "coordinator", _("My partnerships' course blocks")
        TEACHER = "teacher", _("Course blocks I teach")
        COMPANY = "company", _("My company's course blocks")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    token = models.CharField(_("token"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "company"], name="unique_calendar_feed")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()}"
