"""ÅE targets a leader would set: a little above what the week plans hold, so the
dashboard shows a school on its way to a target it has not reached yet."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Sum
from django.db.models.functions import ExtractYear

from scheduling.models import PARTICIPATING_STATUSES, CourseBlock, Enrollment
from schools.figures import aarselever
from schools.models import AeTarget

from .base import SeedReport, World

# The target is this much above the ÅE planned for the year when the demo is seeded.
AMBITION = Decimal("1.15")
# A school or department with nothing planned yet still aims for something.
FLOOR = Decimal("0.5")


def seed_ae_targets(world: World, report: SeedReport) -> None:
    years = (world.today.year, world.today.year + 1)
    planned = {
        (row["course_block__school"], row["course_block__department"], row["year"]): row["days"]
        for row in Enrollment.objects.filter(
            status__in=PARTICIPATING_STATUSES,
            course_block__school__in=world.schools,
            course_block__start_date__year__in=years,
        )
        .exclude(course_block__status=CourseBlock.Status.CANCELLED)
        .annotate(year=ExtractYear("course_block__start_date"))
        .values("course_block__school", "course_block__department", "year")
        .annotate(days=Sum(F("course_block__course__duration_days")))
    }
    for school in world.schools:
        for year in years:
            by_department = {
                department: aarselever(planned.get((school.pk, department.pk, year), 0))
                for department in world.departments[school.pk]
            }
            whole = aarselever(
                sum(days for (s, _d, y), days in planned.items() if s == school.pk and y == year)
            )
            for department, ae in [(None, whole), *by_department.items()]:
                target = max(FLOOR, ae * AMBITION).quantize(Decimal("0.1"), ROUND_HALF_UP)
                _row, created = AeTarget.objects.get_or_create(
                    school=school, department=department, year=year, defaults={"target": target}
                )
                report.add("ae_targets", int(created))
