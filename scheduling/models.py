"""Course blocks (holds of AMU courses in ISO weeks), who is enrolled on them, and
the calendar links that publish them. The tables keep the names they had when blocks
belonged to ``schools`` and enrollments to ``competence_plans``."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.isoweek import iso_week_of, weeks_in_year
from core.models import TimeStampedModel
from schools.models import AmuCourse, Department, School


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
    min_participants = models.PositiveSmallIntegerField(
        _("minimum class size"),
        default=0,
        help_text=_(
            "The coordinators are warned two weeks before start when fewer have a place. "
            "0: no minimum."
        ),
    )
    pooled = models.BooleanField(
        _("open to other partner companies"),
        default=True,
        help_text=_(
            "Several companies may fill the block together; each company's HR sees only "
            "its own people on it. Untick for a block kept for the company it runs at."
        ),
    )

    class Meta:
        db_table = "schools_courseblock"
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
            models.CheckConstraint(
                condition=Q(pooled=True) | Q(company__isnull=False),
                name="course_block_company_when_not_pooled",
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
        elif not self.pooled and not self.company_id:
            errors["company"] = _("Choose the company the block is kept for.")
        if self.min_participants and self.capacity and self.min_participants > self.capacity:
            errors["min_participants"] = _("The minimum class size cannot exceed the capacity.")
        if self.department_id and self.school_id and self.department.school_id != self.school_id:
            errors["department"] = _("The department must belong to the block's school.")
        if errors:
            raise ValidationError(errors)

    @property
    def course_days(self) -> Decimal:
        """Days of teaching in this run: the course's catalogue duration."""
        return self.course.duration_days

    @property
    def ends_with_half_day(self) -> bool:
        return self.course.duration_days % 1 != 0

    @property
    def place(self) -> str:
        """Where the teaching happens, as an address a teacher can go to: the school's
        address at the school, the company's at the company, the typed one otherwise."""
        if self.address:
            return self.address
        if self.location == self.Location.COMPANY and self.company_id:
            return _postal_address(self.company)
        if self.location == self.Location.SCHOOL:
            return _postal_address(self.school)
        return str(_("Place not given yet"))


def _postal_address(party) -> str:
    town = f"{party.postal_code} {party.city}".strip()
    return ", ".join(part for part in (party.name, party.address, town) if part)


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
        db_table = "schools_calendarfeed"
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "company"], name="unique_calendar_feed")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_kind_display()}"


class Enrollment(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ENROLLED = "enrolled", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    employee = models.ForeignKey(
        "companies.Employee",
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    course_block = models.ForeignKey(
        CourseBlock,
        verbose_name=_("course block"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    plan_activity = models.ForeignKey(
        "competence_plans.PlanActivity",
        verbose_name=_("plan activity"),
        on_delete=models.SET_NULL,
        related_name="enrollments",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )

    class TestResult(models.TextChoices):
        PASSED = "passed", _("Passed")
        NOT_PASSED = "not_passed", _("Not passed")
        NOT_TAKEN = "not_taken", _("No test taken")

    test_result = models.CharField(
        _("test result"),
        max_length=20,
        choices=TestResult.choices,
        blank=True,
        help_text=_("For courses that end with a test; empty until recorded."),
    )
    queued_at = models.DateTimeField(
        _("on the waiting list since"),
        null=True,
        blank=True,
        help_text=_("A freed seat goes to the one who has waited longest."),
    )

    class Meta:
        db_table = "competence_plans_enrollment"
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["course_block", "employee__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "course_block"], name="unique_enrollment_per_block"
            ),
            models.CheckConstraint(
                condition=Q(test_result="") | Q(status="completed"),
                name="test_result_only_when_completed",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.employee} – {self.course_block}"

    @property
    def certified(self) -> bool:
        """Whether the AMU certificate is issued: completed, and passed when the course
        ends with a test."""
        return self.status == self.Status.COMPLETED and (
            not self.course_block.course.has_test or self.test_result == self.TestResult.PASSED
        )

    def clean(self):
        errors = {}
        activity = self.plan_activity if self.plan_activity_id else None
        if (
            activity
            and self.course_block_id
            and activity.amu_course_id != self.course_block.course_id
        ):
            errors["plan_activity"] = _("The plan activity is for another course than this block.")
        if (
            activity
            and self.employee_id
            and activity.plan.partnership.company_id != self.employee.company_id
        ):
            errors["employee"] = _("The employee works for another company than the plan's.")
        if errors:
            raise ValidationError(errors)


# The one definition: an enrollment in these states takes a seat on its block, clashes
# with the person's other blocks and counts as (planned) participation in figures. A
# no-show took no part, a waiting or cancelled place holds no seat.
PARTICIPATING_STATUSES = (
    Enrollment.Status.PLANNED,
    Enrollment.Status.ENROLLED,
    Enrollment.Status.COMPLETED,
)
# Also on the model, for the apps below that reach it through a relation.
Enrollment.PARTICIPATING_STATUSES = PARTICIPATING_STATUSES


class BlockReservation(TimeStampedModel):
    """Seats a company holds on a block before it names the people (reserved spaces).
    Its named participants fill the reservation first; the unfilled rest still counts
    against the block's capacity."""

    block = models.ForeignKey(
        CourseBlock,
        verbose_name=_("course block"),
        on_delete=models.CASCADE,
        related_name="reservations",
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name=_("company"),
        on_delete=models.CASCADE,
        related_name="block_reservations",
    )
    seats = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1, message=_("Reserve at least one seat."))]
    )

    class Meta:
        verbose_name = _("seat reservation")
        verbose_name_plural = _("seat reservations")
        ordering = ["company__name"]
        constraints = [
            models.UniqueConstraint(fields=["block", "company"], name="unique_reservation"),
            models.CheckConstraint(condition=Q(seats__gt=0), name="reservation_positive_seats"),
        ]

    def __str__(self):
        return f"{self.company}: {self.seats} – {self.block}"


class SchoolClosure(TimeStampedModel):
    """Days a school does not teach (summer, Christmas, a staff day). Blocks skip them
    like public holidays."""

    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="closures"
    )
    name = models.CharField(_("name"), max_length=100)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="closure_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["school", "first_day"])]

    def __str__(self):
        return f"{self.school.short_name}: {self.name}"


class TeacherQualification(TimeStampedModel):
    """A teacher may teach an AMU course, or every course of an FKB, at a school. The
    planner that proposes blocks only gives a course to a qualified teacher."""

    school = models.ForeignKey(
        School,
        verbose_name=_("school"),
        on_delete=models.CASCADE,
        related_name="teacher_qualifications",
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        on_delete=models.CASCADE,
        related_name="teaching_qualifications",
    )
    course = models.ForeignKey(
        AmuCourse,
        verbose_name=_("AMU course"),
        on_delete=models.CASCADE,
        related_name="teacher_qualifications",
        null=True,
        blank=True,
    )
    fkb = models.ForeignKey(
        "schools.Fkb",
        verbose_name=_("FKB"),
        on_delete=models.CASCADE,
        related_name="teacher_qualifications",
        null=True,
        blank=True,
        help_text=_("Every course of the common competence description."),
    )

    class Meta:
        verbose_name = _("teaching qualification")
        verbose_name_plural = _("teaching qualifications")
        ordering = ["school", "teacher__first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(course__isnull=False, fkb__isnull=True)
                | Q(course__isnull=True, fkb__isnull=False),
                name="qualification_course_or_fkb",
            ),
            models.UniqueConstraint(
                fields=["school", "teacher", "course"],
                condition=Q(course__isnull=False),
                name="unique_course_qualification",
            ),
            models.UniqueConstraint(
                fields=["school", "teacher", "fkb"],
                condition=Q(fkb__isnull=False),
                name="unique_fkb_qualification",
            ),
        ]

    def __str__(self):
        return f"{self.teacher}: {self.course or self.fkb}"

    def clean(self):
        if bool(self.course_id) == bool(self.fkb_id):
            raise ValidationError(_("Choose either an AMU course or an FKB."))


class ScheduleProposal(TimeStampedModel):
    """A schedule the planner proposes for a plan's AMU activities: worked out by a
    worker, shown to the coordinator, written only for the blocks they accept.

    `items` holds the proposed blocks, each {"key", "activity", "course", "week" (ISO
    year and week), "start", "end", "block" (an existing block joined) or "teacher"
    (a new block's), "employees", "reasons", "accepted"}; `unscheduled` the activities
    or people no schedule could place, with why; `fixed` the weeks the coordinator
    pinned before asking again."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being worked out")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    plan = models.ForeignKey(
        "competence_plans.CompetencePlan",
        verbose_name=_("competence plan"),
        on_delete=models.CASCADE,
        related_name="schedule_proposals",
    )
    school = models.ForeignKey(
        School, verbose_name=_("school"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="schedule_proposals",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    capacity = models.PositiveSmallIntegerField(
        _("capacity of new blocks"),
        default=16,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    min_participants = models.PositiveSmallIntegerField(
        _("minimum class size of new blocks"),
        default=6,
        validators=[MaxValueValidator(99)],
    )
    language = models.CharField(_("language"), max_length=8, default="da")
    fixed = models.JSONField(_("fixed weeks"), default=list, blank=True)
    items = models.JSONField(_("proposed blocks"), default=list, blank=True)
    unscheduled = models.JSONField(_("not placed"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("schedule proposal")
        verbose_name_plural = _("schedule proposals")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_participants__lte=models.F("capacity")),
                name="proposal_minimum_within_capacity",
            )
        ]

    def __str__(self):
        return f"{self.plan} – {self.get_status_display()}"

    @property
    def open_items(self) -> list[dict]:
        return [item for item in self.items if not item.get("accepted")]
