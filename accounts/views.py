from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from accounts import throttle
from accounts.forms import PasswordResetRequestForm
from accounts.models import AuditEvent
from accounts.services import audit_record, client_address


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            action=AuditEvent.Action.PASSWORD_CHANGED, actor=self.request.user, request=self.request
        )
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm

    def form_valid(self, form):
        # Counted per address and per e-mail typed, account or not: the answer is the same
        # either way, so it says nothing about who has an account.
        email = form.cleaned_data["email"]
        address = client_address(self.request) or ""
        over = [
            throttle.throttle_hit(throttle.PASSWORD_RESET_ADDRESS, address)
            > throttle.PASSWORD_RESET_ADDRESS.limit,
            throttle.throttle_hit(throttle.PASSWORD_RESET_EMAIL, email)
            > throttle.PASSWORD_RESET_EMAIL.limit,
        ]
        if any(over):
            form.add_error(
                None, _("Too many reset requests. Wait an hour, or ask your administrator.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        # Recorded without saying whether the address belongs to anyone.
        audit_record(
            action=AuditEvent.Action.PASSWORD_RESET_REQUESTED,
            request=self.request,
            actor_name=form.cleaned_data["email"][:150],
        )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=AuditEvent.Action.PASSWORD_RESET, actor=form.user, request=self.request)
        return response


def csrf_failure(request, reason=""):
    """A page a person understands when a form is stale or forged (status 403)."""
    return render(request, "403_csrf.html", status=403)
