"""The employee's personal-data export (GDPR Art. 15) as a report kind: privacy sits
above reports, so it registers its kind there (PrivacyConfig.ready)."""

from django.db.models import Q
from django.utils import timezone

from access import personal_data_employee
from accounts.models import AuditEvent
from accounts.services import audit_record
from privacy.services import employee_export_zip
from reports.kinds import ReportKind, register
from reports.models import ReportJob


@register
class EmployeeExport(ReportKind):
    code = ReportJob.Kind.EMPLOYEE_EXPORT
    extension = "zip"
    content_type = "application/zip"

    def subject_for(self, user, pk):
        return personal_data_employee(user, pk)

    def on_request(self, *, user, subject, request):
        audit_record(action=AuditEvent.Action.EXPORTED, actor=user, target=subject, request=request)

    def job_fields(self, employee):
        return {"employee": employee}

    def subject_of(self, job):
        return job.employee

    def source_state(self, employee, period):
        # An export is always made afresh: it must show the data as it is now.
        return f"employee:{employee.pk}:{timezone.now().isoformat()}"

    def names_employee(self, employee):
        return Q(kind=self.code, employee=employee)

    def render(self, job):
        return employee_export_zip(job.employee, job.language), None
