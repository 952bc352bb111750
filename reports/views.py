from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language
from django.views import View
from django.views.generic import TemplateView

from access import (
    reports_for,
)
from accounts.services import audit_download
from reports.kinds import InvalidRequest, report_kind
from reports.models import ReportJob

from . import pdf_libraries, services


class ReportStartView(LoginRequiredMixin, View):
    """Ask for a report: the kind decides who may, about what, and for which period."""

    http_method_names = ["post"]

    def post(self, request, kind, pk):
        report = report_kind(kind)
        if report is None:
            raise PermissionDenied
        subject = report.subject_for(request.user, pk)
        try:
            period = report.period_from(request, subject)
        except InvalidRequest as invalid:
            messages.error(request, invalid.message)
            return redirect(invalid.redirect_to)
        report.on_request(user=request.user, subject=subject, request=request)
        job = services.report_request(
            by=request.user,
            kind=kind,
            subject=subject,
            language=get_language() or "da",
            period=period,
        )
        return redirect("reports:status", job.pk)


class ReportStatusView(LoginRequiredMixin, TemplateView):
    template_name = "reports/status.html"

    def get_context_data(self, **kwargs):
        job = get_object_or_404(reports_for(self.request.user), pk=self.kwargs["pk"])
        return super().get_context_data(
            job=job,
            pdf_libraries_missing=job.error.startswith(pdf_libraries.MISSING),
            packages=pdf_libraries.PACKAGES,
            **kwargs,
        )


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
        report = report_kind(job.kind)
        filename = report.file_name(job)
        response = FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=filename,
            content_type=report.content_type,
        )
        response["Cache-Control"] = "no-store"
        audit_download(actor=request.user, target=job.subject, filename=filename, request=request)
        return response


class ReportListView(LoginRequiredMixin, TemplateView):
    template_name = "reports/list.html"

    def get_context_data(self, **kwargs):
        jobs = list(reports_for(self.request.user)[:30])
        return super().get_context_data(jobs=jobs, **kwargs)
