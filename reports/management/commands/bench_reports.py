"""Seconds per page of the competence-plan PDF for companies of 20, 200 and 1,000
employees, next to a plain reference document of the same page count rendered in the
same process, and the process's peak memory. Nothing is kept: all data is rolled back."""

import resource
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from reports.services import render_pdf

SIZES = (20, 200, 1000)


class Rollback(Exception):
    pass


def text_per_page(pdf: bytes) -> int:
    """Characters of text per page: the two documents are compared at their density too."""
    import io

    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    return round(sum(len(page.extract_text()) for page in pages) / len(pages))


SENTENCE = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "


def reference_pdf(pages: int, chars_per_page: int | None = None) -> tuple[float, int, int]:
    """A plain document of `pages` pages: by default 30 one-line paragraphs a page; with
    `chars_per_page`, paragraphs of ten sentences up to about that much text a page."""
    from weasyprint import HTML

    if chars_per_page:
        paragraph = f"<p>{SENTENCE * 10}</p>"
        content = paragraph * max(1, round(chars_per_page / (len(SENTENCE) * 10)))
    else:
        content = f"<p>{SENTENCE}</p>" * 30
    body = "".join(
        f'<section style="page-break-after: always"><h1>Side {n}</h1>{content}</section>'
        for n in range(pages)
    )
    start = time.perf_counter()
    document = HTML(string=f'<html><body style="font-family: DejaVu Sans">{body}</body></html>')
    rendered = document.render()
    pdf = rendered.write_pdf()
    return time.perf_counter() - start, len(rendered.pages), text_per_page(pdf)


def build_plan(size: int):
    from tests.factories import (
        CompanyFactory,
        CompanyMembershipFactory,
        CompetencePlanFactory,
        CourseBlockFactory,
        EmployeeFactory,
        EmployeeGroupFactory,
        EnrollmentFactory,
        PartnershipFactory,
        PlanActivityFactory,
    )

    company = CompanyFactory()
    hr = CompanyMembershipFactory(company=company).user
    plan = CompetencePlanFactory(partnership=PartnershipFactory(company=company))
    groups = [EmployeeGroupFactory(company=company) for _ in range(5)]
    employees = [EmployeeFactory(company=company, group=groups[n % 5]) for n in range(size)]
    for index, group in enumerate(groups):
        activity = PlanActivityFactory(plan=plan, position=index)
        activity.target_groups.add(group)
        block = CourseBlockFactory(course=activity.amu_course, capacity=size)
        for employee in employees[index::5]:
            EnrollmentFactory(employee=employee, course_block=block, plan_activity=activity)
    return hr, plan


class Command(BaseCommand):
    help = "Benchmark the competence-plan PDF against a reference document."

    def handle(self, *args, **options):
        from reports.models import ReportJob

        reference_pdf(1)  # warm up fonts and caches so the first row is not penalised
        rows = []
        for size in SIZES:
            try:
                with transaction.atomic():
                    hr, plan = build_plan(size)
                    job = ReportJob(
                        kind="competence_plan",
                        plan=plan,
                        partnership=plan.partnership,
                        language="da",
                        requested_by=hr,
                    )
                    start = time.perf_counter()
                    pdf, pages = render_pdf(job)
                    seconds = time.perf_counter() - start
                    density = text_per_page(pdf)
                    raise Rollback
            except Rollback:
                pass
            ref_seconds, ref_pages, ref_density = reference_pdf(pages)
            same_seconds, same_pages, _same_density = reference_pdf(pages, density)
            rows.append(
                (
                    size,
                    pages,
                    seconds / pages,
                    ref_seconds / ref_pages,
                    density,
                    ref_density,
                    same_seconds / same_pages,
                )
            )
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{'employees':>9} {'pages':>5} {'s/page':>8} {'ref s/page':>10} {'ratio':>6}"
            f" {'chars/page':>10} {'ref chars/page':>14}"
            f" {'same-text ref s/page':>20} {'ratio':>6}"
        )
        for size, pages, per_page, ref, density, ref_density, same in rows:
            self.stdout.write(
                f"{size:>9} {pages:>5} {per_page:>8.3f} {ref:>10.3f} {per_page / ref:>6.2f}"
                f" {density:>10} {ref_density:>14} {same:>20.3f} {per_page / same:>6.2f}"
            )
        self.stdout.write(f"peak memory of this process: {peak_mib:.0f} MiB")
