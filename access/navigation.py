"""What the menu offers a user: decided at login (the one time we ask the database)
and kept in the session, so that pages need no query for it."""

from accounts.models import CompanyMembership, CompanyRole, SchoolMembership, SchoolRole

from .dashboards import DASHBOARD_ROLES
from .schools import led_schools

# Whether the menu shows school-staff pages.
SESSION_SCHOOL_STAFF = "_school_staff"
# Which overviews the menu links to: the school dashboard, the network view, a company.
SESSION_OVERVIEWS = "_overviews"


def overviews(user) -> dict:
    school_roles = set(SchoolMembership.objects.filter(user=user).values_list("role", flat=True))
    company = (
        CompanyMembership.objects.filter(user=user, role__in=[CompanyRole.HR, CompanyRole.MANAGER])
        .order_by("company__name")
        .values_list("company_id", flat=True)
        .first()
    )
    staff_of = led_schools(user).order_by("name").values_list("pk", flat=True).first()
    people_of = (
        CompanyMembership.objects.filter(user=user, role=CompanyRole.HR)
        .order_by("company__name")
        .values_list("company_id", flat=True)
        .first()
    )
    return {
        "dashboard": user.is_superuser or bool(school_roles & set(DASHBOARD_ROLES)),
        "network": user.is_superuser or SchoolRole.CONSULTANT in school_roles,
        "company": company,
        # The people pages the menu links to: a leader's staff page, HR's colleagues.
        "staff": staff_of,
        "company_people": people_of,
    }


def remember_menu(sender, request, user, **kwargs):
    """Receives user_logged_in (connected by the home app)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_SCHOOL_STAFF] = user.is_superuser or (
            SchoolMembership.objects.filter(user=user).exists()
        )
        request.session[SESSION_OVERVIEWS] = overviews(user)


def navigation(request):
    """Context processor: the menu's choices, from the session."""
    session = getattr(request, "session", None)
    return {
        "nav_school_staff": bool(session and session.get(SESSION_SCHOOL_STAFF)),
        "nav_overviews": (session.get(SESSION_OVERVIEWS) if session else None) or {},
    }
