"""Invitations, and who may give which role."""

from django.db.models import Q, QuerySet

from accounts.models import CompanyRole, SchoolRole

from .capabilities import Capability, can
from .companies import companies_for
from .roles import scope_of
from .schools import schools_for

# What a school's leader may give; consultants serve the whole network, so only its
# administrators (superusers) give that role.
LEADER_GIVES = (SchoolRole.LEADER, SchoolRole.COORDINATOR, SchoolRole.TEACHER)


def grantable_roles(user, organisation) -> list[str]:
    """The roles `user` may invite to, give or take away at this school or company;
    empty without the capability to manage its people."""
    if not can(user, Capability.MANAGE_PEOPLE, organisation):
        return []
    if organisation._meta.label == "companies.Company":
        return list(CompanyRole.values)
    if user.is_superuser:
        return list(SchoolRole.values)
    return list(LEADER_GIVES)


@scope_of("people.Invitation")
def invitations_for(user, Invitation) -> QuerySet:
    """Invitations to the schools and companies the user sees; acting on one also
    needs MANAGE_PEOPLE on its school or company."""
    return Invitation.objects.filter(
        Q(school__in=schools_for(user)) | Q(company__in=companies_for(user))
    )
