from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from access import (
    Capability,
    partnerships_for,
    personal_data_employee,
    plans_for,
    reports_for,
    require,
    schools_for,
)
from access.mixins import get_for_user_or_404
from accounts.models import AuditEvent
from accounts.services import audit_download, audit_record
from evaluations.forms import PeriodForm
from reports.models import ReportJob

from . import services


class ReportStartView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, kind, pk):
        user = request.user
        if kind == ReportJob.Kind.COMPETENCE_PLAN:
            subject = get_for_user_or_404(plans_for, user, Capability.DOWNLOAD, pk=pk)
        elif kind == ReportJob.Kind.PARTNERSHIP_STATUS:
            subject = get_for_user_or_404(partnerships_for, user, pk=pk)
            require(
                user,
                Capability.MANAGE_PARTNERSHIP,
                subject,
                _("The status report is for coordinators and leaders."),
            )
        elif kind == ReportJob.Kind.EVALUATION:
            subject = get_for_user_or_404(partnerships_for, user, Capability.DOWNLOAD, pk=pk)
        elif kind == ReportJob.Kind.EMPLOYEE_EXPORT:
            subject = personal_data_employee(user, pk)
        elif kind == ReportJob.Kind.SCHOOL_EVALUATION:
            subject = get_for_user_or_404(schools_for, user, pk=pk)
            period_form = PeriodForm(request.POST)
            if not period_form.is_valid():
                messages.error(request, " ".join(period_form.errors.get("end", [])))
                return redirect("evaluations:school", subject.pk)
            period = (period_form.cleaned_data["start"], period_form.cleaned_data["end"])
        else:
            raise PermissionDenied
        if kind == ReportJob.Kind.EMPLOYEE_EXPORT:
            audit_record(
                action=AuditEvent.Action.EXPORTED,
                actor=user,
                target=subject,
                request=request,
            )
        job = services.report_request(
            user=user,
            kind=kind,
            subject=subject,
            language=get_language() or "da",
            **({"period": period} if kind == ReportJob.Kind.SCHOOL_EVALUATION else {}),
        )
        return redirect("reports:status", job.pk)


class ReportStatusView(LoginRequiredMixin, TemplateView):
    template_name = "reports/status.html"

    def get_context_data(self, **kwargs):
        job = get_object_or_404(reports_for(self.request.user), pk=self.kwargs["pk"])
        return super().get_context_data(job=job, **kwargs)


class ReportStatusJsonView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(reports_for(request.user), pk=pk)
        return JsonResponse(
            {
                "status": job.status,
                "label": job.get_status_display(),
                "progress": job.progress,
                "pages": job.page_count,
            }
        )


class ReportDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(reports_for(request.user), pk=pk)
        if job.status != ReportJob.Status.DONE or not job.file:
            return redirect("reports:status", job.pk)
        filename = f"{slugify(str(job.subject)) or 'rapport'}.{job.extension}"
        response = FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type="application/zip" if job.extension == "zip" else "application/pdf",
        )
        response["Cache-Control"] = "no-store"
        audit_download(actor=request.user, target=job.subject, filename=filename, request=request)
        return response


class ReportListView(LoginRequiredMixin, TemplateView):
    template_name = "reports/list.html"

    def get_context_data(self, **kwargs):
        jobs = list(reports_for(self.request.user)[:30])
        return super().get_context_data(jobs=jobs, **kwargs)
