from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from access import (
    amu_courses_for,
    can_manage_catalogue,
    can_manage_funding_rates,
    target_setting_schools,
)
from core.pagination import paginate

from . import services
from .forms import (
    AeTargetsForm,
    CatalogueFilterForm,
    CatalogueImportForm,
    FundingRateForm,
)
from .importing import ImportFileError, check_catalogue, read_table
from .models import FIRST_YEAR, LAST_YEAR, FundingRate


class CatalogueView(LoginRequiredMixin, TemplateView):
    template_name = "schools/catalogue.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        form = CatalogueFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        courses = amu_courses_for(user).select_related("fkb")
        if q := filters.get("q"):
            from django.db.models import Q

            courses = courses.filter(Q(number__startswith=q) | Q(title__icontains=q))
        if fkb := filters.get("fkb"):
            courses = courses.filter(fkb=fkb)
        return super().get_context_data(
            filter_form=form,
            page_obj=paginate(self.request, courses.order_by("number")),
            can_import=can_manage_catalogue(user),
            **kwargs,
        )


class CatalogueImportView(LoginRequiredMixin, View):
    template_name = "schools/catalogue_import.html"
    session_key = "catalogue_import"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage_catalogue(request.user):
            raise PermissionDenied(_("School leaders and administrators manage the catalogue."))
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, rows=()):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "rows": rows,
                "error_count": sum(1 for r in rows if r["errors"]),
            },
        )

    def get(self, request):
        return self.render(CatalogueImportForm())

    def post(self, request):
        if "confirm" in request.POST:
            rows = request.session.pop(self.session_key, None)
            if not rows:
                messages.error(request, _("The preview has expired. Upload the file again."))
                return redirect("schools:catalogue_import")
            summary = services.catalogue_import(rows=rows, by=request.user)
            messages.success(
                request, _("Catalogue updated: %(created)s new, %(updated)s updated.") % summary
            )
            return redirect("schools:catalogue")
        form = CatalogueImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form)
        try:
            rows = check_catalogue(read_table(form.cleaned_data["file"]))
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.render(form)
        if not any(r["errors"] for r in rows):
            request.session[self.session_key] = rows
        return self.render(CatalogueImportForm(), rows)


class _FundingRatesMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage_funding_rates(request.user):
            raise PermissionDenied(_("Administrators keep the funding rates."))
        return super().dispatch(request, *args, **kwargs)

    def saved(self, rate, *, created):
        message = (
            _("The rates for %(year)s were added.")
            if created
            else _("The rates for %(year)s were saved. Every figure of the year uses them now.")
        )
        messages.success(self.request, message % {"year": rate.year})
        return redirect("schools:funding_rates")


class FundingRatesView(_FundingRatesMixin, View):
    """Every year's VEU rate, participant fee and full price, and a form for a new year
    that starts from the newest year's figures, marked as estimates until published."""

    template_name = "schools/funding_rates.html"

    def render(self, form):
        return render(
            self.request,
            self.template_name,
            {"rates": FundingRate.objects.order_by("-year"), "form": form},
        )

    def get(self, request):
        newest = FundingRate.objects.order_by("-year").first()
        initial = {"year": timezone.localdate().year}
        if newest is not None:
            initial = {
                "year": newest.year + 1,
                "veu_per_week": newest.veu_per_week,
                "fee_per_week": newest.fee_per_week,
                "full_price_per_week": newest.full_price_per_week,
                "veu_is_estimate": True,
                "fee_is_estimate": True,
                "full_price_is_estimate": True,
            }
        return self.render(FundingRateForm(initial=initial))

    def post(self, request):
        form = FundingRateForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        rate = services.funding_rate_save(by=request.user, **form.cleaned_data)
        return self.saved(rate, created=True)


class FundingRateEditView(_FundingRatesMixin, View):
    template_name = "schools/funding_rate_form.html"

    def render(self, form):
        return render(self.request, self.template_name, {"form": form, "rate": form.instance})

    def get(self, request, year):
        return self.render(FundingRateForm(instance=get_object_or_404(FundingRate, year=year)))

    def post(self, request, year):
        rate = get_object_or_404(FundingRate, year=year)
        form = FundingRateForm(request.POST, instance=rate)
        if not form.is_valid():
            return self.render(form)
        fields = {k: v for k, v in form.cleaned_data.items() if k != "year"}
        services.funding_rate_save(
            rate=FundingRate.objects.get(pk=rate.pk), by=request.user, **fields
        )
        return self.saved(rate, created=False)


class AeTargetsView(LoginRequiredMixin, View):
    """One year's ÅE targets for the schools a leader leads and their departments; the
    dashboard compares planned and realised ÅE with them month by month."""

    template_name = "schools/ae_targets.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.schools = target_setting_schools(request.user)
            if not self.schools.exists():
                raise PermissionDenied(_("A school's leaders set its ÅE targets."))
        return super().dispatch(request, *args, **kwargs)

    def year(self, year):
        year = timezone.localdate().year if year is None else year
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404(
                _("Targets are kept for the years %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return year

    def render(self, form):
        year = form.year
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "year": year,
                "previous": year - 1 if year > FIRST_YEAR else None,
                "next": year + 1 if year < LAST_YEAR else None,
            },
        )

    def get(self, request, year=None):
        return self.render(AeTargetsForm(schools=self.schools, year=self.year(year)))

    def post(self, request, year=None):
        year = self.year(year)
        form = AeTargetsForm(request.POST, schools=self.schools, year=year)
        if not form.is_valid():
            return self.render(form)
        changed = services.ae_targets_save(year=year, targets=form.targets(), by=request.user)
        messages.success(
            request,
            ngettext(
                "%(n)s target for %(year)s was saved.",
                "%(n)s targets for %(year)s were saved.",
                changed,
            )
            % {"n": changed, "year": year}
            if changed
            else _("Nothing was changed."),
        )
        return redirect("schools:ae_targets_year", year)
