"""The home page: what is waiting for the user, their partnerships, blocks and meetings."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from .selectors import home_context


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "home/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["home"] = home_context(self.request.user, today=timezone.localdate())
        return context
