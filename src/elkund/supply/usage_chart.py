"""SUP-10 (1): this period's consumption against the same period last year, as a plain SVG.

Grouped bars (last year grey, this period blue) with the values in the ``<desc>`` so the chart
is readable without seeing it; plain SVG 1.1 that WeasyPrint and browsers draw alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from elkund.portal.components.formatting import format_number
from elkund.supply.document import UsagePoint

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 632, 28, 190
THIS_YEAR, LAST_YEAR = "#1d5c8c", "#9ca3af"


def usage_chart(points: Sequence[UsagePoint], *, id_prefix: str = "forbrukning") -> str:
    values = [p.kwh for p in points] + [p.last_year_kwh or Decimal(0) for p in points]
    top = _scale_top(max(values, default=Decimal(0)))
    slot = (RIGHT - LEFT) / max(len(points), 1)
    title = "Din elförbrukning jämfört med samma period förra året"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" width="{WIDTH}"'
        f' height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' aria-labelledby="{id_prefix}-title {id_prefix}-desc" font-size="9">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(_description(points))}</desc>',
        f'<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="#6b7280"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 3}" text-anchor="end">{_whole_kwh(top)}</text>',
        f'<text x="{LEFT - 4}" y="{BOTTOM}" text-anchor="end">0</text>',
        f'<text x="{LEFT}" y="{TOP - 14}">kWh</text>',
    ]
    for index, point in enumerate(points):
        x = LEFT + slot * index
        if point.last_year_kwh is not None:
            parts.append(_bar(x + slot * 0.1, slot * 0.4, point.last_year_kwh, top, LAST_YEAR))
        parts.append(_bar(x + slot * 0.5, slot * 0.4, point.kwh, top, THIS_YEAR))
        if len(points) <= 12 or index % 5 == 0:
            centre = f'x="{x + slot / 2:.1f}" y="{BOTTOM + 12}"'
            parts.append(f'<text {centre} text-anchor="middle">{escape(point.label)}</text>')
    parts += _legend()
    parts.append("</svg>")
    return "".join(parts)


def _bar(x: float, width: float, kwh: Decimal, top: Decimal, colour: str) -> str:
    height = float(kwh / top) * (BOTTOM - TOP) if top else 0.0
    return (
        f'<rect x="{x:.1f}" y="{BOTTOM - height:.1f}" width="{width:.1f}"'
        f' height="{height:.1f}" fill="{colour}"/>'
    )


def _legend() -> list[str]:
    y = HEIGHT - 8
    return [
        f'<rect x="{LEFT}" y="{y - 8}" width="10" height="10" fill="{THIS_YEAR}"/>',
        f'<text x="{LEFT + 14}" y="{y}">Denna period</text>',
        f'<rect x="{LEFT + 110}" y="{y - 8}" width="10" height="10" fill="{LAST_YEAR}"/>',
        f'<text x="{LEFT + 124}" y="{y}">Samma period förra året</text>',
    ]


def _description(points: Sequence[UsagePoint]) -> str:
    this = sum((p.kwh for p in points), Decimal(0))
    then = [p.last_year_kwh for p in points if p.last_year_kwh is not None]
    text = f"Denna period {_whole_kwh(this)} kWh"
    if then:
        text += f", samma period förra året {_whole_kwh(sum(then, Decimal(0)))} kWh"
    return text + "."


def _scale_top(largest: Decimal) -> Decimal:
    """A round top for the axis: 1, 2 or 5 times a power of ten, at least the largest bar."""
    if largest <= 0:
        return Decimal(1)
    magnitude = Decimal(10) ** (largest.adjusted())
    for step in (1, 2, 5, 10):
        if largest <= magnitude * step:
            return magnitude * step
    return magnitude * 10


def _whole_kwh(value: Decimal) -> str:
    return format_number(value, "sv", decimals=0)
