"""One way to send a product e-mail: a plain-text part, an HTML part, optionally a file.
Callers choose the language (translation.override) and keep failures (they differ in how)."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated(
    *,
    subject: str,
    template: str,
    context: dict,
    to: list[str],
    attachment: tuple[str, bytes | str, str] | None = None,
) -> None:
    """Renders `<template>.txt` and `<template>.html` with `context`."""
    message = EmailMultiAlternatives(
        " ".join(subject.split()), render_to_string(f"{template}.txt", context), None, to
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    if attachment:
        message.attach(*attachment)
    message.send()
