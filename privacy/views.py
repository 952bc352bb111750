"""One employee's personal data (export, anonymise) and the retention overview."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from access import personal_data_employee
from privacy import services


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that this cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )


class EmployeeDataView(LoginRequiredMixin, View):
    template_name = "privacy/employee.html"

    def get(self, request, pk):
        employee = personal_data_employee(request.user, pk)
        return self._render(request, employee, AnonymiseForm())

    def _render(self, request, employee, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "employee": employee,
                "form": form,
                "alias": services.pseudonym(employee),
                "reports": services.reports_naming(employee).exclude(file="").count(),
            },
            status=status,
        )


class AnonymiseView(EmployeeDataView):
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # Scope and capability first, so a GET answers 404/403 like every other page.
        self.employee = personal_data_employee(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        employee = self.employee
        form = AnonymiseForm(request.POST)
        if employee.anonymised_at:
            messages.info(request, _("This person is already anonymised."))
            return redirect("privacy:employee", employee.pk)
        if not form.is_valid():
            return self._render(request, employee, form, status=400)
        alias = services.employee_anonymise(employee=employee, by=request.user, request=request)
        messages.success(
            request,
            _("The person is anonymised and now appears as “%(alias)s”.") % {"alias": alias},
        )
        return redirect("privacy:employee", employee.pk)


class RetentionView(LoginRequiredMixin, TemplateView):
    """For administrators: each category, its period, and how much is due now."""

    template_name = "privacy/retention.html"

    def get_context_data(self, **kwargs):
        if not self.request.user.is_superuser:
            raise PermissionDenied(_("The retention overview is for administrators."))
        labels = {
            "inactive_employees": _("Inactive employees (anonymised)"),
            "evaluation_free_text": _("Written evaluation answers (blanked)"),
            "report_files": _("Report files after they expired (deleted)"),
            "audit_events": _("Audit events (deleted)"),
            "unanswered_invitations": _("Unanswered evaluation invitations after they closed"),
            "notifications": _("Notifications and their e-mail records (deleted)"),
            "people_invitations": _("Invitations to log in, after they expired (deleted)"),
            "expired_sessions": _("Sessions, after they expired (deleted)"),
            "login_records": _(
                "Login records: sign-ins and failed attempts with their IP addresses (deleted)"
            ),
        }
        rows = [{**row, "label": labels[row["category"]]} for row in services.retention_overview()]
        return super().get_context_data(rows=rows, **kwargs)
