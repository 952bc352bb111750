"""Shared pieces of the demo seed: the report, the world it builds on, helpers."""

import datetime as dt
from dataclasses import dataclass, field

from companies.validators import is_valid_cvr
from schools.models import AmuCourse, Department, School

DEMO_PASSWORD = "partnerskab"
WEEKS_AHEAD = 16


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int = 1) -> None:
        self.created[name] = self.created.get(name, 0) + count


@dataclass
class World:
    """Reference data the per-company seeding draws on."""

    today: dt.date
    week_monday: dt.date
    schools: list[School]
    departments: dict[int, list[Department]]
    courses_by_fkb: dict[str, list[AmuCourse]]
    users: dict[str, object]
    coordinators: dict[int, list]
    teachers: dict[int, list]
    leaders: dict[int, object]


def cvr_from_seed(n: int) -> str:
    """The n-th valid CVR number in a fixed sequence starting at 3xxxxxxx."""
    candidate = 31_000_000 + n * 97
    while True:
        digits = str(candidate)
        for check in range(10):
            number = digits[:7] + str(check)
            if is_valid_cvr(number):
                return number
        candidate += 10  # the 7-digit prefix has no valid check digit; try the next


def block_reference(school, year: int, week: int, suffix: str) -> str:
    return f"{school.short_name.replace(' ', '').upper()}-{year}{week:02d}-{suffix}"


def username_of(users: dict, user_id: int) -> str:
    return next(name for name, user in users.items() if user.pk == user_id)


def demo_user(User, username, first, last, report, *, usable, superuser=False):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username.replace('.', '-')}@example.org",
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        if usable:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    report.add("users", created)
    return user
