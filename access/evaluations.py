"""Whose evaluation answers a user sees in figures."""

from accounts.models import SchoolMembership

from .roles import company_ids


def evaluation_company_ids(user, school_ids: list[int]) -> list[int] | None:
    """Whose evaluation answers a user may see in figures about these schools' blocks:
    everyone's (None) for superusers and the schools' staff; otherwise only the answers
    of their own companies' employees."""
    if (
        user.is_superuser
        or SchoolMembership.objects.filter(user=user, school_id__in=school_ids).exists()
    ):
        return None
    return list(company_ids(user).values_list("company_id", flat=True))
