from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from access import (
    Capability,
    can,
    companies_for,
    personal_data_companies,
    registering_schools,
    schools_for,
)
from access.mixins import ScopedLoadMixin
from accounts.services import audit_download
from core.pagination import paginate
from core.tables import csv_response
from core.validators import parse_id
from core.views import FormPageMixin

from . import certificate_import, services
from .forms import (
    BlackoutWeekForm,
    CertificateImportForm,
    CompanyFilterForm,
    CompanyForm,
    ContactForm,
    EmployeeFilterForm,
    EmployeeForm,
    EmployeeGroupForm,
    EmployeeImportForm,
)
from .importing import ImportFileError, ImportRow, check_rows, read_table
from .models import CertificateType
from .selectors import (
    EXPIRING_SHOWN,
    company_list,
    employee_groups_with_counts,
    employee_list,
    expiring_certificates,
)


class CompanyListView(LoginRequiredMixin, TemplateView):
    template_name = "companies/company_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = CompanyFilterForm(self.request.GET or None, schools=schools_for(user))
        filters = form.cleaned_data if form.is_valid() else {}
        companies = company_list(companies_for(user), filters=filters)
        return super().get_context_data(
            filter_form=form,
            page_obj=paginate(self.request, companies),
            can_add=registering_schools(user).exists(),
            **kwargs,
        )


class CompanyMixin(ScopedLoadMixin):
    """Loads self.company in scope (404) and checks `capability` (403)."""

    scope = staticmethod(companies_for)
    object_name = "company"

    def company_url(self):
        return reverse("companies:detail", args=[self.company.pk])


class CompanyDetailView(CompanyMixin, TemplateView):
    template_name = "companies/company_detail.html"

    def get_context_data(self, **kwargs):
        user, company = self.request.user, self.company
        can_view_employees = can(user, Capability.VIEW_EMPLOYEES, company)
        today = timezone.localdate()
        return super().get_context_data(
            company=company,
            # The first few to renew; the full list is the records' "Certificates to renew".
            expiring=list(expiring_certificates(company.employees.all(), today)[:EXPIRING_SHOWN])
            if can_view_employees
            else None,
            today=today,
            contacts=list(company.contacts.order_by("name")),
            groups=list(employee_groups_with_counts(company)),
            can_edit=can(user, Capability.EDIT, company),
            can_manage_employees=can(user, Capability.MANAGE_EMPLOYEES, company),
            can_manage_people=can(user, Capability.MANAGE_PEOPLE, company),
            can_view_employees=can_view_employees,
            blackout_weeks=list(company.blackout_weeks.all()),
            blackout_form=BlackoutWeekForm(),
            **kwargs,
        )


class CompaniesFormPageMixin(FormPageMixin):
    def get_breadcrumbs(self):
        return [(reverse("companies:list"), _("Companies"))]

    def get_cancel_url(self):
        return reverse("companies:list")


class CompanyCreateView(LoginRequiredMixin, CompaniesFormPageMixin, FormView):
    form_class = CompanyForm
    page_title = gettext_lazy("Add a company")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not registering_schools(request.user).exists():
            raise PermissionDenied(_("Only coordinators and school leaders add companies."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        school = registering_schools(self.request.user).order_by("name").first()
        company = services.company_create(
            by=self.request.user, registered_by=school, **form.cleaned_data
        )
        messages.success(self.request, _("%(name)s was added.") % {"name": company.name})
        return redirect("companies:detail", company.pk)


class CompanyChildFormView(CompanyMixin, CompaniesFormPageMixin, FormView):
    capability = Capability.EDIT

    def get_breadcrumbs(self):
        return [
            (reverse("companies:list"), _("Companies")),
            (self.company_url(), self.company.name),
        ]

    def get_cancel_url(self):
        return self.company_url()


class CompanyUpdateView(CompanyChildFormView):
    form_class = CompanyForm
    page_title = gettext_lazy("Edit company")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.company}

    def form_valid(self, form):
        services.company_update(company=self.company, by=self.request.user, **form.cleaned_data)
        messages.success(self.request, _("The company was saved."))
        return redirect(self.company_url())


class ContactFormView(CompanyChildFormView):
    form_class = ContactForm

    def get_contact(self):
        if "contact_pk" in self.kwargs:
            return get_object_or_404(self.company.contacts, pk=self.kwargs["contact_pk"])
        return None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.get_contact()}

    def get_context_data(self, **kwargs):
        self.page_title = _("Edit contact") if self.get_contact() else _("Add a contact")
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        contact = self.get_contact()
        if contact:
            services.contact_update(contact=contact, **form.cleaned_data)
        else:
            services.contact_create(company=self.company, **form.cleaned_data)
        messages.success(self.request, _("The contact was saved."))
        return redirect(self.company_url())


class ContactDeleteView(CompanyMixin, View):
    capability = Capability.EDIT
    http_method_names = ["post"]

    def post(self, request, pk, contact_pk):
        contact = get_object_or_404(self.company.contacts, pk=contact_pk)
        services.contact_delete(contact=contact)
        messages.success(request, _("%(name)s was removed.") % {"name": contact.name})
        return redirect(self.company_url())


class GroupFormView(CompanyChildFormView):
    capability = Capability.MANAGE_EMPLOYEES
    form_class = EmployeeGroupForm

    def get_group(self):
        if "group_pk" in self.kwargs:
            return get_object_or_404(self.company.employee_groups, pk=self.kwargs["group_pk"])
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_group()
        if kwargs["instance"] is None:
            kwargs["instance"] = self.company.employee_groups.model(company=self.company)
        return kwargs

    def get_context_data(self, **kwargs):
        self.page_title = (
            _("Edit employee group") if self.get_group() else _("Add an employee group")
        )
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        group = self.get_group()
        if group:
            services.employee_group_update(group=group, **form.cleaned_data)
        else:
            services.employee_group_create(company=self.company, **form.cleaned_data)
        messages.success(self.request, _("The group was saved."))
        return redirect(self.company_url())


class EmployeesMixin(CompanyMixin):
    def check_can_view_employees(self):
        if not can(self.request.user, Capability.VIEW_EMPLOYEES, self.company):
            raise PermissionDenied(_("Your role does not give access to the employees."))

    def employees_url(self):
        return reverse("companies:employees", args=[self.company.pk])


class EmployeeListView(EmployeesMixin, TemplateView):
    template_name = "companies/employee_list.html"

    def get(self, request, *args, **kwargs):
        self.check_can_view_employees()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = EmployeeFilterForm(self.request.GET or None, company=self.company)
        filters = form.cleaned_data if form.is_valid() else {}
        return super().get_context_data(
            company=self.company,
            filter_form=form,
            page_obj=paginate(self.request, employee_list(self.company, filters=filters)),
            can_manage=can(self.request.user, Capability.MANAGE_EMPLOYEES, self.company),
            can_personal_data=personal_data_companies(self.request.user)
            .filter(pk=self.company.pk)
            .exists(),
            **kwargs,
        )


class EmployeeFormView(CompanyChildFormView):
    capability = Capability.MANAGE_EMPLOYEES
    form_class = EmployeeForm

    def get_employee(self):
        if "employee_pk" in self.kwargs:
            return get_object_or_404(self.company.employees, pk=self.kwargs["employee_pk"])
        return None

    def get_form_kwargs(self):
        instance = self.get_employee() or self.company.employees.model(company=self.company)
        return {**super().get_form_kwargs(), "instance": instance, "company": self.company}

    def get_context_data(self, **kwargs):
        self.page_title = _("Edit employee") if self.get_employee() else _("Add an employee")
        return super().get_context_data(**kwargs)

    def get_cancel_url(self):
        return reverse("companies:employees", args=[self.company.pk])

    def form_valid(self, form):
        employee = self.get_employee()
        if employee:
            services.employee_update(employee=employee, **form.cleaned_data)
        else:
            employee = services.employee_create(company=self.company, **form.cleaned_data)
        messages.success(self.request, _("%(name)s was saved.") % {"name": employee.name})
        return redirect(self.get_cancel_url())


class EmployeeSetActiveView(CompanyMixin, View):
    capability = Capability.MANAGE_EMPLOYEES
    http_method_names = ["post"]

    def post(self, request, pk, employee_pk):
        employee = get_object_or_404(self.company.employees, pk=employee_pk)
        active = request.POST.get("active") == "1"
        services.employee_set_active(employee=employee, active=active, by=request.user)
        message = _("%(name)s is active again.") if active else _("%(name)s was deactivated.")
        messages.success(request, message % {"name": employee.name})
        return redirect("companies:employees", self.company.pk)


IMPORT_SESSION_KEY = "employee_import:{}"


class EmployeeImportView(CompanyMixin, View):
    """Upload → preview with each row's errors → confirm. Nothing is written until the
    whole file is valid and the user confirms; the checked rows wait in the session."""

    capability = Capability.MANAGE_EMPLOYEES
    template_name = "companies/employee_import.html"

    def render(self, form, rows=None):
        rows = rows or []
        return render(
            self.request,
            self.template_name,
            {
                "company": self.company,
                "form": form,
                "rows": rows,
                "error_count": sum(1 for row in rows if row.errors),
                "new_count": sum(1 for row in rows if row.action == "new"),
                "update_count": sum(1 for row in rows if row.action == "update"),
                "new_groups": sorted({row.group for row in rows if row.new_group}),
            },
        )

    def get(self, request, pk):
        return self.render(EmployeeImportForm())

    def post(self, request, pk):
        key = IMPORT_SESSION_KEY.format(self.company.pk)
        if "confirm" in request.POST:
            return self.confirm(key)
        form = EmployeeImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        try:
            rows = check_rows(self.company, read_table(form.cleaned_data["file"]))
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.render(form)
        if not any(row.errors for row in rows):
            request.session[key] = [{"line": r.line, **r.as_data()} for r in rows]
        else:
            request.session.pop(key, None)
        return self.render(EmployeeImportForm(), rows)

    def confirm(self, key):
        stored = self.request.session.pop(key, None)
        if not stored:
            messages.error(self.request, _("The preview has expired. Upload the file again."))
            return redirect("companies:employee_import", self.company.pk)
        rows = [ImportRow(**row) for row in stored]
        summary = services.employees_import(company=self.company, rows=rows, by=self.request.user)
        messages.success(
            self.request,
            _("Import done: %(created)s added, %(updated)s updated, %(groups)s new groups.")
            % summary,
        )
        return redirect("companies:employees", self.company.pk)


class EmployeeExportView(EmployeesMixin, View):
    def get(self, request, pk):
        self.check_can_view_employees()
        filename = f"medarbejdere-{self.company.cvr}-{timezone.localdate():%Y%m%d}.csv"
        header = [_("name"), _("job title"), _("group"), _("education level"), _("e-mail")]
        rows = (
            [
                employee.name,
                employee.job_title,
                employee.group.name if employee.group else "",
                employee.get_education_level_display(),
                employee.email,
                employee.active,
            ]
            for employee in self.company.employees.select_related("group").order_by("name")
        )
        response = csv_response(filename, [*header, _("active")], rows)
        audit_download(actor=request.user, target=self.company, filename=filename, request=request)
        return response


class BlackoutWeekView(CompanyMixin, View):
    """POST: mark a week when the company cannot send staff, or remove one."""

    capability = Capability.EDIT
    http_method_names = ["post"]

    def post(self, request, pk):
        if "remove" in request.POST:
            week_pk = parse_id(request.POST["remove"])
            week = get_object_or_404(self.company.blackout_weeks, pk=week_pk or 0)
            services.blackout_week_remove(week=week)
            messages.success(request, _("The week was removed."))
            return redirect(self.company_url() + "#blackout")
        form = BlackoutWeekForm(request.POST)
        if form.is_valid():
            year, week = form.cleaned_data["week"]
            services.blackout_week_add(
                company=self.company, iso_year=year, iso_week=week, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Week %(week)s is marked.") % {"week": week})
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(self.company_url() + "#blackout")


CERTIFICATE_IMPORT_SESSION_KEY = "certificate_import:{}"


class CertificateImportView(CompanyMixin, View):
    """Certificates for many employees from one file: upload → preview with each row's
    errors → confirm; nothing is written until every row is valid and the user confirms."""

    capability = Capability.MANAGE_EMPLOYEES
    template_name = "companies/certificate_import.html"

    def render(self, form, rows=()):
        return render(
            self.request,
            self.template_name,
            {
                "company": self.company,
                "form": form,
                "rows": rows,
                "error_count": sum(1 for row in rows if row.errors),
                "new_count": sum(1 for row in rows if not row.errors and not row.already),
                "types": CertificateType.objects.order_by("name"),
            },
        )

    def get(self, request, pk):
        return self.render(CertificateImportForm())

    def post(self, request, pk):
        key = CERTIFICATE_IMPORT_SESSION_KEY.format(self.company.pk)
        if "confirm" in request.POST:
            return self.confirm(key)
        form = CertificateImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        try:
            rows = certificate_import.check_rows(
                self.company, certificate_import.read_table(form.cleaned_data["file"])
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.render(form)
        if any(row.errors for row in rows):
            request.session.pop(key, None)
        else:
            request.session[key] = [row.as_data() for row in rows]
        return self.render(CertificateImportForm(), rows)

    def confirm(self, key):
        stored = self.request.session.pop(key, None)
        if not stored:
            messages.error(self.request, _("The preview has expired. Upload the file again."))
            return redirect("companies:certificate_import", self.company.pk)
        rows = [certificate_import.CertificateRow(**row) for row in stored]
        try:
            summary = services.certificates_import(
                company=self.company, rows=rows, by=self.request.user
            )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect("companies:certificate_import", self.company.pk)
        messages.success(
            self.request,
            _("Certificates imported: %(added)s added, %(skipped)s already on the records.")
            % summary,
        )
        return redirect("records:expiring", self.company.pk)
