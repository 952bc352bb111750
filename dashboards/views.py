"""School dashboard, network view, company view, and the block list behind numbers."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from access import (
    Capability,
    can,
    companies_for,
    dashboard_schools,
    dashboard_scope,
    network_school_ids,
    partnerships_for,
    reports_for,
    require,
    roles_of,
)
from access.mixins import get_for_user_or_404
from companies.selectors import EXPIRING_SHOWN, expiring_certificates
from competence_plans.models import CompetencePlan
from competence_plans.selectors import partnership_economics, plans_figures
from core.pagination import paginate
from core.tables import csv_response
from dashboards import selectors
from dashboards.forms import BlockListFilterForm, DashboardFilterForm
from evaluations import selectors as evaluation_selectors
from scheduling.models import CourseBlock, Enrollment
from scheduling.selectors import course_blocks_with_participation
from schools.figures import NO_ECONOMICS, funding_rates


class FilteredMixin(LoginRequiredMixin):
    form_class = DashboardFilterForm

    def filters(self, roles=None):
        """The bound filter form, the Filters it gives (None when invalid), and whether the
        user sees only their own partnerships. Empty filters mean this calendar year."""
        user = self.request.user
        schools, own_only = dashboard_schools(user, roles)
        form = self.form_class(self.request.GET, schools=schools)
        if not form.is_valid():
            return form, None, own_only
        data = form.cleaned_data
        filters = selectors.Filters(
            schools=[data["school"]] if data.get("school") else list(schools),
            start=data["start"],
            end=data["end"],
            department=data.get("department"),
            coordinator=user if own_only else data.get("coordinator"),
            sector=data.get("sector") or "",
        )
        return form, filters, own_only

    def query(self, filters, **extra) -> str:
        """The filters as a query string, for the links behind the numbers."""
        params = {
            "school": filters.schools[0].pk if len(filters.schools) == 1 else "",
            "department": filters.department.pk if filters.department else "",
            "coordinator": filters.coordinator.pk if filters.coordinator else "",
            "sector": filters.sector,
            "start": filters.start.isoformat(),
            "end": filters.end.isoformat(),
            **extra,
        }
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _coordinator_name(row) -> str:
    first, last = row["coordinator__first_name"] or "", row["coordinator__last_name"] or ""
    return f"{first} {last}".strip()


class SchoolDashboardView(FilteredMixin, TemplateView):
    template_name = "dashboards/school.html"

    def get(self, request, *args, **kwargs):
        form, filters, own_only = self.filters()
        if filters is None:
            context = self.get_context_data(form=form, dashboard=None, own_only=own_only)
            return self.render_to_response(context, status=400)
        today = timezone.localdate()
        scope = selectors.scope_for(*dashboard_scope(request.user), filters)
        dashboard = selectors.school_dashboard(scope, filters, today)
        export = request.GET.get("export")
        if export:
            return self.export(export, dashboard)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                dashboard=dashboard,
                filters=filters,
                own_only=own_only,
                query=self.query(filters),
                links=self.links(filters, dashboard),
                today=today,
            )
        )

    def links(self, filters, dashboard=None) -> dict:
        partnerships = reverse("partnerships:list")
        blocks = reverse("dashboards:blocks")
        school = filters.schools[0].pk if len(filters.schools) == 1 else ""
        coordinator = filters.coordinator.pk if filters.coordinator else ""
        base = {"scope": "all", "school": school, "coordinator": coordinator}

        def partnership_list(**extra):
            params = {k: v for k, v in {**base, **extra}.items() if v}
            return f"{partnerships}?{urlencode(params)}"

        return {
            "states": {
                value: partnership_list(status=value)
                for value in dict(selectors.Partnership.Status.choices)
            },
            "state_rows": [
                (label, n, partnership_list(status=value))
                for value, label, n in dashboard.portfolio["states"]
            ],
            "blocks_all": f"{blocks}?{self.query(filters)}",
            "partnerships": partnership_list(),
            "stale": partnership_list(activity="stale60"),
            "blocks": {
                status: f"{blocks}?{self.query(filters, status=status)}"
                for status in ("", "planned", "held", "cancelled")
            },
        }

    def export(self, name, dashboard):
        tables = {
            "months": (
                [
                    _("Month"),
                    _("Participants"),
                    _("Planned participant days"),
                    _("Planned ÅE"),
                    _("Realised participant days"),
                    _("Realised ÅE"),
                ],
                [
                    [
                        r["month"].strftime("%Y-%m"),
                        r["participants"],
                        r["planned_days"],
                        r["planned_ae"],
                        r["realised_days"],
                        r["realised_ae"],
                    ]
                    for r in dashboard.months
                ],
            ),
            "partnerships": (
                [
                    _("Partnership"),
                    _("Company"),
                    _("Participants"),
                    _("AMU participant days"),
                    _("ÅE"),
                    _("VEU estimate (DKK)"),
                ],
                [
                    [
                        r["title"] or _("Without a partnership"),
                        r["company"] or "",
                        r["participants"],
                        r["days"],
                        r["ae"],
                        r["veu"],
                    ]
                    for r in dashboard.partnerships
                ],
            ),
            "portfolio": (
                [_("Status"), _("Partnerships")],
                [[label, n] for _value, label, n in dashboard.portfolio["states"]],
            ),
            "coordinators": (
                [_("Coordinator"), _("Partnerships"), _("Active"), _("Open")],
                [
                    [
                        _coordinator_name(r) or _("none yet"),
                        r["total"],
                        r["active"],
                        r["open"],
                    ]
                    for r in dashboard.coordinators
                ],
            ),
            "courses": (
                [_("AMU number"), _("Course"), _("Participants"), _("Participant days")],
                [
                    [
                        r["course_block__course__number"],
                        r["course_block__course__title"],
                        r["participants"],
                        r["days"],
                    ]
                    for r in dashboard.courses
                ],
            ),
            "fkbs": (
                [_("FKB"), _("Title"), _("Participants"), _("Participant days")],
                [
                    [
                        r["course_block__course__fkb__code"] or "",
                        r["course_block__course__fkb__title"] or "",
                        r["participants"],
                        r["days"],
                    ]
                    for r in dashboard.fkbs
                ],
            ),
            "quality": (
                [_("Index"), _("Value (1–5)"), _("Responses")],
                [
                    [
                        i["label"],
                        round(i["value"], 2) if i["value"] is not None else None,
                        i["responses"],
                    ]
                    for i in dashboard.quality["indices"]
                ],
            ),
            "targets": (
                [
                    _("Month"),
                    _("Target"),
                    _("Planned ÅE"),
                    _("Realised ÅE"),
                    _("Forecast"),
                    _("Target, cumulative"),
                    _("Forecast, cumulative"),
                ],
                [
                    [
                        r["month"].strftime("%Y-%m"),
                        r["target"],
                        r["planned"],
                        r["realised"],
                        r["forecast"],
                        r["cumulative_target"],
                        r["cumulative_forecast"],
                    ]
                    for r in dashboard.targets.get("months", ())
                ],
            ),
        }
        if name not in tables:
            raise Http404
        header, rows = tables[name]
        return csv_response(f"dashboard-{name}", header, rows)


class NetworkView(FilteredMixin, TemplateView):
    """The consultant's view: the schools side by side on the same figures."""

    template_name = "dashboards/network.html"

    def get(self, request, *args, **kwargs):
        user = request.user
        roles = roles_of(user)
        consulting = network_school_ids(user, roles)
        form, filters, _own_only = self.filters(roles)
        valid = filters is not None
        rows = []
        if valid:
            if consulting is not None:
                filters.schools = [s for s in filters.schools if s.pk in consulting]
            rows = selectors.per_school(*dashboard_scope(user), filters, funding_rates())
        if valid and request.GET.get("export") == "schools":
            return csv_response(
                "network",
                [
                    _("School"),
                    _("Partnerships"),
                    _("Active"),
                    _("Blocks held"),
                    _("Participants"),
                    _("Participant days"),
                    _("ÅE"),
                    _("VEU estimate (DKK)"),
                    _("Fill rate"),
                    _("Outcome index"),
                ],
                [
                    [
                        r["school"].name,
                        r["partnerships"],
                        r["active"],
                        r["held"],
                        r["participants"],
                        r["days"],
                        r["ae"],
                        r["veu"],
                        round(r["fill"], 2) if r["fill"] is not None else None,
                        round(r["outcome"], 2) if r["outcome"] is not None else None,
                    ]
                    for r in rows
                ],
            )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                rows=rows,
                filters=filters if valid else None,
                missing_years=sorted({year for r in rows for year in r["missing_years"]}),
            ),
            status=200 if valid else 400,
        )


class BlockListView(FilteredMixin, TemplateView):
    """The blocks behind a dashboard number."""

    template_name = "dashboards/blocks.html"
    form_class = BlockListFilterForm

    def get(self, request, *args, **kwargs):
        form, filters, own_only = self.filters()
        valid = filters is not None
        page_obj = None
        if valid:
            scope = selectors.scope_for(*dashboard_scope(request.user), filters)
            queryset = scope.blocks
            status = form.cleaned_data.get("status")
            if status == "planned":
                queryset = queryset.filter(
                    status__in=[CourseBlock.Status.PLANNED, CourseBlock.Status.CONFIRMED]
                )
            elif status in ("held", "cancelled"):
                queryset = queryset.filter(status=status)
            if form.cleaned_data.get("course"):
                queryset = queryset.filter(course__number=form.cleaned_data["course"])
            if form.cleaned_data.get("fkb"):
                queryset = queryset.filter(course__fkb__code=form.cleaned_data["fkb"])
            # Paged: the list grows with the school's blocks, the page does not.
            page_obj = paginate(
                request,
                course_blocks_with_participation(queryset)
                .select_related("course", "school", "department")
                .order_by("start_date", "reference", "pk"),
                per_page=50,
            )
        return self.render_to_response(
            self.get_context_data(form=form, page_obj=page_obj, own_only=own_only),
            status=200 if valid else 400,
        )


class CompanyDashboardView(LoginRequiredMixin, TemplateView):
    """HR's view of their company: partnerships, plan progress, upcoming blocks for their
    employees, evaluation results and their PDFs."""

    template_name = "dashboards/company.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        company = get_for_user_or_404(companies_for, user, pk=kwargs["pk"])
        require(
            user,
            Capability.VIEW_COMPANY_DASHBOARD,
            company,
            _("The company view is for the company's own HR and managers."),
        )
        today = timezone.localdate()
        partnerships = list(
            partnerships_for(user)
            .filter(company=company)
            .select_related("lead_school", "coordinator")
            .order_by("-start_date")
        )
        plans = list(
            CompetencePlan.objects.filter(partnership__in=[p.pk for p in partnerships])
            .select_related("partnership")
            .order_by("-period_start")
        )
        figures = plans_figures(plans)
        progress = {
            row["plan_activity__plan"]: row
            for row in Enrollment.objects.filter(
                plan_activity__plan__in=[p.pk for p in plans],
                status__in=selectors.PARTICIPATING,
            )
            .values("plan_activity__plan")
            .annotate(
                enrolled=Count("pk"),
                completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
            )
        }
        upcoming = list(
            CourseBlock.objects.filter(
                enrollments__employee__company=company,
                enrollments__status__in=selectors.PARTICIPATING,
                end_date__gte=today,
            )
            .exclude(status=CourseBlock.Status.CANCELLED)
            .annotate(
                employees=Count(
                    "enrollments",
                    filter=Q(enrollments__employee__company=company),
                )
            )
            .select_related("course", "school")
            .order_by("start_date")[:20]
        )
        # Names of employees: only for those who may see the employees.
        expiring = (
            list(expiring_certificates(company.employees.all(), today)[:EXPIRING_SHOWN])
            if can(user, Capability.VIEW_EMPLOYEES, company)
            else None
        )
        results = evaluation_selectors.results_for(
            evaluation_selectors.Scope(Q(company=company), Q(company=company))
        )
        economics = partnership_economics(plans, figures)
        used = {rate.year: rate for e in economics.values() for rate in e.rates}
        return super().get_context_data(
            company=company,
            partnerships=[(p, economics.get(p.pk, NO_ECONOMICS)) for p in partnerships],
            rates=[used[year] for year in sorted(used)],
            missing_years=sorted({year for e in economics.values() for year in e.missing_years}),
            plans=[(p, figures.get(p.pk), progress.get(p.pk, {})) for p in plans],
            upcoming=upcoming,
            expiring=expiring,
            results=results,
            reports=list(reports_for(user).filter(partnership__company=company)[:10]),
            today=today,
            **kwargs,
        )
