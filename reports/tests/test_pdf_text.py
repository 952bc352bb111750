"""Text reaches the PDF page header intact: the header is a CSS string, written with CSS
escapes (escapejs printed "u0026" for every "&")."""

import io

import pytest
from django.template import Context, Template
from pypdf import PdfReader

from reports.services import report_render, report_request

pytestmark = pytest.mark.django_db

NAME = 'Kolding Transport & Logistik "Syd" \\ ApS\nafd. <2>'


def test_css_string_escapes_what_would_end_the_string_or_the_style_element():
    rendered = Template("{% load ui %}{{ value|css_string }}").render(Context({"value": NAME}))
    assert rendered == (
        "Kolding Transport \\26  Logistik \\22 Syd\\22  \\5C  ApS\\A afd. \\3C 2\\3E "
    )


@pytest.mark.pdf
def test_the_pdf_header_shows_ampersands_quotes_and_backslashes_as_typed(tenants):
    company = tenants["company_a"]
    company.name = NAME
    company.save()
    job = report_render(
        job_id=report_request(
            by=tenants["hr"], kind="competence_plan", subject=tenants["plan_a"], language="da"
        ).pk
    )
    job.file.open("rb")
    first_page = PdfReader(io.BytesIO(job.file.read())).pages[0].extract_text()
    assert 'Kolding Transport & Logistik "Syd" \\ ApS' in first_page
    assert "u0026" not in first_page and "\\u0022" not in first_page
