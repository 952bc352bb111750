from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from companies.models import Company, Employee, EmployeeGroup
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
