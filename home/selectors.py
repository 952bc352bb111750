"""What the home page shows each role: its real starting point."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access import meetings_for, of_schools, partnerships_for, plans_for, roles_of
from accounts.models import SchoolRole
from competence_plans.selectors import plans_figures
from notifications.services import waiting_for
from partnerships.meeting_selectors import upcoming_meetings
from partnerships.models import ActionItem, Partnership
from partnerships.selectors import partnership_rows, status_counts
from scheduling.selectors import upcoming_blocks_of_partnerships, upcoming_blocks_taught_by

ROWS_PER_SECTION = 25


@dataclass
class PartnershipSection:
    key: str
    title: str
    statuses: list[tuple[str, str, int]]
    rows: list[Partnership]
    show_school: bool = True
    show_coordinator: bool = True

    @property
    def total(self) -> int:
        return sum(count for _status, _label, count in self.statuses)


@dataclass
class HomeContext:
    roles: object
    partnership_sections: list[PartnershipSection] = field(default_factory=list)
    taught_blocks: list | None = None
    partnership_blocks: list | None = None
    rows_per_section: int = ROWS_PER_SECTION
    upcoming_meetings: list = field(default_factory=list)
    open_action_items: list = field(default_factory=list)
    company_plans: list | None = None
    waiting: list = field(default_factory=list)


def _section(key, title, partnerships: QuerySet[Partnership], **options) -> PartnershipSection:
    """Two queries: the status summary and the first rows, newest activity first."""
    rows = partnership_rows(partnerships).order_by("-updated_at", "pk")[:ROWS_PER_SECTION]
    return PartnershipSection(
        key=key,
        title=title,
        statuses=status_counts(partnerships),
        rows=list(rows),
        **options,
    )


def _join(objects) -> str:
    return ", ".join(str(o) for o in objects)


def home_context(user, *, today: dt.date) -> HomeContext:
    roles = roles_of(user)
    context = HomeContext(roles=roles)
    visible = partnerships_for(user)
    sections = context.partnership_sections

    # Blocks of the partnerships a coordinator runs or an HR person's company is in.
    block_partnerships = Partnership.objects.none()
    if roles.has_school_role(SchoolRole.COORDINATOR):
        coordinated = visible.filter(coordinator=user)
        block_partnerships = coordinated
        sections.append(
            _section(
                "coordinator",
                _("Partnerships you coordinate"),
                coordinated,
                show_coordinator=False,
            )
        )
    led_schools = roles.schools(SchoolRole.LEADER)
    if led_schools:
        school_ids = [school.pk for school in led_schools]
        sections.append(
            _section(
                "leader",
                _("Partnerships of %(schools)s") % {"schools": _join(led_schools)},
                visible.filter(of_schools(school_ids)),
            )
        )
    served = roles.schools(SchoolRole.CONSULTANT)
    if served:
        school_ids = [school.pk for school in served]
        sections.append(
            _section(
                "consultant",
                _("Partnerships in the schools you serve"),
                visible.filter(of_schools(school_ids)),
            )
        )
    companies = roles.all_companies
    if companies:
        company_ids = [company.pk for company in companies]
        block_partnerships = block_partnerships | visible.filter(company__in=company_ids)
        sections.append(
            _section(
                "company",
                _("Partnerships of %(companies)s") % {"companies": _join(companies)},
                visible.filter(company__in=company_ids),
            )
        )
        plans = list(
            plans_for(user)
            .filter(partnership__company__in=company_ids)
            .select_related("partnership__company", "partnership__lead_school")
            .order_by("-period_start", "title", "-version")[:ROWS_PER_SECTION]
        )
        figures = plans_figures(plans)
        context.company_plans = [(plan, figures[plan.pk]) for plan in plans]
    if roles.has_school_role(SchoolRole.COORDINATOR) or companies:
        context.partnership_blocks = upcoming_blocks_of_partnerships(
            block_partnerships, viewer=user, today=today, limit=ROWS_PER_SECTION
        )
    if roles.has_school_role(SchoolRole.TEACHER):
        context.taught_blocks = upcoming_blocks_taught_by(user, today=today, limit=ROWS_PER_SECTION)
    if user.is_superuser and not sections:
        sections.append(_section("all", _("All partnerships"), visible))
    context.upcoming_meetings = upcoming_meetings(meetings_for(user), now=timezone.now())
    context.open_action_items = list(
        ActionItem.objects.filter(Q(owner=user) | Q(owner_contact__user=user), done=False)
        .select_related("meeting", "partnership__company")
        .order_by(F("due_date").asc(nulls_last=True), "pk")[:ROWS_PER_SECTION]
    )
    context.waiting = waiting_for(user)
    return context
