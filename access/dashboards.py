"""Who sees which school dashboard and the network view."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import SchoolRole

from .partnerships import of_schools
from .roles import Roles, model, roles_of, school_ids

DASHBOARD_ROLES = (SchoolRole.LEADER, SchoolRole.CONSULTANT, SchoolRole.COORDINATOR)


def dashboard_schools(user, roles: Roles | None = None):
    """The schools whose dashboard the user may see, and whether they see only their own
    partnerships (a coordinator who is not also leader or consultant). 403 for others."""
    School = model("schools.School")
    if user.is_superuser:
        return School.objects.all(), False
    roles = roles or roles_of(user)
    memberships = [m for m in roles.school_memberships if m.role in DASHBOARD_ROLES]
    if not memberships:
        raise PermissionDenied(
            _("The dashboard is for school leaders, consultants and coordinators.")
        )
    own_only = all(m.role == SchoolRole.COORDINATOR for m in memberships)
    return School.objects.filter(pk__in=[m.school_id for m in memberships]), own_only


def dashboard_scope(user):
    """(partnerships, course blocks) the dashboards and the block list count from.

    A dashboard school is one where the user holds a role that reads all of that
    school's partnerships and blocks, the same roles `partnerships_for` and
    `course_blocks_for` grant it for, so within the schools in view the two scopes are
    the schools' own rows. Said as plain filters here, the database answers each panel
    from an index; through the general scopes (which also cover teachers and company
    people) every panel's query joined whole tables before filtering."""
    Partnership = model("partnerships.Partnership")
    CourseBlock = model("scheduling.CourseBlock")
    if user.is_superuser:
        return Partnership.objects.all(), CourseBlock.objects.all()
    schools = school_ids(user, DASHBOARD_ROLES)
    return (
        Partnership.objects.filter(of_schools(schools)),
        CourseBlock.objects.filter(school__in=schools),
    )


def network_school_ids(user, roles: Roles) -> list[int] | None:
    """The schools a consultant compares in the network view (None: every school, for an
    administrator). 403 for everyone else."""
    if user.is_superuser:
        return None
    consulting = roles.school_ids(SchoolRole.CONSULTANT)
    if not consulting:
        raise PermissionDenied(_("The network view is for consultants."))
    return consulting
