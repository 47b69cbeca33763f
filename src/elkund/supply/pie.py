"""The energy-source mix as a pie chart in inline SVG, for the invoice PDF and the portal (SUP-16).

Plain SVG 1.1 only — paths, rectangles, text, presentation attributes; no script, no CSS, no
variables — so WeasyPrint and every browser draw it alike. It is accessible: ``role="img"``, a
``<title>`` and a ``<desc>`` that give every share in words, and a legend with the percentages
beside the pie, so nothing rests on colour alone. One ``<path>`` per source; a single source of
100 % is a full circle (two half arcs: one arc from a point back to itself draws nothing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from elkund.supply.disclosure import Disclosure
from elkund.supply.disclosure_models import EnergySource

# Distinct in colour and in lightness, so a grey-scale print still tells them apart.
COLOURS = {
    EnergySource.HYDRO: "#1f5f99",
    EnergySource.WIND: "#7ab6e0",
    EnergySource.SOLAR: "#f2c230",
    EnergySource.BIO: "#3f7f2f",
    EnergySource.RENEWABLE: "#a6d68a",
    EnergySource.NUCLEAR: "#7b4fa0",
    EnergySource.FOSSIL: "#4d4d4d",
}
_RADIUS = 80
_CX = _CY = 90
_LEGEND_X = 200
_ROW = 22
_WIDTH = 440
_NBSP = "\u00a0"


@dataclass(frozen=True, slots=True)
class Slice:
    label: str  # Swedish, as printed
    share_pct: Decimal  # 2 decimals; the slices of one pie sum to 100
    colour: str


def disclosure_pie(disclosure: Disclosure, *, id_prefix: str = "energimix") -> str:
    """The pie of a supplier's disclosure, with the climate figures in its description."""
    slices = [
        Slice(share.source.label, share.share_pct, COLOURS[share.source])
        for share in disclosure.sources
    ]
    impact = (
        f"Koldioxid {swedish(disclosure.co2_g_per_kwh)} g/kWh,"
        f" radioaktivt avfall {swedish(disclosure.waste_mg_per_kwh)} mg/kWh."
    )
    title = f"Energikällor för såld el {disclosure.year}"
    return pie_svg(slices, title=title, extra_description=impact, id_prefix=id_prefix)


def pie_svg(
    slices: Sequence[Slice], *, title: str, extra_description: str = "", id_prefix: str = "pie"
) -> str:
    """An accessible SVG pie with a legend; ``id_prefix`` keeps ids unique on a page."""
    shares = "; ".join(f"{s.label} {percent(s.share_pct)}" for s in slices)
    description = f"{shares}. {extra_description}".strip()
    height = max(2 * _CY, 2 * 10 + _ROW * len(slices))
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img"'
        f' width="{_WIDTH}" height="{height}" viewBox="0 0 {_WIDTH} {height}"'
        f' aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        *_slices(slices),
        *_legend(slices),
        "</svg>",
    ]
    return "\n".join(parts)


def _slices(slices: Sequence[Slice]) -> list[str]:
    paths = []
    start = Decimal(0)
    for item in slices:
        end = start + item.share_pct
        data = _full_circle() if item.share_pct >= 100 else _wedge(start, end)
        paths.append(
            f'<path d="{data}" fill="{item.colour}" stroke="#ffffff" stroke-width="1">'
            f"<title>{escape(item.label)} {escape(percent(item.share_pct))}</title></path>"
        )
        start = end
    return paths


def _wedge(start_pct: Decimal, end_pct: Decimal) -> str:
    x0, y0 = _point(start_pct)
    x1, y1 = _point(end_pct)
    large = 1 if end_pct - start_pct > 50 else 0
    return f"M {_CX} {_CY} L {x0} {y0} A {_RADIUS} {_RADIUS} 0 {large} 1 {x1} {y1} Z"


def _full_circle() -> str:
    top, bottom = _CY - _RADIUS, _CY + _RADIUS
    arc = f"A {_RADIUS} {_RADIUS} 0 1 1"
    return f"M {_CX} {top} {arc} {_CX} {bottom} {arc} {_CX} {top} Z"


def _point(pct: Decimal) -> tuple[str, str]:
    """Where a share ends on the circle: from twelve o'clock, clockwise (geometry, not money)."""
    angle = 2 * math.pi * float(pct) / 100 - math.pi / 2
    return _num(_CX + _RADIUS * math.cos(angle)), _num(_CY + _RADIUS * math.sin(angle))


def _legend(slices: Sequence[Slice]) -> list[str]:
    rows = []
    for index, item in enumerate(slices):
        top = 10 + index * _ROW
        text = f"{item.label} {percent(item.share_pct)}"
        rows.append(
            f'<rect x="{_LEGEND_X}" y="{top + 3}" width="14" height="14" fill="{item.colour}"'
            f' stroke="#000000" stroke-width="0.5"/>'
            f'<text x="{_LEGEND_X + 22}" y="{top + 15}" font-family="sans-serif"'
            f' font-size="13" fill="#000000">{escape(text)}</text>'
        )
    return rows


def percent(value: Decimal) -> str:
    return f"{swedish(value)}{_NBSP}%"


def swedish(value: Decimal) -> str:
    """A decimal as Swedes write it: a comma before the decimals."""
    return str(value).replace(".", ",")


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
