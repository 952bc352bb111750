"""Are the system libraries WeasyPrint needs (Pango, HarfBuzz) installed?

Python packages come with `pip install`; Pango and HarfBuzz come from the operating
system (README: "System packages"). Without them WeasyPrint cannot even be imported, and
every PDF would fail with a library loader's message. This module says so in words: a
deployment check (`check --deploy`, and `make run` before it serves), the report page (a
plain message for users, the fix for administrators), and the tests that need the
libraries, which skip with this reason on a machine without them.
"""

import functools

from django.core import checks

MISSING = "pdf-libraries-missing"
PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
REASON = (
    "the PDF libraries are not installed on the server "
    f"(Pango and HarfBuzz: apt-get install {PACKAGES})"
)


class PdfLibrariesMissing(RuntimeError):
    def __init__(self, detail: str):
        super().__init__(f"{MISSING}: {REASON}. {detail}")


@functools.cache
def missing() -> str | None:
    """None when WeasyPrint loads; otherwise the loader's message."""
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # cffi: "cannot load library 'libpango-1.0-0'"
        return str(error).splitlines()[0][:300]
    return None


def require() -> None:
    detail = missing()
    if detail is not None:
        raise PdfLibrariesMissing(detail)


@checks.register("pdf", deploy=True)
def pdf_libraries_installed(app_configs, **kwargs):
    detail = missing()
    if detail is None:
        return []
    return [
        checks.Warning(
            f"PDFs cannot be made: {REASON}.",
            hint=f"Install them and restart (the library loader said: {detail}).",
            id="reports.W001",
        )
    ]
