"""Companies and their employees (personal data)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import CompanyRole, SchoolRole

from .capabilities import Capability, can, rule_for
from .partnerships import of_schools, partnerships_for
from .roles import (
    COMPANY_READING_ROLES,
    EMPLOYEE_READING_SCHOOL_ROLES,
    company_ids,
    has_company_role,
    has_school_role,
    model,
    school_ids,
    scope_of,
    through,
)


@scope_of("companies.Company")
def companies_for(user, Company) -> QuerySet:
    """A company is visible through a partnership the user sees, or a membership."""
    return Company.objects.filter(
        Q(pk__in=partnerships_for(user).values("company_id"))
        | Q(pk__in=company_ids(user))
        # A prospect registered by the user's school, before any partnership exists.
        | Q(registered_by__in=school_ids(user))
    )


@scope_of("companies.Employee")
def employees_for(user, Employee) -> QuerySet:
    """Personal data: only those who work with the employees see them."""
    Partnership = model("partnerships.Partnership")
    schools = school_ids(user, EMPLOYEE_READING_SCHOOL_ROLES)
    school_partner_companies = Partnership.objects.filter(
        Q(coordinator=user) | of_schools(schools)
    ).values("company_id")
    CourseBlock = model("scheduling.CourseBlock")
    taught = through(CourseBlock, "teachers").objects.filter(user=user)
    attending_taught_blocks = model("scheduling.Enrollment").objects.filter(
        course_block__in=taught.values("courseblock_id")
    )
    return Employee.objects.filter(
        Q(company__in=company_ids(user))
        | Q(company__in=school_partner_companies)
        | Q(pk__in=attending_taught_blocks.values("employee_id"))
    )


@scope_of("companies.Company")
def personal_data_companies(user, Company) -> QuerySet:
    """Companies whose employees' personal data the user may export and anonymise: their
    own company as HR; every company for a superuser."""
    return Company.objects.filter(pk__in=company_ids(user, roles=(CompanyRole.HR,)))


def personal_data_employee(user, pk):
    """One employee whose personal data the user handles: 404 outside what the user
    sees; 403 unless they are the company's HR (or an administrator)."""
    employee = get_object_or_404(employees_for(user).select_related("company", "group"), pk=pk)
    if not can(user, Capability.HANDLE_PERSONAL_DATA, employee.company):
        raise PermissionDenied(_("Only the company's HR or an administrator handles this."))
    return employee


def _views_employees(user, company) -> bool:
    """Personal data: HR and managers of the company, its schools' coordinators and
    leaders (through a partnership or as the registering school)."""
    if has_company_role(user, company.pk, *CompanyRole.values):
        return True
    Partnership = model("partnerships.Partnership")
    schools = list(
        Partnership.objects.filter(company=company).values_list("lead_school_id", flat=True)
    ) + list(
        Partnership.other_schools.through.objects.filter(partnership__company=company).values_list(
            "school_id", flat=True
        )
    )
    if company.registered_by_id:
        schools.append(company.registered_by_id)
    return (
        has_school_role(user, schools, *EMPLOYEE_READING_SCHOOL_ROLES)
        or Partnership.objects.filter(company=company, coordinator=user).exists()
    )


@rule_for("companies.Company")
def company_rule(user, capability: str, company) -> bool:
    if capability == Capability.VIEW:
        return companies_for(user).filter(pk=company.pk).exists()
    if capability == Capability.VIEW_EMPLOYEES:
        return _views_employees(user, company)
    if capability == Capability.HANDLE_PERSONAL_DATA:
        return has_company_role(user, company.pk, CompanyRole.HR)
    if capability == Capability.VIEW_COMPANY_DASHBOARD:
        return has_company_role(user, company.pk, *COMPANY_READING_ROLES)
    if capability in (Capability.EDIT, Capability.MANAGE_EMPLOYEES, Capability.MANAGE_PEOPLE):
        return (
            has_company_role(user, company.pk, CompanyRole.HR)
            or model("partnerships.Partnership")
            .objects.filter(company=company, coordinator=user)
            .exists()
            or (
                company.registered_by_id is not None
                and has_school_role(user, [company.registered_by_id], SchoolRole.COORDINATOR)
            )
        )
    return False
