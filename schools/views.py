from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from access import (
    amu_courses_for,
    can_manage_catalogue,
)
from core.pagination import paginate

from . import services
from .forms import (
    CatalogueFilterForm,
    CatalogueImportForm,
)
from .importing import ImportFileError, check_catalogue, read_table


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
