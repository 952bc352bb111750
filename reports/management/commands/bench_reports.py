"""Seconds per page of the competence-plan PDF for companies of 20, 200, 1,000 and 5,000
employees, next to a plain reference document rendered in the same process, and the
process's peak memory. Nothing is kept: all data is rolled back.

The reference is what the same pages cost as plain text: the reports' page size, margins,
type and running header and footer, the plan's page count, and on each page as many
characters as the plan's pages hold on average. So the ratio shows the price of the plan's
data, template and layout, neither flattered by a denser reference (which made small plans
look twice as cheap) nor by leaving out the header and footer."""

import gc
import io
import resource
import statistics
import time
from functools import cache, partial

from django.core.management.base import BaseCommand
from django.db import transaction
from django.template.loader import render_to_string

from reports.services import render_pdf

SIZES = (20, 200, 1000, 5000)
ROUNDS = 5
PARAGRAPH = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 5


class Rollback(Exception):
    pass


def text_per_page(pdf: bytes) -> int:
    """Characters of text per page: the two documents are compared at their density too."""
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(pdf)).pages
    return round(sum(len(page.extract_text()) for page in pages) / len(pages))


def page_text(characters: int, dense: bool = False) -> list[str]:
    """Plain paragraphs of `characters` characters in all (one page's worth); dense, one
    paragraph, as the reports set a long participant list."""
    text = (PARAGRAPH * (characters // len(PARAGRAPH) + 1))[:characters]
    if dense:
        return [text] if text else []
    return [text[i : i + len(PARAGRAPH)] for i in range(0, characters, len(PARAGRAPH))]


def _reference_document(pages: int, characters: int, dense: bool = False):
    from django.utils import timezone
    from weasyprint import HTML

    html = render_to_string(
        "reports/pdf/_reference.html",
        {
            "job": {"language": "da"},
            "pages": [page_text(characters, dense)] * pages,
            "dense": dense,
            # The running header and footer the reports print, at their usual length.
            "header_left": "Kompetenceplan – Reference A/S",
            "header_right": "Skolen for Reference",
            "generated": timezone.now(),
        },
    )
    return HTML(string=html).render()


def timed(render) -> tuple[float, object]:
    """The median seconds of ROUNDS calls of `render` after one unmeasured call, and its
    last result: steady-state figures, not a cold template or font cache."""
    render()
    times = []
    for _ in range(ROUNDS):
        gc.collect()
        start = time.perf_counter()
        result = render()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


@cache
def margin_text() -> int:
    """Characters of the running header and footer alone, on a page without body text."""
    return text_per_page(_reference_document(1, 0).write_pdf())


def reference_pdf(pages: int, characters: int) -> tuple[float, int, int]:
    """Seconds, page count and characters per page of `pages` pages of plain text with
    `characters` characters on each."""

    # Long participant lists are set in the reports' small list type; when the plain
    # paragraphs cannot hold a page's characters in body type, the reference uses it too.
    dense = len(_reference_document(pages, characters).pages) != pages

    def render():
        document = _reference_document(pages, characters, dense)
        return document.write_pdf(), len(document.pages)

    seconds, (pdf, count) = timed(render)
    return seconds, count, text_per_page(pdf)


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
                    seconds, (pdf, pages) = timed(partial(render_pdf, job))
                    density = text_per_page(pdf)
                    raise Rollback
            except Rollback:
                pass
            # The running header and footer are text on both: the reference fills in
            # what the plan's pages hold beyond them.
            ref_seconds, ref_pages, ref_density = reference_pdf(
                pages, max(density - margin_text(), 0)
            )
            assert ref_pages == pages, (size, density, ref_pages, pages)
            rows.append((size, pages, seconds / pages, ref_seconds / pages, density, ref_density))
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"{'employees':>9} {'pages':>5} {'s/page':>8} {'ref s/page':>10} {'ratio':>6}"
            f" {'chars/page':>10} {'ref chars/page':>14}"
        )
        for size, pages, per_page, ref, density, ref_density in rows:
            self.stdout.write(
                f"{size:>9} {pages:>5} {per_page:>8.3f} {ref:>10.3f} {per_page / ref:>6.2f}"
                f" {density:>10} {ref_density:>14}"
            )
        self.stdout.write(f"peak memory of this process: {peak_mib:.0f} MiB")
