from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from .selectors import home_context


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["home"] = home_context(self.request.user, today=timezone.localdate())
        return context


def form_page_context(title, cancel_url, breadcrumbs, submit_label=None) -> dict:
    """What templates/_form_page.html needs around a form."""
    return {
        "page_title": title,
        "cancel_url": cancel_url,
        "breadcrumbs": breadcrumbs,
        "submit_label": submit_label,
    }


class FormPageMixin:
    """A FormView rendered with templates/_form_page.html: title, breadcrumbs, cancel."""

    template_name = "_form_page.html"
    page_title = ""
    submit_label = None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **form_page_context(
                self.page_title, self.get_cancel_url(), self.get_breadcrumbs(), self.submit_label
            ),
            **kwargs,
        )

    def get_breadcrumbs(self):
        return []

    def get_cancel_url(self):
        raise NotImplementedError
