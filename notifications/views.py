from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from core.pagination import paginate
from core.validators import parse_id

from . import services
from .forms import PreferencesForm
from .models import Notification


class NotificationListView(LoginRequiredMixin, TemplateView):
    """The person's own messages, newest first, unread marked."""

    template_name = "notifications/list.html"

    def get_context_data(self, **kwargs):
        mine = Notification.objects.filter(recipient=self.request.user)
        return super().get_context_data(page_obj=paginate(self.request, mine), **kwargs)


class MarkView(LoginRequiredMixin, View):
    """POST: mark one message (id) or all of them read, or one unread again."""

    http_method_names = ["post"]

    def post(self, request):
        user = request.user
        notification_id = parse_id(request.POST.get("id"))
        if request.POST.get("unread") and notification_id is not None:
            services.mark_unread(user=user, ids=[notification_id])
        elif notification_id is not None:
            services.mark_read(user=user, ids=[notification_id])
        else:
            services.mark_read(user=user)
            messages.success(request, _("All your messages are marked as read."))
        return redirect("notifications:list")


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "notifications/preferences.html"
    form_class = PreferencesForm

    def get_initial(self):
        user = self.request.user
        return {"language": user.language, **services.preferences_of(user)}

    def form_valid(self, form):
        choices = dict(form.cleaned_data)
        services.preferences_save(
            user=self.request.user, language=choices.pop("language"), choices=choices
        )
        messages.success(self.request, _("Your e-mail choices are saved."))
        return redirect("notifications:preferences")
