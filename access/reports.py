"""A user's report jobs."""

from django.db.models import Q, QuerySet

from .companies import personal_data_companies
from .partnerships import partnerships_for
from .roles import model
from .schools import schools_for


def reports_for(user) -> QuerySet:
    """A user's own report jobs, and only while they still see the partnership (or, for a
    school's report, while they still belong to the school; for an employee's data,
    while they still handle that company's personal data)."""
    return (
        model("reports.ReportJob")
        .objects.filter(
            Q(partnership__in=partnerships_for(user))
            | Q(school__in=schools_for(user))
            | Q(employee__company__in=personal_data_companies(user)),
            requested_by=user,
        )
        .select_related("plan", "partnership__company", "school", "employee")
    )
