"""An employee's competence record, and the certificates entered on it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from access import Capability, can, companies_for, require
from access.mixins import ScopedLoadMixin
from accounts.services import audit_download
from companies import services as company_services
from companies.forms import CertificateForm
from companies.models import Employee
from companies.selectors import expiring_certificates
from core.pagination import paginate
from core.tables import csv_response

from .records import employee_record


class EmployeeMixin(ScopedLoadMixin):
    """The company in the user's scope (404), its employee (404 when of another company),
    and the right to see its employees (403)."""

    scope = staticmethod(companies_for)
    object_name = "company"

    def employee(self) -> Employee:
        require(
            self.request.user,
            Capability.VIEW_EMPLOYEES,
            self.company,
            _("Your role does not give access to the employees."),
        )
        return get_object_or_404(
            self.company.employees.select_related("group"), pk=self.kwargs["employee_pk"]
        )

    def record_url(self, employee) -> str:
        return reverse("records:employee", args=[self.company.pk, employee.pk])


class EmployeeRecordView(EmployeeMixin, View):
    template_name = "scheduling/employee_record.html"

    def render(self, employee, form=None, status=200):
        user = self.request.user
        can_manage = can(user, Capability.MANAGE_EMPLOYEES, self.company)
        return render(
            self.request,
            self.template_name,
            {
                "company": self.company,
                "employee": employee,
                "record": employee_record(employee, timezone.localdate()),
                "can_manage": can_manage,
                "form": (form or CertificateForm()) if can_manage else None,
            },
            status=status,
        )

    def get(self, request, pk, employee_pk):
        return self.render(self.employee())

    def post(self, request, pk, employee_pk):
        """Add a certificate."""
        employee = self.employee()
        require(
            request.user,
            Capability.MANAGE_EMPLOYEES,
            self.company,
            _("HR and the coordinators keep the employees' certificates."),
        )
        form = CertificateForm(request.POST)
        if not form.is_valid():
            return self.render(employee, form, status=400)
        try:
            certificate = company_services.certificate_add(
                employee=employee, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(employee, form, status=400)
        messages.success(
            request,
            _("%(certificate)s was added to %(name)s's record.")
            % {"certificate": certificate.type, "name": employee.name},
        )
        return redirect(self.record_url(employee))


class CertificateRemoveView(EmployeeMixin, View):
    """GET asks first, saying what goes; POST removes the certificate."""

    def certificate(self, employee):
        require(
            self.request.user,
            Capability.MANAGE_EMPLOYEES,
            self.company,
            _("HR and the coordinators keep the employees' certificates."),
        )
        return get_object_or_404(
            employee.certificates.select_related("type"), pk=self.kwargs["certificate_pk"]
        )

    def get(self, request, pk, employee_pk, certificate_pk):
        employee = self.employee()
        return render(
            request,
            "scheduling/certificate_remove.html",
            {
                "company": self.company,
                "employee": employee,
                "certificate": self.certificate(employee),
                "record_url": self.record_url(employee),
            },
        )

    def post(self, request, pk, employee_pk, certificate_pk):
        employee = self.employee()
        certificate = self.certificate(employee)
        company_services.certificate_remove(certificate=certificate, by=request.user)
        messages.success(
            request,
            _("%(certificate)s was removed from %(name)s's record.")
            % {"certificate": certificate.type, "name": employee.name},
        )
        return redirect(self.record_url(employee))


class ExpiringCertificatesView(EmployeeMixin, View):
    """The company's certificates that have expired or expire within 90 days, soonest
    first, with the AMU course that renews each; paged, and as CSV."""

    template_name = "scheduling/expiring_certificates.html"

    def get(self, request, pk):
        require(
            request.user,
            Capability.VIEW_EMPLOYEES,
            self.company,
            _("Your role does not give access to the employees."),
        )
        rows = expiring_certificates(self.company.employees.all(), timezone.localdate())
        if request.GET.get("export") == "csv":
            filename = f"certifikater-{self.company.cvr}-{timezone.localdate():%Y%m%d}"
            audit_download(
                actor=request.user, target=self.company, filename=filename, request=request
            )
            return csv_response(
                filename,
                [
                    _("Employee"),
                    _("Certificate"),
                    _("Issued"),
                    _("Expires"),
                    _("AMU number"),
                    _("Renewing AMU course"),
                ],
                [
                    [
                        c.employee.name,
                        c.type.name,
                        c.issued_on,
                        c.expires_on,
                        c.type.renewing_course.number if c.type.renewing_course else "",
                        c.type.renewing_course.title if c.type.renewing_course else "",
                    ]
                    for c in rows
                ],
            )
        return render(
            request,
            self.template_name,
            {
                "company": self.company,
                "page_obj": paginate(request, rows),
                "today": timezone.localdate(),
                "can_import": can(request.user, Capability.MANAGE_EMPLOYEES, self.company),
            },
        )
