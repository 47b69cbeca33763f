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
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from markupsafe import Markup

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
    _add_bars(svg, series, pairs, top, id_prefix, lang)
    _add_x_axis(svg, series, lang)
    _add_legend(svg, series, previous, id_prefix, lang)
    # Safe: ``serialise`` escapes every text node and attribute value.
    return Markup(serialise(svg))  # noqa: S704


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


def _write(element: ET.Element, out: list[str]) -> None:
    out.append("<" + element.tag)
    for name, value in element.attrib.items():
        out.append(f' {name}="{value.translate(_ATTRIBUTE_ESCAPES)}"')
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
    row = Row(
        start=start,
        end=end,
        period=period,
        wh=wh,
        kwh=format_kwh(wh, lang, unit=False),
        quality=quality,
        quality_text=quality_text(quality, lang),
    )
    if previous is None:
        return row
    previous_wh, previous_quality = previous
    change = change_percent(wh, previous_wh)
    return replace(
        row,
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


def _add_bars(
    svg: ET.Element,
    series: Series,
    pairs: list[tuple[Bucket, Bucket | None]],
    top: Decimal,
    id_prefix: str,
    lang: Lang,
) -> None:
    group = ET.SubElement(svg, "g", {"class": "bars"})
    slot = (PLOT_RIGHT - PLOT_LEFT) / max(len(pairs), 1)
    compare = any(last_year is not None for _, last_year in pairs)
    width = slot * (0.4 if compare else 0.7)
    for index, (bucket, last_year) in enumerate(pairs):
        left = PLOT_LEFT + slot * index + (slot * 0.1 if compare else slot * 0.15)
        period = format_period(bucket.start, bucket.end, series.resolution, lang)
        if last_year is not None:
            then = format_period(last_year.start, last_year.end, series.resolution, lang)
            label = f"{translate('same_period_last_year', lang)}, {then}: "
            _add_bar(group, last_year, left, width, top, id_prefix, "previous", label, lang)
            left += width
        _add_bar(group, bucket, left, width, top, id_prefix, "current", f"{period}: ", lang)


def _add_bar(
    parent: ET.Element,
    bucket: Bucket,
    left: float,
    width: float,
    top: Decimal,
    id_prefix: str,
    kind: str,
    label: str,
    lang: Lang,
) -> None:
    quality = bucket.quality
    bar = ET.SubElement(parent, "g", {"class": f"bar bar--{kind} bar--{quality.value}"})
    text = f"{label}{format_kwh(bucket.wh, lang)} ({quality_text(quality, lang)})"
    ET.SubElement(bar, "title").text = text
    y = _y(kwh_of(bucket.wh), top)
    height = max(PLOT_BOTTOM - y, MIN_BAR_HEIGHT)
    ET.SubElement(
        bar,
        "rect",
        {
            "x": _num(left),
            "y": _num(PLOT_BOTTOM - height),
            "width": _num(width),
            "height": _num(height),
            **_bar_style(quality, kind, id_prefix),
        },
    )


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
