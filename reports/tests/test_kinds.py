"""Every report kind is a class in one registry; nothing switches on the kind."""

import pytest

from reports.kinds import KINDS, jobs_naming, report_kind
from reports.models import ReportJob


def test_every_kind_of_job_has_its_class():
    assert set(KINDS) == set(ReportJob.Kind.values)
    for code, kind in KINDS.items():
        assert kind.code == code
        assert kind.extension in ("pdf", "zip")


def test_an_unknown_kind_has_no_class():
    assert report_kind("payroll") is None


def test_only_the_export_is_a_zip():
    assert [code for code, kind in KINDS.items() if kind.extension == "zip"] == [
        ReportJob.Kind.EMPLOYEE_EXPORT
    ]
    assert report_kind(ReportJob.Kind.EMPLOYEE_EXPORT).content_type == "application/zip"


@pytest.mark.django_db
def test_only_the_plan_pdf_and_the_export_name_an_employee(tenants):
    employee = tenants["employee_a"]
    naming = {code for code, kind in KINDS.items() if kind.names_employee(employee)}
    assert naming == {ReportJob.Kind.COMPETENCE_PLAN, ReportJob.Kind.EMPLOYEE_EXPORT}
    assert not jobs_naming(employee).exists()
