import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from companies.models import (
    EXPIRY_WARNING_DAYS,
    Company,
    Employee,
    EmployeeCertificate,
    EmployeeGroup,
)
from core.subqueries import count_of


def company_list(companies: QuerySet[Company], *, filters: dict) -> QuerySet[Company]:
    """Filtered companies with what a list row shows, in one query."""
    if q := filters.get("q"):
        companies = companies.filter(
            Q(name__icontains=q) | Q(cvr__startswith=q) | Q(city__icontains=q)
        )
    for field in ("sector", "size_band"):
        if value := filters.get(field):
            companies = companies.filter(**{field: value})
    if (public := filters.get("ownership")) in ("public", "private"):
        companies = companies.filter(is_public=public == "public")
    if school := filters.get("school"):
        companies = companies.filter(
            Q(partnerships__lead_school=school)
            | Q(partnerships__other_schools=school)
            | Q(registered_by=school)
        ).distinct()
    # Partnerships belong to the app above this one: read through the company's relation.
    Partnership = Company._meta.get_field("partnerships").related_model
    active = Partnership.objects.filter(company=OuterRef("pk"), status=Partnership.Status.ACTIVE)
    companies = companies.annotate(has_active_partnership=Exists(active))
    if (has_active := filters.get("active_partnership")) in ("yes", "no"):
        companies = companies.filter(has_active_partnership=has_active == "yes")
    active_employees = Employee.objects.filter(company=OuterRef("pk"), active=True)
    return companies.annotate(employee_count=count_of(active_employees, "company")).order_by(
        "name", "pk"
    )


def employee_groups_with_counts(company: Company) -> QuerySet[EmployeeGroup]:
    return company.employee_groups.annotate(
        active_count=Count("employees", filter=Q(employees__active=True))
    ).order_by("name")


def employee_list(company: Company, *, filters: dict) -> QuerySet[Employee]:
    employees = company.employees.select_related("group")
    if q := filters.get("q"):
        employees = employees.filter(Q(name__icontains=q) | Q(job_title__icontains=q))
    if group := filters.get("group"):
        employees = employees.filter(group=group)
    status = filters.get("status") or "active"
    if status != "all":
        employees = employees.filter(active=status == "active")
    return employees.order_by("name", "pk")


# How many certificates to renew an overview lists before linking to all of them.
EXPIRING_SHOWN = 5


def current_certificates(employees: QuerySet[Employee]) -> QuerySet:
    """Each employee's newest certificate of each type: an older one that a renewal
    replaced (a later expiry, or none) is history, not something to renew. Of two that
    never expire, the later issued is current."""
    others = EmployeeCertificate.objects.filter(
        employee=OuterRef("employee"), type=OuterRef("type")
    ).exclude(pk=OuterRef("pk"))
    outlasts_expiring = others.filter(
        Q(expires_on__isnull=True)
        | Q(expires_on__gt=OuterRef("expires_on"))
        | Q(expires_on=OuterRef("expires_on"), pk__gt=OuterRef("pk"))
    )
    outlasts_lasting = others.filter(expires_on__isnull=True).filter(
        Q(issued_on__gt=OuterRef("issued_on"))
        | Q(issued_on=OuterRef("issued_on"), pk__gt=OuterRef("pk"))
    )
    return (
        EmployeeCertificate.objects.filter(employee__in=employees)
        .exclude(Q(expires_on__isnull=False) & Exists(outlasts_expiring))
        .exclude(Q(expires_on__isnull=True) & Exists(outlasts_lasting))
    )


def expiring_certificates(employees: QuerySet[Employee], today, days: int | None = None):
    """The current certificates of the active employees that have expired or expire
    within `days` (90 by default), soonest first, with their type and renewing course."""
    horizon = today + dt.timedelta(days=EXPIRY_WARNING_DAYS if days is None else days)
    return (
        current_certificates(employees.filter(active=True, anonymised_at__isnull=True))
        .filter(expires_on__lte=horizon)
        .select_related("employee", "type__renewing_course")
        .order_by("expires_on", "employee__name", "type__name")
    )
