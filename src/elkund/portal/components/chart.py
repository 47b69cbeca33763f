"""The Förbrukning chart: a server-rendered, accessible SVG bar chart, and the table beside it.

No JavaScript: the SVG is an image (``role="img"``) named by its ``<title>`` and summarised by its
``<desc>``; the exact numbers are in the table from ``data_table``. Each bar carries a ``<title>``
with its period, value and quality, so the value shows on hover too. Buckets that contain estimated
values are hatched and buckets that lack values are pale with a dashed outline, so the difference
does not rest on colour alone. Last year's series is paired with this one bucket by bucket.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET  # builds (never parses) the SVG, so escaping is done for us
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Final

from markupsafe import Markup, escape

from elkund.metering.domain import AggregateQuality, Bucket
from elkund.metering.reading import Series
from elkund.portal.components.formatting import (
    format_change,
    format_date_range,
    format_kwh,
    format_number,
    format_period,
    format_short_period,
    kwh_of,
    to_local,
)
from elkund.portal.components.i18n import Lang, translate

SVG_NS: Final = "http://www.w3.org/2000/svg"

WIDTH: Final = 720
HEIGHT: Final = 340
PLOT_LEFT: Final = 80
PLOT_RIGHT: Final = WIDTH - 16
PLOT_TOP: Final = 48
PLOT_BOTTOM: Final = HEIGHT - 64
MAX_X_LABELS: Final = 12
MIN_BAR_HEIGHT: Final = 2.0

CURRENT_COLOUR: Final = "#1d5c8c"
PREVIOUS_COLOUR: Final = "#6b7280"
GRID_COLOUR: Final = "#d1d5db"
TEXT_COLOUR: Final = "#1f2937"


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table beside the chart; text fields are formatted for ``lang``."""

    start: datetime
    end: datetime
    period: str
    wh: int
    kwh: str
    quality: AggregateQuality
    quality_text: str
    previous_wh: int | None = None
    previous_kwh: str | None = None
    previous_quality: AggregateQuality | None = None
    change_percent: Decimal | None = None
    change: str | None = None


@cache
def quality_text(quality: AggregateQuality, lang: Lang) -> str:
    return translate(f"quality_{quality.value}", lang)


def change_percent(wh: int, previous_wh: int | None) -> Decimal | None:
    """Per cent change from last year, one decimal; ``None`` when there is nothing to compare."""
    if not previous_wh:
        return None
    percent = Decimal((wh - previous_wh) * 100) / Decimal(previous_wh)
    return percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def data_table(series: Series, previous: Series | None, lang: Lang) -> list[Row]:
    """One row per bucket of ``series``, each with the bucket in the same position last year."""
    return [
        _row(
            start=bucket.start,
            end=bucket.end,
            period=format_period(bucket.start, bucket.end, series.resolution, lang),
            wh=bucket.wh,
            quality=bucket.quality,
            previous=(last_year.wh, last_year.quality) if last_year else None,
            lang=lang,
        )
        for bucket, last_year in _pairs(series, previous)
    ]


def table_body(rows: Sequence[Row], lang: Lang) -> Markup:
    """The ``<tr>`` of each row for the table's ``<tbody>``: period, kWh, quality, last year's
    kWh and quality, and the change (``–`` where there is nothing to compare).

    Written here rather than by a template loop, which took twice as long for a year by day.
    """
    missing = "–"
    out = []
    for row in rows:
        last_year_quality = (
            quality_text(row.previous_quality, lang) if row.previous_quality else missing
        )
        out.append(
            f'<tr data-start="{row.start.isoformat()}" class="quality-{row.quality.value}">'
            f'<th scope="row">{escape(row.period)}</th>'
            f'<td class="number">{escape(row.kwh)}</td>'
            f"<td>{escape(row.quality_text)}</td>"
            f'<td class="number">{escape(row.previous_kwh or missing)}</td>'
            f"<td>{escape(last_year_quality)}</td>"
            f'<td class="number">{escape(row.change or missing)}</td></tr>\n'
        )
    return Markup("".join(out))  # noqa: S704 - every text above is escaped


def total_row(series: Series, previous: Series | None, lang: Lang) -> Row:
    """The footer line: totals of both series and the change between them."""
    return _row(
        start=series.start,
        end=series.end,
        period=translate("total", lang),
        wh=series.total_wh,
        quality=series.quality,
        previous=(previous.total_wh, previous.quality) if previous else None,
        lang=lang,
    )


def consumption_chart(
    series: Series, *, previous: Series | None = None, lang: Lang, id_prefix: str = "consumption"
) -> Markup:
    """The SVG bar chart of ``series`` (and last year's ``previous``) as safe markup.

    ``id_prefix`` keeps the element ids unique when a page shows more than one chart.
    """
    pairs = _pairs(series, previous)
    step, steps = _axis_steps(
        max([b.wh for b, _ in pairs] + [p.wh for _, p in pairs if p is not None], default=0)
    )
    top = step * steps
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{id_prefix}-title {id_prefix}-desc",
            "class": "consumption-chart",
            "font-family": "system-ui, sans-serif",
            "font-size": "12",
        },
    )
    ET.SubElement(svg, "title", id=f"{id_prefix}-title").text = _chart_title(series, lang)
    ET.SubElement(svg, "desc", id=f"{id_prefix}-desc").text = _chart_summary(series, previous, lang)
    _add_patterns(svg, id_prefix)
    _add_y_axis(svg, step, steps, lang)
    bars = ET.SubElement(svg, "g", {"class": "bars"})  # its bars are written as text, below
    _add_x_axis(svg, series, lang)
    _add_legend(svg, series, previous, id_prefix, lang)
    out = [_start_tag(svg)]
    for child in svg:
        if child is bars:
            out.append(_bars(series, pairs, top, id_prefix, lang))
        else:
            _write(child, out)
    out.append("</svg>")
    # Safe: ``serialise``, ``_start_tag`` and ``_bars`` escape every text node and attribute value.
    return Markup("".join(out))  # noqa: S704


def serialise(element: ET.Element) -> str:
    """The same text as ``ET.tostring(element, encoding="unicode")`` (a test holds them equal)
    for the plain elements built here (no namespaces, comments or tails), several times faster:
    ElementTree's namespace bookkeeping was a third of the Förbrukning page's time."""
    out: list[str] = []
    _write(element, out)
    return "".join(out)


_TEXT_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES: Final = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#09;",
    }
)


def _start_tag(element: ET.Element) -> str:
    return "<" + element.tag + _attributes(element.attrib) + ">"


def _attributes(attributes: dict[str, str]) -> str:
    return "".join(
        f' {name}="{value.translate(_ATTRIBUTE_ESCAPES)}"' for name, value in attributes.items()
    )


def _write(element: ET.Element, out: list[str]) -> None:
    out.append("<" + element.tag + _attributes(element.attrib))
    if not element.text and len(element) == 0:
        out.append(" />")
        return
    out.append(">")
    if element.text:
        out.append(element.text.translate(_TEXT_ESCAPES))
    for child in element:
        _write(child, out)
    out.append(f"</{element.tag}>")


def _row(
    *,
    start: datetime,
    end: datetime,
    period: str,
    wh: int,
    quality: AggregateQuality,
    previous: tuple[int, AggregateQuality] | None,
    lang: Lang,
) -> Row:
    kwh = format_kwh(wh, lang, unit=False)
    if previous is None:
        return Row(start, end, period, wh, kwh, quality, quality_text(quality, lang))
    previous_wh, previous_quality = previous
    change = change_percent(wh, previous_wh)
    return Row(
        start=start,
        end=end,
        period=period,
        wh=wh,
        kwh=kwh,
        quality=quality,
        quality_text=quality_text(quality, lang),
        previous_wh=previous_wh,
        previous_kwh=format_kwh(previous_wh, lang, unit=False),
        previous_quality=previous_quality,
        change_percent=change,
        change=format_change(change, lang) if change is not None else None,
    )


def _pairs(series: Series, previous: Series | None) -> list[tuple[Bucket, Bucket | None]]:
    """Each bucket with last year's bucket in the same position (``None`` past its end)."""
    earlier: Sequence[Bucket] = previous.buckets if previous else ()
    return [
        (bucket, earlier[index] if index < len(earlier) else None)
        for index, bucket in enumerate(series.buckets)
    ]


def _chart_title(series: Series, lang: Lang) -> str:
    period = format_date_range(to_local(series.start).date(), to_local(series.end).date(), lang)
    per = translate(f"per_resolution_{series.resolution.value}", lang)
    return f"{translate('consumption', lang)} {per}, {period}"


def _chart_summary(series: Series, previous: Series | None, lang: Lang) -> str:
    if not series.buckets:
        return translate("no_values", lang) + "."
    parts = [f"{translate('total', lang)}: {format_kwh(series.total_wh, lang)}."]
    if previous is not None:
        parts.append(
            f"{translate('same_period_last_year', lang)}: {format_kwh(previous.total_wh, lang)}."
        )
    count = len(series.buckets)
    for quality, key in (
        (AggregateQuality.ESTIMATED, "chart_summary_estimated"),
        (AggregateQuality.MISSING, "chart_summary_missing"),
    ):
        marked = sum(bucket.quality is quality for bucket in series.buckets)
        if marked:
            parts.append(translate(key, lang).format(count=marked, total=count))
    return " ".join(parts)


def _axis_steps(max_wh: int) -> tuple[Decimal, int]:
    """A round kWh step and how many of them (at most five) reach the largest bar."""
    largest = kwh_of(max(max_wh, 1))
    raw = largest / 5
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(m * magnitude for m in (1, 2, Decimal("2.5"), 5, 10) if m * magnitude >= raw)
    return step.normalize(), math.ceil(largest / step)


def _decimals(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _y(kwh: Decimal, top: Decimal) -> float:
    return PLOT_BOTTOM - float(kwh / top) * (PLOT_BOTTOM - PLOT_TOP)


def _add_y_axis(svg: ET.Element, step: Decimal, steps: int, lang: Lang) -> None:
    top = step * steps
    group = ET.SubElement(svg, "g", {"class": "axis axis--y", "fill": TEXT_COLOUR})
    for index in range(steps + 1):
        value = step * index
        y = _num(_y(value, top))
        ET.SubElement(
            group,
            "line",
            x1=str(PLOT_LEFT),
            x2=str(PLOT_RIGHT),
            y1=y,
            y2=y,
            stroke=GRID_COLOUR if index else TEXT_COLOUR,
        )
        label = ET.SubElement(
            group, "text", {"x": str(PLOT_LEFT - 6), "y": y, "text-anchor": "end", "dy": "0.35em"}
        )
        label.text = format_number(value, lang, decimals=_decimals(step))
    title = ET.SubElement(
        group,
        "text",
        {
            "x": "16",
            "y": _num((PLOT_TOP + PLOT_BOTTOM) / 2),
            "text-anchor": "middle",
            "transform": f"rotate(-90 16 {_num((PLOT_TOP + PLOT_BOTTOM) / 2)})",
        },
    )
    title.text = translate("energy_kwh", lang)


def _add_x_axis(svg: ET.Element, series: Series, lang: Lang) -> None:
    group = ET.SubElement(svg, "g", {"class": "axis axis--x", "fill": TEXT_COLOUR})
    count = len(series.buckets)
    every = max(1, math.ceil(count / MAX_X_LABELS))
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(count, 1)
    for index in range(0, count, every):
        label = ET.SubElement(
            group,
            "text",
            {
                "x": _num(PLOT_LEFT + slot * (index + 0.5)),
                "y": str(PLOT_BOTTOM + 18),
                "text-anchor": "middle",
            },
        )
        label.text = format_short_period(series.buckets[index].start, series.resolution, lang)
    title = ET.SubElement(
        group, "text", {"x": _num((PLOT_LEFT + PLOT_RIGHT) / 2), "y": str(HEIGHT - 16)}
    )
    title.set("text-anchor", "middle")
    title.text = translate(f"resolution_{series.resolution.value}", lang).capitalize()


def _bars(
    series: Series,
    pairs: list[tuple[Bucket, Bucket | None]],
    top: Decimal,
    id_prefix: str,
    lang: Lang,
) -> str:
    """The ``<g class="bars">`` group as text, exactly as ``serialise`` would write it: a year by
    day is 730 bars, and building them as elements was most of a first view's time."""
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(len(pairs), 1)
    compare = any(last_year is not None for _, last_year in pairs)
    width = slot * (0.4 if compare else 0.7)
    bar = _BarWriter(width, top, id_prefix, lang)
    last_year_label = translate("same_period_last_year", lang)
    out = ['<g class="bars">']
    for index, (bucket, last_year) in enumerate(pairs):
        left = PLOT_LEFT + slot * index + (slot * 0.1 if compare else slot * 0.15)
        if last_year is not None:
            then = format_period(last_year.start, last_year.end, series.resolution, lang)
            out.append(bar.write(last_year, left, "previous", f"{last_year_label}, {then}: "))
            left += width
        period = format_period(bucket.start, bucket.end, series.resolution, lang)
        out.append(bar.write(bucket, left, "current", f"{period}: "))
    out.append("</g>")
    return "".join(out)


class _BarWriter:
    """One bar as ``<g class="bar …"><title>…</title><rect … /></g>``: the parts that depend only
    on the bar's kind and quality are made once per chart."""

    def __init__(self, width: float, top: Decimal, id_prefix: str, lang: Lang) -> None:
        self._width = _num(width)
        self._top_wh = float(top * 1000)
        self._lang = lang
        self._parts: dict[tuple[str, AggregateQuality], tuple[str, str, str]] = {}
        for kind in ("current", "previous"):
            for quality in AggregateQuality:
                self._parts[kind, quality] = (
                    f'<g class="bar bar--{kind} bar--{quality.value}"><title>',
                    f" ({quality_text(quality, lang)})".translate(_TEXT_ESCAPES),
                    _attributes(_bar_style(quality, kind, id_prefix)),
                )

    def write(self, bucket: Bucket, left: float, kind: str, label: str) -> str:
        opening, quality, style = self._parts[kind, bucket.quality]
        y = _y_of_wh(bucket.wh, self._top_wh)
        height = max(PLOT_BOTTOM - y, MIN_BAR_HEIGHT)
        text = (label + format_kwh(bucket.wh, self._lang)).translate(_TEXT_ESCAPES)
        return (
            f'{opening}{text}{quality}</title><rect x="{_num(left)}"'
            f' y="{_num(PLOT_BOTTOM - height)}" width="{self._width}" height="{_num(height)}"'
            f"{style} /></g>"
        )


def _y_of_wh(wh: int, top_wh: float) -> float:
    """``_y`` in floating point, for the many bars."""
    return PLOT_BOTTOM - wh * (PLOT_BOTTOM - PLOT_TOP) / top_wh


def _bar_style(quality: AggregateQuality, kind: str, id_prefix: str) -> dict[str, str]:
    colour = CURRENT_COLOUR if kind == "current" else PREVIOUS_COLOUR
    if quality is AggregateQuality.ESTIMATED:
        return {"fill": f"url(#{id_prefix}-estimated-{kind})", "stroke": colour}
    if quality is AggregateQuality.MISSING:
        return {
            "fill": colour,
            "fill-opacity": "0.3",
            "stroke": colour,
            "stroke-dasharray": "3 2",
        }
    return {"fill": colour}


def _add_patterns(svg: ET.Element, id_prefix: str) -> None:
    defs = ET.SubElement(svg, "defs")
    for kind, colour in (("current", CURRENT_COLOUR), ("previous", PREVIOUS_COLOUR)):
        pattern = ET.SubElement(
            defs,
            "pattern",
            {
                "id": f"{id_prefix}-estimated-{kind}",
                "width": "6",
                "height": "6",
                "patternUnits": "userSpaceOnUse",
                "patternTransform": "rotate(45)",
            },
        )
        ET.SubElement(pattern, "rect", width="6", height="6", fill=colour, opacity="0.45")
        ET.SubElement(pattern, "rect", width="3", height="6", fill=colour)


def _add_legend(
    svg: ET.Element, series: Series, previous: Series | None, id_prefix: str, lang: Lang
) -> None:
    entries: list[tuple[str, AggregateQuality, str]] = [
        (translate("this_period", lang), AggregateQuality.COMPLETE, "current")
    ]
    if previous is not None:
        entries.append(
            (translate("same_period_last_year", lang), AggregateQuality.COMPLETE, "previous")
        )
    present = {b.quality for b in series.buckets} | {
        b.quality for b in (previous.buckets if previous else ())
    }
    for quality in (AggregateQuality.ESTIMATED, AggregateQuality.MISSING):
        if quality in present:
            entries.append((quality_text(quality, lang).capitalize(), quality, "current"))
    group = ET.SubElement(svg, "g", {"class": "legend", "fill": TEXT_COLOUR})
    x = float(PLOT_LEFT)
    for text, quality, kind in entries:
        ET.SubElement(
            group,
            "rect",
            {"x": _num(x), "y": "14", "width": "14", "height": "14"}
            | _bar_style(quality, kind, id_prefix),
        )
        ET.SubElement(group, "text", x=_num(x + 20), y="25").text = text
        x += 20 + 7 * len(text) + 20


def _num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
