"""Reads for the people pages: who has access to a school or company, in a fixed number
of queries whatever the number of people."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import CompanyMembership, SchoolMembership, User
from companies.models import Company, Contact
from schools.models import School

from .services import Organisation, open_invitations


def people_at(organisation: Organisation) -> QuerySet[User]:
    """Everyone with a role here, with `here` (their memberships at this place, with
    departments) and `has_two_factor`: two queries for any number of people."""
    if isinstance(organisation, School):
        memberships = SchoolMembership.objects.filter(school=organisation)
        prefetch = Prefetch(
            "school_memberships",
            queryset=memberships.select_related("department").order_by("role"),
            to_attr="here",
        )
    else:
        memberships = CompanyMembership.objects.filter(company=organisation)
        prefetch = Prefetch(
            "company_memberships", queryset=memberships.order_by("role"), to_attr="here"
        )
    return (
        User.objects.filter(pk__in=memberships.values("user_id"))
        .annotate(
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .prefetch_related(prefetch)
        .order_by("-is_active", "first_name", "last_name", "username")
    )


def member_at(organisation: Organisation, user_pk: int) -> User | None:
    return people_at(organisation).filter(pk=user_pk).first()


def invitations_at(organisation: Organisation):
    return open_invitations(organisation).select_related("invited_by", "department")


@dataclass
class PersonRow:
    user: User
    roles: list[str]
    departments: list[str]


def person_rows(users, labels: dict[str, str]) -> list[PersonRow]:
    rows = []
    for user in users:
        departments = sorted(
            {str(m.department.name) for m in user.here if getattr(m, "department", None)}
        )
        rows.append(
            PersonRow(
                user=user,
                roles=[labels.get(m.role, m.role) for m in user.here],
                departments=departments,
            )
        )
    return rows


def contacts_without_login(company: Company) -> list[Contact]:
    """Contacts with an e-mail address who have no login yet: candidates for the portal,
    each with `invited` when an invitation to them is open."""
    open_to_them = open_invitations(company).filter(contact=OuterRef("pk"))
    return list(
        company.contacts.filter(user__isnull=True)
        .exclude(email="")
        .annotate(invited=Exists(open_to_them))
        .order_by("name")
    )
