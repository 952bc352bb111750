"""Deterministic, idempotent demo data.

Every company is created together with everything under it (contacts, employees,
partnership, plans, course blocks, enrollments, meetings) or not at all: a company
whose CVR already exists is skipped, so running the seed again adds nothing.
Randomness comes from a generator seeded per company, so the same company always
gets the same employees whatever the scale. Dates are relative to the week the
seed runs in, so the demo always shows "the coming 16 weeks".
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from . import data
from .base import SeedReport
from .company import generated_company, seed_company
from .evaluations import seed_evaluations
from .network import seed_hr_users, seed_network, seed_open_blocks, seed_school_calendar
from .planner import seed_planner_example
from .records import seed_records
from .reference import seed_reference_data
from .targets import seed_ae_targets
from .waiting import seed_waiting


@transaction.atomic
def seed_demo(*, scale: int = 1, today: dt.date | None = None) -> SeedReport:
    today = today or timezone.localdate()
    report = SeedReport()
    world = seed_reference_data(today=today, report=report)
    companies = [*data.COMPANIES]
    for index in range(len(data.COMPANIES), len(data.COMPANIES) * scale):
        companies.append(generated_company(index, world))
    for index, spec in enumerate(companies):
        seed_company(index, spec, world, report)
    seed_hr_users(world, report)
    seed_open_blocks(world, scale, report)
    seed_school_calendar(world, report)
    seed_network(world, report)
    seed_evaluations(world, report)
    seed_planner_example(world, report)
    seed_waiting(report)
    seed_ae_targets(world, report)
    seed_records(world, report)
    return report
