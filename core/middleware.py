"""Requests the application cannot take, answered plainly instead of with a 500."""

from django.shortcuts import render

# PostgreSQL cannot store or compare a NUL byte, and no address or link of ours holds one.
NUL = "\x00"


class RefuseNulBytesMiddleware:
    """A NUL byte in the path or the query string is a broken or forged link: 400 with a
    page that says so, before any view hands it to the database. (Form fields refuse NUL
    bytes themselves, with a message at the field.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or any(
            NUL in key or any(NUL in value for value in values)
            for key, values in request.GET.lists()
        ):
            return render(request, "400.html", status=400)
        return self.get_response(request)
