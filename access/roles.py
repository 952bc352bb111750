"""Who a user is: their memberships, and the membership subqueries every scope uses.

The access package sits low in the layers (every domain's views and services ask it),
so it never imports a domain's code. It reaches other apps' models through the app
registry by label, as Django's own foreign-key strings do; only ``accounts`` (the user
and memberships) is below it and imported directly.
"""

import functools
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import QuerySet

from accounts.models import CompanyMembership, CompanyRole, SchoolMembership, SchoolRole, User

# School roles that read the partnerships of their school.
PARTNERSHIP_READING_SCHOOL_ROLES = (
    SchoolRole.LEADER,
    SchoolRole.COORDINATOR,
    SchoolRole.CONSULTANT,
)
# School roles that may see the employees of their school's partner companies.
EMPLOYEE_READING_SCHOOL_ROLES = (SchoolRole.LEADER, SchoolRole.COORDINATOR)
# The company roles that read the company's partnerships, plans and dashboard.
COMPANY_READING_ROLES = (CompanyRole.HR, CompanyRole.MANAGER)


def model(label: str):
    """A domain model by its label ("partnerships.Partnership")."""
    return apps.get_model(label)


@dataclass
class Roles:
    """The memberships of one user, loaded once per request (two queries)."""

    school_memberships: list[SchoolMembership] = field(default_factory=list)
    company_memberships: list[CompanyMembership] = field(default_factory=list)

    def schools(self, *roles: str) -> list:
        return [m.school for m in self.school_memberships if m.role in roles]

    def school_ids(self, *roles: str) -> list[int]:
        return [m.school_id for m in self.school_memberships if m.role in roles]

    def company_ids(self, *roles: str) -> list[int]:
        return [m.company_id for m in self.company_memberships if m.role in roles]

    def has_school_role(self, role: str) -> bool:
        return any(m.role == role for m in self.school_memberships)

    @property
    def all_companies(self) -> list:
        # One entry per company even when the user is both HR and manager there.
        return list({m.company_id: m.company for m in self.company_memberships}.values())

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


def active(user) -> bool:
    return user.is_authenticated and user.is_active


def scope_of(label: str):
    """Decorator for a scope, ``function(user, Model, *args) -> QuerySet``, that answers
    for an active user without special powers: visitors and deactivated users see none of
    the model, superusers all of it (one place for both rules)."""

    def decorator(function):
        @functools.wraps(function)
        def scope(user, *args) -> QuerySet:
            model_class = model(label)
            if not active(user):
                return model_class.objects.none()
            if user.is_superuser:
                return model_class.objects.all()
            return function(user, model_class, *args)

        return scope

    return decorator


def school_ids(user, roles=PARTNERSHIP_READING_SCHOOL_ROLES):
    return SchoolMembership.objects.filter(user=user, role__in=roles).values("school_id")


def any_school_ids(user):
    return SchoolMembership.objects.filter(user=user).values("school_id")


def company_ids(user, roles=COMPANY_READING_ROLES):
    return CompanyMembership.objects.filter(user=user, role__in=roles).values("company_id")


def has_school_role(user, ids, *roles) -> bool:
    return SchoolMembership.objects.filter(user=user, school_id__in=ids, role__in=roles).exists()


def has_company_role(user, company_id, *roles) -> bool:
    return CompanyMembership.objects.filter(
        user=user, company_id=company_id, role__in=roles
    ).exists()


def is_school_staff(user) -> bool:
    """Any role at any school (or an administrator)."""
    return active(user) and (
        user.is_superuser or SchoolMembership.objects.filter(user=user).exists()
    )


def is_consultant(user) -> bool:
    return SchoolMembership.objects.filter(user=user, role=SchoolRole.CONSULTANT).exists()


def through(model_class, field: str):
    """The table behind a many-to-many field. Scopes test membership with a subquery on
    it (``pk__in``) instead of joining: a join repeats rows (needing DISTINCT) and makes
    the database pair every row of both tables before it filters."""
    return model_class._meta.get_field(field).remote_field.through


def school_people(school_id, *roles: str) -> QuerySet:
    """Active people with one of these roles at a school (who must act there)."""
    return User.objects.filter(
        is_active=True,
        pk__in=SchoolMembership.objects.filter(school_id=school_id, role__in=roles).values(
            "user_id"
        ),
    )


def company_people(company_ids, *roles: str) -> QuerySet:
    """Active people with one of these roles at a company, or any of several (a
    queryset or list of ids)."""
    ids = company_ids if hasattr(company_ids, "__iter__") else [company_ids]
    return User.objects.filter(
        is_active=True,
        pk__in=CompanyMembership.objects.filter(company_id__in=ids, role__in=roles).values(
            "user_id"
        ),
    )
