import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from accounts.signals import SESSION_LAST_SEEN, SESSION_STARTED_AT

# Refresh the "last seen" stamp at most this often, to spare a session write per request.
LAST_SEEN_RESOLUTION_SECONDS = 60


class SessionLifetimeMiddleware:
    """Ends a signed-in session after SESSION_IDLE_TIMEOUT without requests, or
    SESSION_ABSOLUTE_LIFETIME after login, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = self._check(request)
            if expired:
                logout(request)
                messages.info(request, expired)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _check(self, request) -> str | None:
        session, now = request.session, time.time()
        started = session.setdefault(SESSION_STARTED_AT, now)
        last_seen = session.get(SESSION_LAST_SEEN, now)
        if now - started > settings.SESSION_ABSOLUTE_LIFETIME.total_seconds():
            return _("Your session has ended for security reasons. Please log in again.")
        if now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds():
            return _("You were logged out after a period without activity. Please log in again.")
        if now - last_seen > LAST_SEEN_RESOLUTION_SECONDS or SESSION_LAST_SEEN not in session:
            session[SESSION_LAST_SEEN] = now
        return None


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in user carry personal or company data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, no_cache=True, private=True)
        return response
