"""Dashboard figures, aggregated in SQL: one query per panel, whatever the data.

The scope is a set of partnerships (portfolio, money, attention) and a set of course
blocks (activity, quality), both cut to what the user may see and to the filters.
Participant course days count enrollments that are not cancelled on blocks that are not
cancelled; "realised" counts those completed on held blocks. 200 participant days are
one ÅE; VEU is estimated for participants educated up to skilled level, at the rates of
the year each block starts in (`schools.figures`).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db.models import Avg, Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear, TruncMonth
from django.utils import timezone

from access import of_schools
from companies.models import VEU_ELIGIBLE_LEVELS
from competence_plans.models import CompetencePlan
from evaluations.models import Answer, Invitation, Kind, Theme
from evaluations.selectors import INDEX_DEFINITIONS
from partnerships.models import ActionItem, Partnership
from scheduling.models import PARTICIPATING_STATUSES, CourseBlock, Enrollment
from schools.figures import Economics, Volumes, aarselever, funding_rates
from schools.models import AeTarget

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=2))
DAYS = F("course_block__course__duration_days")
OPEN_STATES = [
    Partnership.Status.PROSPECT,
    Partnership.Status.AGREEMENT_DRAFT,
    Partnership.Status.ACTIVE,
    Partnership.Status.EVALUATION,
]


@dataclass
class Filters:
    schools: list  # the schools in view (one, or all the user's)
    start: dt.date
    end: dt.date
    department: object = None
    coordinator: object = None
    sector: str = ""

    @property
    def restricts_partnerships(self) -> bool:
        """Block figures follow the partnerships only when a partnership filter is set."""
        return bool(self.coordinator or self.sector)


@dataclass
class Scope:
    partnerships: QuerySet
    blocks: QuerySet  # in the period
    all_blocks: QuerySet  # any date (attention: the coming weeks)
    enrollments: QuerySet  # in the period

    @cached_property
    def volumes(self) -> list[dict]:
        """The places of the period added up by month, partnership and course, one
        query read once: the months, partnerships, courses, FKBs and totals panels each
        add these rows up their own way, instead of each aggregating every place again."""
        return list(
            self.enrollments.annotate(month=TruncMonth("course_block__start_date"))
            .values(
                "month",
                "plan_activity__plan__partnership_id",
                "plan_activity__plan__partnership__title",
                "plan_activity__plan__partnership__company__name",
                "course_block__course__number",
                "course_block__course__title",
                "course_block__course__fkb__code",
                "course_block__course__fkb__title",
            )
            .annotate(
                participants=Count("pk"),
                days=days(),
                realised_days=days(REALISED),
                eligible_days=days(ELIGIBLE_DAYS),
            )
            .order_by()
        )


def scope_for(partnerships: QuerySet, blocks: QuerySet, filters: Filters) -> Scope:
    """The scope's partnerships and blocks, read once as ids (two or three small
    queries). Every panel then starts from plain lists of ids, which the database answers
    from its indexes; as nested subqueries over the user's schools and partnerships,
    each panel's query was planned anew and joined whole tables before filtering, so its
    cost followed the database rather than the school."""
    school_ids = [s.pk for s in filters.schools]
    partnerships = partnerships.filter(of_schools(school_ids))
    if filters.coordinator:
        partnerships = partnerships.filter(coordinator=filters.coordinator)
    if filters.sector:
        partnerships = partnerships.filter(company__sector=filters.sector)
    partnership_ids = list(partnerships.order_by().values_list("pk", flat=True))
    partnerships = Partnership.objects.filter(pk__in=partnership_ids)
    all_blocks = blocks.filter(school__in=school_ids)
    if filters.department:
        all_blocks = all_blocks.filter(department=filters.department)
    if filters.restricts_partnerships:
        all_blocks = all_blocks.filter(
            enrollments__plan_activity__plan__partnership__in=partnership_ids
        )
    dates = list(all_blocks.order_by().values_list("pk", "start_date").distinct())
    in_period = [pk for pk, start in dates if filters.start <= start <= filters.end]
    all_blocks = CourseBlock.objects.filter(pk__in=[pk for pk, _start in dates])
    in_period = CourseBlock.objects.filter(pk__in=in_period)
    enrollments = Enrollment.objects.filter(
        course_block__in=in_period.values("pk"), status__in=PARTICIPATING
    ).exclude(course_block__status=CourseBlock.Status.CANCELLED)
    if filters.restricts_partnerships:
        enrollments = enrollments.filter(plan_activity__plan__partnership__in=partnership_ids)
    return Scope(partnerships, in_period, all_blocks, enrollments)


# The places that count: the scheduling app's one definition.
PARTICIPATING = PARTICIPATING_STATUSES
REALISED = Q(status=Enrollment.Status.COMPLETED, course_block__status=CourseBlock.Status.HELD)


def days(condition: Q | None = None):
    """Participant course days of the enrollments (meeting `condition`), 0 when none."""
    return Coalesce(Sum(DAYS, filter=condition), ZERO)


ELIGIBLE_DAYS = Q(employee__education_level__in=VEU_ELIGIBLE_LEVELS)
# Money follows the year the block starts in.
YEAR = ExtractYear("course_block__start_date")
# Places offered by the blocks that are not cancelled.
CAPACITY = Coalesce(Sum("capacity", filter=~Q(status=CourseBlock.Status.CANCELLED)), 0)


# --- Panels ---------------------------------------------------------------------------


def portfolio(scope: Scope, filters: Filters) -> dict:
    """Partnerships by state, new and concluded in the period; two queries."""
    by_state = dict(scope.partnerships.values_list("status").annotate(n=Count("pk")))
    counts = scope.partnerships.aggregate(
        new=Count("pk", filter=Q(start_date__gte=filters.start, start_date__lte=filters.end)),
        concluded=Count(
            "pk",
            filter=Q(
                status=Partnership.Status.CONCLUDED,
                end_date__gte=filters.start,
                end_date__lte=filters.end,
            ),
        ),
    )
    states = [(value, label, by_state.get(value, 0)) for value, label in Partnership.Status.choices]
    return {
        "states": states,
        "pairs": [(label, n) for _value, label, n in states],
        "total": sum(by_state.values()),
        **counts,
    }


def per_coordinator(scope: Scope) -> list[dict]:
    """One query."""
    return list(
        scope.partnerships.values(
            "coordinator_id", "coordinator__first_name", "coordinator__last_name"
        )
        .annotate(
            total=Count("pk"),
            active=Count("pk", filter=Q(status=Partnership.Status.ACTIVE)),
            open=Count("pk", filter=Q(status__in=OPEN_STATES)),
        )
        .order_by("coordinator__first_name", "coordinator__last_name")
    )


def blocks_panel(scope: Scope) -> dict:
    """Blocks by state and the places they offer; one query."""
    figures = scope.blocks.aggregate(
        planned=Count(
            "pk",
            filter=Q(status__in=[CourseBlock.Status.PLANNED, CourseBlock.Status.CONFIRMED]),
        ),
        held=Count("pk", filter=Q(status=CourseBlock.Status.HELD)),
        cancelled=Count("pk", filter=Q(status=CourseBlock.Status.CANCELLED)),
        capacity=CAPACITY,
    )
    return figures


def _added_up(rows, key, fields) -> dict:
    """`rows` summed per `key(row)`, each of `fields`, in the order keys first appear."""
    totals: dict = {}
    for row in rows:
        entry = totals.setdefault(key(row), dict.fromkeys(fields, 0))
        for name in fields:
            entry[name] += row[name]
    return totals


def months(scope: Scope) -> list[dict]:
    """Per month of the block's start: participants, participant days and ÅE, planned
    and realised; from the scope's volumes."""
    by_month = _added_up(
        scope.volumes, lambda r: r["month"], ("participants", "days", "realised_days")
    )
    return [
        {
            "month": month,
            "participants": row["participants"],
            "planned_days": row["days"],
            "realised_days": row["realised_days"],
            "planned_ae": aarselever(row["days"]),
            "realised_ae": aarselever(row["realised_days"]),
        }
        for month, row in sorted(by_month.items())
    ]


def per_partnership(scope: Scope, rates: dict) -> list[dict]:
    """AMU participant days, ÅE and the VEU estimate per partnership, priced at the
    rates of each block's year; from the scope's volumes."""
    rows: dict[object, dict] = {}
    for row in scope.volumes:
        pk = row["plan_activity__plan__partnership_id"]
        entry = rows.setdefault(
            pk,
            {
                "partnership_id": pk,
                "title": row["plan_activity__plan__partnership__title"],
                "company": row["plan_activity__plan__partnership__company__name"],
                "participants": 0,
                "volumes": Volumes(),
            },
        )
        entry["participants"] += row["participants"]
        entry["volumes"].add(row["month"].year, row["days"], row["eligible_days"])
    result = []
    for entry in rows.values():
        economics = Economics.of(entry.pop("volumes").result(), rates)
        entry.update(days=economics.participant_days, ae=economics.aarselever, veu=economics.veu)
        result.append(entry)
    return sorted(result, key=lambda r: (-r["days"], r["title"] or ""))


def _top(scope: Scope, code: str, title: str, limit: int) -> list[dict]:
    totals = _added_up(scope.volumes, lambda r: (r[code], r[title]), ("participants", "days"))
    rows = [{code: c, title: t, **figures} for (c, t), figures in totals.items()]
    # Most participant days first, then by number or code (none last, as in SQL).
    rows.sort(key=lambda r: (-r["days"], r[code] is None, r[code] or ""))
    return rows[:limit]


def top_courses(scope: Scope, limit=5) -> list[dict]:
    """From the scope's volumes."""
    return _top(scope, "course_block__course__number", "course_block__course__title", limit)


def top_fkbs(scope: Scope, limit=5) -> list[dict]:
    """From the scope's volumes."""
    return _top(scope, "course_block__course__fkb__code", "course_block__course__fkb__title", limit)


def participants_total(scope: Scope, rates: dict) -> dict:
    """Totals for the period, and what they bring at each year's rates; from the
    scope's volumes."""
    totals = {"participants": 0, "days": Decimal(0), "realised_days": Decimal(0)}
    volumes = Volumes()
    for row in scope.volumes:
        for key in totals:
            totals[key] += row[key]
        volumes.add(row["month"].year, row["days"], row["eligible_days"])
    economics = Economics.of(volumes.result(), rates)
    totals["ae"] = aarselever(totals["days"])
    totals["realised_ae"] = aarselever(totals["realised_days"])
    totals["veu"] = economics.veu
    totals["missing_years"] = economics.missing_years
    totals["rates"] = economics.rates
    return totals


def quality(scope: Scope) -> dict:
    """Indices by quarter of the block's end, and response rates; two queries."""
    min_answers = settings.EVALUATION_MIN_ANSWERS
    rows = (
        Answer.objects.filter(
            response__course_block__in=scope.blocks,
            score__isnull=False,
            question__theme__in=list(INDEX_DEFINITIONS),
        )
        .annotate(month=TruncMonth("response__course_block__end_date"))
        .values("question__theme", "month")
        .annotate(mean=Avg("score"), n=Count("pk"), responses=Count("response", distinct=True))
        .order_by("month")
    )
    trend: dict[str, list] = {theme: [] for theme in INDEX_DEFINITIONS}
    overall: dict[str, list] = {theme: [Decimal(0), 0, 0] for theme in INDEX_DEFINITIONS}
    for row in rows:
        theme = row["question__theme"]
        shown = row["responses"] >= min_answers
        trend[theme].append((row["month"], row["mean"] if shown else None, row["responses"]))
        overall[theme][0] += Decimal(str(row["mean"])) * row["n"]
        overall[theme][1] += row["n"]
        overall[theme][2] += row["responses"]
    indices = []
    for theme, (_kind, definition) in INDEX_DEFINITIONS.items():
        total, n, responses = overall[theme]
        indices.append(
            {
                "theme": theme,
                "label": Theme(theme).label,
                "definition": definition,
                "value": (total / n) if n and responses >= min_answers else None,
                "responses": responses,
                "trend": trend[theme],
            }
        )
    rates = [
        {**row, "label": Kind(row["kind"]).label}
        for row in Invitation.objects.filter(course_block__in=scope.blocks)
        .values("kind")
        .annotate(invited=Count("pk"), answered=Count("answered_at"))
        .order_by("kind")
    ]
    return {"indices": indices, "rates": rates, "min_answers": min_answers}


def attention(scope: Scope, today: dt.date, limit=10) -> dict:
    """What needs attention now (whatever the period); one query per list."""
    now = timezone.now()
    stale = scope.partnerships.filter(
        status__in=OPEN_STATES, last_activity_at__lt=now - dt.timedelta(days=60)
    ).select_related("company")
    ending = scope.partnerships.filter(
        status=Partnership.Status.ACTIVE,
        end_date__gte=today,
        end_date__lte=today + dt.timedelta(days=60),
    ).select_related("company")
    waiting = CompetencePlan.objects.filter(
        partnership__in=scope.partnerships,
        status=CompetencePlan.Status.PROPOSED,
        proposed_at__lt=now - dt.timedelta(days=14),
    ).select_related("partnership__company")
    overdue = ActionItem.objects.filter(
        partnership__in=scope.partnerships, done=False, due_date__lt=today
    ).select_related("partnership", "owner", "owner_contact")
    underfilled = (
        scope.all_blocks.filter(
            start_date__gte=today, start_date__lte=today + dt.timedelta(days=14)
        )
        .exclude(status=CourseBlock.Status.CANCELLED)
        .annotate(
            participants=Count("enrollments", filter=Q(enrollments__status__in=PARTICIPATING))
        )
        .filter(participants__lt=F("capacity") / 2.0)
        .select_related("course")
    )
    lists = {
        "stale": stale.order_by("last_activity_at"),
        "ending": ending.order_by("end_date"),
        "waiting": waiting.order_by("proposed_at"),
        "overdue": overdue.order_by("due_date"),
        "underfilled": underfilled.order_by("start_date"),
    }
    # Fetch one more than shown to know whether there are more, in the same query.
    return {name: list(queryset[: limit + 1]) for name, queryset in lists.items()}


def per_school(
    partnerships: QuerySet, blocks: QuerySet, filters: Filters, rates: dict
) -> list[dict]:
    """The network view: the same figures for each school side by side; four queries."""
    school_ids = [s.pk for s in filters.schools]
    rows = {s.pk: {"school": s, "partnerships": 0, "active": 0} for s in filters.schools}
    for row in (
        partnerships.filter(lead_school__in=school_ids)
        .values("lead_school")
        .annotate(n=Count("pk"), active=Count("pk", filter=Q(status=Partnership.Status.ACTIVE)))
    ):
        rows[row["lead_school"]].update(partnerships=row["n"], active=row["active"])
    in_period = blocks.filter(
        school__in=school_ids, start_date__gte=filters.start, start_date__lte=filters.end
    )
    for row in in_period.values("school").annotate(
        held=Count("pk", filter=Q(status=CourseBlock.Status.HELD)),
        capacity=CAPACITY,
    ):
        rows[row["school"]].update(held=row["held"], capacity=row["capacity"])
    for row in (
        Enrollment.objects.filter(course_block__in=in_period, status__in=PARTICIPATING)
        .exclude(course_block__status=CourseBlock.Status.CANCELLED)
        .values("course_block__school", year=YEAR)
        .annotate(
            participants=Count("pk"),
            days=days(),
            eligible=days(ELIGIBLE_DAYS),
        )
    ):
        entry = rows[row["course_block__school"]]
        entry["participants"] = entry.get("participants", 0) + row["participants"]
        entry.setdefault("volumes", Volumes()).add(row["year"], row["days"], row["eligible"])
    for row in (
        Answer.objects.filter(
            response__course_block__in=in_period,
            score__isnull=False,
            question__theme="outcome",
        )
        .values("response__school")
        .annotate(mean=Avg("score"), responses=Count("response", distinct=True))
    ):
        if row["responses"] >= settings.EVALUATION_MIN_ANSWERS:
            rows[row["response__school"]]["outcome"] = row["mean"]
    result = []
    for row in rows.values():
        economics = Economics.of(row.pop("volumes", Volumes()).result(), rates)
        row.update(days=economics.participant_days, ae=economics.aarselever, veu=economics.veu)
        row["missing_years"] = economics.missing_years
        row.setdefault("held", 0)
        row.setdefault("capacity", 0)
        row.setdefault("participants", 0)
        row.setdefault("outcome", None)
        row["fill"] = fill_rate(row["participants"], row["capacity"])
        result.append(row)
    return result


# --- ÅE against target ----------------------------------------------------------------

MONTHS_PER_YEAR = Decimal(12)
# A longer period has too many months to read against targets.
TARGET_MONTHS_AT_MOST = 60


def _ae(value: Decimal | None) -> Decimal | None:
    """ÅE to three places, as `schools.figures.aarselever` gives them."""
    return None if value is None else value.quantize(Decimal("0.001"))


def _months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    month, months_ = dt.date(start.year, start.month, 1), []
    while month <= end:
        months_.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months_


def against_target(filters: Filters, months_rows: list[dict], today: dt.date) -> dict:
    """Planned and realised ÅE of each month of the period against the target, with the
    forecast: what has been realised in the months gone by, and what is planned from
    this month on. A month's target is a twelfth of its year's: the school's own (the
    department's when one is chosen), summed over the schools in view; a year one of them
    has no target for leaves its months without one, and says which. One query."""
    if filters.restricts_partnerships:
        return {"shown": False, "reason": "partnership_filter"}
    calendar = _months_between(filters.start, filters.end)
    if len(calendar) > TARGET_MONTHS_AT_MOST:
        return {"shown": False, "reason": "too_long"}
    years = sorted({m.year for m in calendar})
    if filters.department:
        holders = {filters.department.pk: filters.department}
        rows = AeTarget.objects.filter(department=filters.department, year__in=years)
        key = "department_id"
    else:
        holders = {school.pk: school for school in filters.schools}
        rows = AeTarget.objects.filter(
            school__in=list(holders), department__isnull=True, year__in=years
        )
        key = "school_id"
    set_ = defaultdict(dict)  # year → holder → target
    for row in rows.values(key, "year", "target"):
        set_[row["year"]][row[key]] = row["target"]
    missing = [
        (year, holder) for year in years for pk, holder in holders.items() if pk not in set_[year]
    ]
    yearly = {
        year: sum(set_[year].values(), Decimal(0)) if len(set_[year]) == len(holders) else None
        for year in years
    }
    by_month = {row["month"]: row for row in months_rows}
    this_month = dt.date(today.year, today.month, 1)
    table, cumulative = [], {"target": Decimal(0), "realised": Decimal(0), "forecast": Decimal(0)}
    for month in calendar:
        row = by_month.get(month, {})
        planned = aarselever(row.get("planned_days", 0))
        realised = aarselever(row.get("realised_days", 0))
        forecast = realised if month < this_month else planned
        target = None if yearly[month.year] is None else yearly[month.year] / MONTHS_PER_YEAR
        cumulative["realised"] += realised
        cumulative["forecast"] += forecast
        if target is not None and cumulative["target"] is not None:
            cumulative["target"] += target
        else:
            cumulative["target"] = None
        table.append(
            {
                "month": month,
                "target": _ae(target),
                "planned": planned,
                "realised": realised,
                "forecast": forecast,
                "past": month < this_month,
                **{f"cumulative_{k}": _ae(v) for k, v in cumulative.items()},
            }
        )
    total = _ae(cumulative["target"])
    return {
        "shown": True,
        "months": table,
        "missing": missing,
        "target": total,
        "planned": sum((r["planned"] for r in table), Decimal(0)),
        "realised": cumulative["realised"],
        "forecast": cumulative["forecast"],
        "forecast_share": cumulative["forecast"] / total if total else None,
        "realised_share": cumulative["realised"] / total if total else None,
    }


def fill_rate(participants: int, capacity: int) -> float | None:
    return participants / capacity if capacity else None


@dataclass
class Dashboard:
    portfolio: dict
    coordinators: list
    blocks: dict
    totals: dict
    months: list
    partnerships: list
    courses: list
    fkbs: list
    quality: dict
    attention: dict
    conflicts: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)

    @property
    def fill(self) -> float | None:
        return fill_rate(self.totals["participants"], self.blocks["capacity"])


def school_dashboard(scope: Scope, filters: Filters, today: dt.date) -> Dashboard:
    from scheduling.selectors import upcoming_conflicts

    rates = funding_rates()
    by_month = months(scope)
    return Dashboard(
        portfolio=portfolio(scope, filters),
        coordinators=per_coordinator(scope),
        blocks=blocks_panel(scope),
        totals=participants_total(scope, rates),
        months=by_month,
        partnerships=per_partnership(scope, rates),
        courses=top_courses(scope),
        fkbs=top_fkbs(scope),
        quality=quality(scope),
        attention=attention(scope, today),
        conflicts=upcoming_conflicts(scope.all_blocks, today=today),
        targets=against_target(filters, by_month, today),
    )
