"""WeasyPrint may fetch only our own static files: never file:// paths a template could
be tricked into naming, and never the network (this server has none, and a PDF must
not depend on a third party)."""

import mimetypes

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

STATIC_PREFIX = "static:"


class SafeURLFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if url.startswith(STATIC_PREFIX):
            try:
                path = finders.find(url.removeprefix(STATIC_PREFIX))
            except SuspiciousFileOperation:
                path = None
            if path:
                with open(path, "rb") as handle:
                    body = handle.read()
                mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
        raise URLFetchingError(f"Refused to fetch {url!r} while rendering a report")


safe_url_fetcher = SafeURLFetcher()
