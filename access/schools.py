"""Schools, the national AMU catalogue, and on whose behalf a user acts."""

from django.db.models import QuerySet

from accounts.models import SchoolMembership, SchoolRole

from .capabilities import Capability, rule_for
from .roles import active, any_school_ids, has_school_role, school_ids, scope_of


@scope_of("schools.School")
def schools_for(user, School) -> QuerySet:
    return School.objects.filter(pk__in=any_school_ids(user))


def registering_schools(user) -> QuerySet:
    """Schools on whose behalf the user may add companies and start partnerships."""
    return _schools_with(user, SchoolRole.COORDINATOR, SchoolRole.LEADER)


def scheduling_schools(user) -> QuerySet:
    """Schools whose week plan the user schedules blocks into."""
    return _schools_with(user, SchoolRole.COORDINATOR)


def manages_calendar_schools(user) -> QuerySet:
    """Schools whose closed periods the user keeps: coordinators plan around them,
    leaders decide them."""
    return _schools_with(user, SchoolRole.COORDINATOR, SchoolRole.LEADER)


def led_schools(user) -> QuerySet:
    """Schools whose staff page the user manages (the menu's "Staff")."""
    return _schools_with(user, SchoolRole.LEADER)


def target_setting_schools(user) -> QuerySet:
    """Schools whose ÅE targets the user sets: their leaders decide them (administrators
    may act for any school)."""
    return _schools_with(user, SchoolRole.LEADER)


@scope_of("schools.School")
def _schools_with(user, School, *roles) -> QuerySet:
    return School.objects.filter(pk__in=school_ids(user, roles))


@scope_of("schools.AmuCourse")
def amu_courses_for(user, AmuCourse) -> QuerySet:
    """The catalogue is national and public; school staff and admins browse it."""
    if SchoolMembership.objects.filter(user=user).exists():
        return AmuCourse.objects.all()
    return AmuCourse.objects.none()


def can_manage_catalogue(user) -> bool:
    return active(user) and (
        user.is_superuser
        or SchoolMembership.objects.filter(user=user, role=SchoolRole.LEADER).exists()
    )


def can_manage_funding_rates(user) -> bool:
    """The year's VEU rates and participant fees are national figures every school
    uses; administrators keep them, not one school's leader."""
    return active(user) and user.is_superuser


@rule_for("schools.School")
def school_rule(user, capability: str, school) -> bool:
    if capability == Capability.VIEW:
        return has_school_role(user, [school.pk], *SchoolRole.values)
    if capability == Capability.SCHEDULE_BLOCKS:
        return has_school_role(user, [school.pk], SchoolRole.COORDINATOR)
    if capability in (
        Capability.MANAGE_CATALOGUE,
        Capability.MANAGE_QUESTIONNAIRES,
        Capability.MANAGE_PEOPLE,
    ):
        return has_school_role(user, [school.pk], SchoolRole.LEADER)
    return False
