"""Server-side SVG charts for the dashboard. Each chart is an image with a <title>
summing it up; the numbers themselves are in the table printed beside it."""

from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

PLANNED, REALISED = "#6ea8fe", "#0a58ca"


@register.simple_tag
def month_chart(months, chart_id: str):
    """Planned and realised participant days per month, as paired bars."""
    if not months:
        return ""
    peak = max(float(m["planned_days"]) for m in months) or 1.0
    width, height, top, slot = max(320, 56 * len(months)), 150, 10, 56
    base = top + 110
    parts = []
    for n, month in enumerate(months):
        x = 12 + n * slot
        for offset, value, colour in (
            (0, float(month["planned_days"]), PLANNED),
            (20, float(month["realised_days"]), REALISED),
        ):
            h = round(110 * value / peak)
            parts.append((x + offset, base - h, 18, h, colour))
    labels = [
        (12 + n * slot + 19, base + 14, formats.date_format(m["month"], "M y"))
        for n, m in enumerate(months)
    ]
    title = _("Participant days per month, planned (light) and realised (dark): %(values)s") % {
        "values": "; ".join(
            f"{formats.date_format(m['month'], 'M Y')}: {m['planned_days']:g} / "
            f"{m['realised_days']:g}"
            for m in months
        )
    }
    return format_html(
        '<svg class="dash-chart" role="img" aria-labelledby="{id}" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg"><title id="{id}">{title}'
        "</title>{bars}{labels}"
        '<line x1="6" y1="{base}" x2="{end}" y2="{base}" stroke="#6c757d" stroke-width="1"/>'
        "</svg>",
        id=chart_id,
        w=width,
        h=height,
        title=title,
        base=base,
        end=width - 6,
        bars=format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>', parts),
        labels=format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#495057">{}</text>',
            labels,
        ),
    )


@register.simple_tag
def bar_chart(items, chart_id: str, summary: str):
    """Horizontal bars for (label, value) pairs."""
    items = [(str(label), float(value)) for label, value in items]
    if not items:
        return ""
    peak = max(v for _l, v in items) or 1.0
    row, label_width, bar_width = 22, 130, 170
    parts = [
        (
            4,
            n * row + 15,
            label[:22],
            label_width,
            n * row + 4,
            round(bar_width * value / peak),
            label_width + round(bar_width * value / peak) + 4,
            n * row + 15,
            f"{value:g}",
        )
        for n, (label, value) in enumerate(items)
    ]
    width = label_width + bar_width + 40
    return format_html(
        '<svg class="dash-chart" role="img" aria-labelledby="{id}" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg"><title id="{id}">{title}'
        "</title>{bars}</svg>",
        id=chart_id,
        w=width,
        h=len(items) * row + 4,
        title=f"{summary}: " + "; ".join(f"{label} {value:g}" for label, value in items),
        bars=format_html_join(
            "",
            '<text x="{}" y="{}" font-size="11" fill="#212529">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="14" fill="#0a58ca"/>'
            '<text x="{}" y="{}" font-size="11" fill="#212529">{}</text>',
            [(x, y, label, lw, by, bw, tx, ty, v) for x, y, label, lw, by, bw, tx, ty, v in parts],
        ),
    )


TARGET = "#495057"


@register.simple_tag
def target_chart(months, chart_id: str):
    """Cumulative ÅE month by month: the target (dashed), what has been realised (solid,
    up to this month) and the forecast (dotted: realised, then planned)."""
    if not months:
        return ""
    series = {
        "target": [m["cumulative_target"] for m in months],
        "realised": [m["cumulative_realised"] for m in months if m["past"]],
        "forecast": [m["cumulative_forecast"] for m in months],
    }
    values = [float(v) for line in series.values() for v in line if v is not None]
    peak = max(values, default=0.0) or 1.0
    slot, left, top, plot = 44, 12, 10, 110
    width, base = max(320, left * 2 + slot * len(months)), top + plot

    def points(line):
        return " ".join(
            f"{left + slot * n + slot // 2},{base - round(plot * float(v) / peak)}"
            for n, v in enumerate(line)
            if v is not None
        )

    lines = [
        (points(series["target"]), TARGET, "6 4") if None not in series["target"] else None,
        (points(series["forecast"]), PLANNED, "2 3"),
        (points(series["realised"]), REALISED, "none") if series["realised"] else None,
    ]
    labels = [
        (left + slot * n + slot // 2, base + 14, formats.date_format(m["month"], "M y"))
        for n, m in enumerate(months)
    ]
    last = months[-1]
    title = _(
        "Cumulative ÅE by the end of %(month)s: target %(target)s (dashed), forecast "
        "%(forecast)s (dotted), realised so far %(realised)s (solid)"
    ) % {
        "month": formats.date_format(last["month"], "F Y"),
        "target": "–"
        if last["cumulative_target"] is None
        else formats.number_format(last["cumulative_target"], 1),
        "forecast": formats.number_format(last["cumulative_forecast"], 1),
        "realised": formats.number_format(series["realised"][-1] if series["realised"] else 0, 1),
    }
    return format_html(
        '<svg class="dash-chart" role="img" aria-labelledby="{id}" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg"><title id="{id}">{title}'
        "</title>{lines}{labels}"
        '<line x1="6" y1="{base}" x2="{end}" y2="{base}" stroke="#6c757d" stroke-width="1"/>'
        "</svg>",
        id=chart_id,
        w=width,
        h=base + 24,
        title=title,
        base=base,
        end=width - 6,
        lines=format_html_join(
            "",
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" '
            'stroke-dasharray="{}"/>',
            [line for line in lines if line and line[0]],
        ),
        labels=format_html_join(
            "",
            '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#495057">{}</text>',
            labels,
        ),
    )
