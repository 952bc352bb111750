from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Bootstrap "text-bg-*" classes pick a text colour with enough contrast (WCAG AA).
STATUS_STYLES = {
    "prospect": "text-bg-light border",
    "agreement_draft": "text-bg-warning",
    "active": "text-bg-success",
    "evaluation": "text-bg-info",
    "concluded": "text-bg-secondary",
    "paused": "text-bg-dark",
    "draft": "text-bg-light border",
    "proposed": "text-bg-warning",
    "approved": "text-bg-success",
    "in_progress": "text-bg-primary",
    "completed": "text-bg-secondary",
    "planned": "text-bg-light border",
    "confirmed": "text-bg-success",
    "held": "text-bg-secondary",
    "cancelled": "text-bg-danger",
}


@register.simple_tag
def status_class(status: str) -> str:
    return STATUS_STYLES.get(status, "text-bg-light border")


@register.filter
def duration(value) -> str:
    """A timedelta as people say it: '15 minutes', '2 hours', in the active language."""
    import datetime as dt

    from django.utils.translation import ngettext

    if not isinstance(value, dt.timedelta):
        return ""
    minutes = max(1, round(value.total_seconds() / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


# How each kind of lifecycle step looks (core.lifecycle.Transition.tone).
_BUTTON_BY_TONE = {
    "default": "btn-outline-primary",
    "primary": "btn-primary",
    "approve": "btn-success",
    "reject": "btn-outline-danger",
    "quiet": "btn-outline-secondary",
}


@register.filter
def transition_button(transition) -> str:
    """The button classes for a lifecycle step."""
    return "btn " + _BUTTON_BY_TONE.get(getattr(transition, "tone", ""), "btn-outline-primary")


@register.filter
def iso_week_label(day) -> str:
    """'uge 6, 2027' for a date: the unit schools plan in."""
    from django.utils.translation import gettext

    if not day:
        return ""
    calendar = day.isocalendar()
    return gettext("week %(week)s, %(year)s") % {"week": calendar.week, "year": calendar.year}


# Characters that end a CSS string, start an escape, or mean something to the HTML parser
# around a <style> element; each is written as a CSS hex escape ("\26 " for "&").
_CSS_UNSAFE = set("\\\"'<>&")


@register.filter
def css_string(value) -> str:
    """Text for inside a double-quoted CSS string, e.g. `content: "{{ name|css_string }}"`
    in a PDF's page header. HTML escaping is wrong there (a <style> element shows "&amp;"
    as it stands) and so is escapejs (CSS reads "\\u0026" as "u0026")."""
    out = []
    for char in str(value):
        if char in _CSS_UNSAFE or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):X} ")
        else:
            out.append(char)
    return mark_safe("".join(out))


@register.filter
def dkk(value) -> str:
    """An amount in whole kroner, grouped as the language writes it; a dash for an amount
    that cannot be given (a year without rates: the page says which)."""
    from django.template.defaultfilters import floatformat

    return "–" if value is None or value == "" else floatformat(value, "0g")
