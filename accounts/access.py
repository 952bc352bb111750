"""Who may see what: querysets scoped to a user.

Every page that looks up a domain object starts from one of these functions, so
an object outside the user's scope simply does not exist for them (404). Each
function is a single query (memberships are subqueries), whatever the user's roles.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from accounts.models import CompanyMembership, SchoolMembership, SchoolRole
from competence_plans.models import CompetencePlan
from partnerships.models import Partnership
from schools.models import CourseBlock

# School roles that read the partnerships of their school.
PARTNERSHIP_READING_SCHOOL_ROLES = (
    SchoolRole.LEADER,
    SchoolRole.COORDINATOR,
    SchoolRole.CONSULTANT,
)


@dataclass
class Roles:
    """The memberships of one user, loaded once per request (two queries)."""

    school_memberships: list[SchoolMembership] = field(default_factory=list)
    company_memberships: list[CompanyMembership] = field(default_factory=list)

    def schools(self, *roles: str) -> list:
        return [m.school for m in self.school_memberships if m.role in roles]

    def companies(self, *roles: str) -> list:
        return [m.company for m in self.company_memberships if m.role in roles]

    def has_school_role(self, role: str) -> bool:
        return any(m.role == role for m in self.school_memberships)

    @property
    def all_companies(self) -> list:
        # One entry per company even when the user is both HR and manager there.
        return list({m.company_id: m.company for m in self.company_memberships}.values())

    @property
    def is_company_user(self) -> bool:
        return bool(self.company_memberships)

    @property
    def is_empty(self) -> bool:
        return not (self.school_memberships or self.company_memberships)


def roles_of(user) -> Roles:
    if not user.is_authenticated:
        return Roles()
    return Roles(
        school_memberships=list(
            SchoolMembership.objects.filter(user=user)
            .select_related("school")
            .order_by("school__name", "role")
        ),
        company_memberships=list(
            CompanyMembership.objects.filter(user=user)
            .select_related("company")
            .order_by("company__name", "role")
        ),
    )


def _school_ids(user, roles):
    return SchoolMembership.objects.filter(user=user, role__in=roles).values("school_id")


def _company_ids(user):
    return CompanyMembership.objects.filter(user=user).values("company_id")


def partnerships_for(user) -> QuerySet[Partnership]:
    if not user.is_authenticated or not user.is_active:
        return Partnership.objects.none()
    if user.is_superuser:
        return Partnership.objects.all()
    school_ids = _school_ids(user, PARTNERSHIP_READING_SCHOOL_ROLES)
    visible = Partnership.objects.filter(
        Q(coordinator=user)
        | Q(lead_school__in=school_ids)
        | Q(other_schools__in=school_ids)
        | Q(company__in=_company_ids(user))
    )
    # A subquery rather than .distinct(): the M2M join can repeat rows.
    return Partnership.objects.filter(pk__in=visible.values("pk"))


def plans_for(user) -> QuerySet[CompetencePlan]:
    return CompetencePlan.objects.filter(partnership__in=partnerships_for(user))


def course_blocks_for(user) -> QuerySet[CourseBlock]:
    """School staff read their school's week plan; teachers the blocks they teach;
    company users the blocks their employees attend or that run at their company."""
    if not user.is_authenticated or not user.is_active:
        return CourseBlock.objects.none()
    if user.is_superuser:
        return CourseBlock.objects.all()
    school_ids = _school_ids(user, PARTNERSHIP_READING_SCHOOL_ROLES)
    company_ids = _company_ids(user)
    visible = CourseBlock.objects.filter(
        Q(school__in=school_ids)
        | Q(teachers=user)
        | Q(company__in=company_ids)
        | Q(enrollments__employee__company__in=company_ids)
    )
    return CourseBlock.objects.filter(pk__in=visible.values("pk"))
