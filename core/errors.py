"""Server errors a person can understand, and a database outage told apart from a bug.

When the database does not answer, every page fails the same way. The visitor gets a 503
page that says the service is briefly unavailable (with Retry-After) instead of the
generic error page, and the log gets one line per request instead of a traceback each
(`DatabaseUnavailableFilter`). Neither touches the database.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from core.request_log import current_request_id

RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached or dropped the connection (Django wraps the
    driver's and the pool's errors in these)."""
    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request):
    """handler500: 503 for a database outage, the plain error page for anything else."""
    error = sys.exc_info()[1]
    # The id the log lines of this request carry, for the person to quote.
    context = {"request_id": current_request_id()}
    if database_unavailable(error):
        response = HttpResponse(render_to_string("503.html", context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(render_to_string("500.html", context), status=500)


class DatabaseUnavailableFilter(logging.Filter):
    """One line for a request that failed because the database is down; other errors keep
    their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if database_unavailable(error):
            request = getattr(record, "request", None)
            first_line = next(iter(str(error).strip().splitlines()), "")
            record.msg = "Database unavailable: %s %s (%s: %s)"
            record.args = (
                getattr(request, "method", "?"),
                getattr(request, "path", "?"),
                type(error).__name__,
                first_line[:200],
            )
            record.exc_info = None
            record.exc_text = None
        return True
