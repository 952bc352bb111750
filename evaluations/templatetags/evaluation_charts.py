"""Bar charts of 1–5 answers as inline SVG, for the results pages and the PDF (no
JavaScript, nothing inline that the Content-Security-Policy would refuse)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()

BAR, GAP, TOP, HEIGHT = 30, 12, 14, 56


@register.simple_tag
def score_chart(question, chart_id: str):
    """Five bars, a count above each and the score below; described by its <title>."""
    peak = max(question.distribution) or 1
    bars = []
    for n, count in enumerate(question.distribution):
        height = round(HEIGHT * count / peak)
        x = GAP + n * (BAR + GAP)
        bars.append(
            (
                x,
                TOP + HEIGHT - height,
                BAR,
                height,
                x + BAR / 2,
                TOP + HEIGHT - height - 3,
                count,
                x + BAR / 2,
                TOP + HEIGHT + 13,
                n + 1,
            )
        )
    width = GAP + 5 * (BAR + GAP)
    title = _("Answers from 1 (%(low)s) to 5 (%(high)s): %(counts)s") % {
        "low": question.low,
        "high": question.high,
        "counts": ", ".join(f"{n + 1}: {c}" for n, c in enumerate(question.distribution)),
    }
    return format_html(
        '<svg class="score-chart" role="img" aria-labelledby="{id}" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg"><title id="{id}">{title}'
        "</title>{bars}"
        '<line x1="{gap}" y1="{base}" x2="{end}" y2="{base}" stroke="#6c757d" stroke-width="1"/>'
        "</svg>",
        id=chart_id,
        w=width,
        h=TOP + HEIGHT + 18,
        title=title,
        gap=GAP / 2,
        end=width - GAP / 2,
        base=TOP + HEIGHT,
        bars=format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#0a58ca"/>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#212529">{}</text>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#495057">{}</text>',
            bars,
        ),
    )
