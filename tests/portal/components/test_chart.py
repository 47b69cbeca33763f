from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from markupsafe import Markup

from elkund.metering.domain import Resolution
from elkund.portal.components.chart import (
    Row,
    consumption_chart,
    data_table,
    serialise,
    total_row,
)
from elkund.portal.components.i18n import Lang
from tests.portal.components.factories import (
    COMPLETE,
    ESTIMATED,
    MISSING,
    calendar_series,
    hourly_series,
)

NB = "\N{NO-BREAK SPACE}"
SVG = "{http://www.w3.org/2000/svg}"

MARCH = calendar_series(date(2025, 3, 1), [1000, 3000, 2000], [COMPLETE, ESTIMATED, MISSING])
MARCH_2024 = calendar_series(date(2024, 3, 1), [800, 3000, 0])


def _svg(markup: Markup) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own output, not untrusted input


def _bars(root: ET.Element, kind: str) -> list[ET.Element]:
    return [
        g
        for g in root.iter(f"{SVG}g")
        if "bar" in g.get("class", "").split() and f"bar--{kind}" in g.get("class", "")
    ]


def _texts(root: ET.Element, group_class: str) -> list[str]:
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == group_class)
    return [text.text or "" for text in group.iter(f"{SVG}text")]


def test_chart_is_an_accessible_svg_image() -> None:
    chart = consumption_chart(MARCH, lang="sv")
    assert isinstance(chart, Markup)
    root = _svg(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "consumption-title consumption-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert title.get("id") == "consumption-title"
    assert desc.get("id") == "consumption-desc"
    assert title.text == "Förbrukning per dag, 1–3 mars 2025"
    assert desc.text == (
        f"Totalt: 6,000{NB}kWh. 1 av 3 staplar innehåller uppskattade värden."
        " 1 av 3 staplar saknar värden helt eller delvis."
    )
    assert "script" not in str(chart)


def test_one_bar_per_bucket_marked_by_quality() -> None:
    root = _svg(consumption_chart(MARCH, lang="sv"))
    bars = _bars(root, "current")
    assert [bar.get("class") for bar in bars] == [
        "bar bar--current bar--complete",
        "bar bar--current bar--contains_estimated",
        "bar bar--current bar--missing",
    ]
    assert [bar.findtext(f"{SVG}title") for bar in bars] == [
        f"1 mars 2025: 1,000{NB}kWh (komplett)",
        f"2 mars 2025: 3,000{NB}kWh (innehåller uppskattade värden)",
        f"3 mars 2025: 2,000{NB}kWh (saknas)",
    ]
    rects = [bar.find(f"{SVG}rect") for bar in bars]
    complete, estimated, missing = (rect.attrib for rect in rects if rect is not None)
    assert complete["fill"] == "#1d5c8c"
    assert estimated["fill"] == "url(#consumption-estimated-current)"
    assert root.find(f".//{SVG}pattern[@id='consumption-estimated-current']") is not None
    assert missing["fill-opacity"] == "0.3"
    assert missing["stroke-dasharray"] == "3 2"
    # The y axis runs 0–3 kWh, so the 3 kWh bar fills the plot and the 1 kWh bar a third of it.
    assert _texts(root, "axis axis--y") == ["0", "1", "2", "3", "Energi (kWh)"]
    assert [float(rect.attrib["height"]) for rect in rects if rect is not None] == [76, 228, 152]


def test_legend_explains_the_markings() -> None:
    root = _svg(consumption_chart(MARCH, previous=MARCH_2024, lang="sv"))
    assert _texts(root, "legend") == [
        "Vald period",
        "Samma period förra året",
        "Innehåller uppskattade värden",
        "Saknas",
    ]
    plain = _svg(consumption_chart(MARCH_2024, lang="sv"))
    assert _texts(plain, "legend") == ["Vald period"]


def test_comparison_adds_last_years_bar_beside_each_bucket() -> None:
    root = _svg(consumption_chart(MARCH, previous=MARCH_2024, lang="en"))
    assert len(_bars(root, "current")) == 3
    previous = _bars(root, "previous")
    assert [bar.findtext(f"{SVG}title") for bar in previous] == [
        f"Same period last year, 1 March 2024: 0.800{NB}kWh (complete)",
        f"Same period last year, 2 March 2024: 3.000{NB}kWh (complete)",
        f"Same period last year, 3 March 2024: 0.000{NB}kWh (complete)",
    ]
    desc = root.findtext(f"{SVG}desc")
    assert desc is not None
    assert desc.startswith(f"Total: 6.000{NB}kWh. Same period last year: 3.800{NB}kWh.")


def test_axis_labels_follow_the_language() -> None:
    series = hourly_series(date(2025, 3, 30), [500] * 23)
    cases: list[tuple[Lang, str, str]] = [
        ("sv", "Energi (kWh)", "Timme"),
        ("en", "Energy (kWh)", "Hour"),
    ]
    for lang, y_title, x_title in cases:
        root = _svg(consumption_chart(series, lang=lang))
        y_labels = _texts(root, "axis axis--y")
        assert y_labels[-1] == y_title
        assert y_labels[1] == ("0,1" if lang == "sv" else "0.1")
        x_labels = _texts(root, "axis axis--x")
        # 23 hours (spring DST) with every second label: 02:00 local never happens.
        assert x_labels[:3] == ["00:00", "03:00", "05:00"]
        assert x_labels[-1] == x_title


def test_empty_series_still_renders() -> None:
    empty = calendar_series(date(2025, 3, 1), [])
    root = _svg(consumption_chart(empty, lang="en"))
    assert root.findtext(f"{SVG}desc") == "No values for the period."
    assert _bars(root, "current") == []


def test_text_is_escaped_and_ids_are_prefixed() -> None:
    root = _svg(consumption_chart(MARCH, lang="sv", id_prefix="chart-2"))
    assert root.get("aria-labelledby") == "chart-2-title chart-2-desc"
    assert root.find(f".//{SVG}pattern[@id='chart-2-estimated-current']") is not None


def test_data_table_rows_with_comparison() -> None:
    rows = data_table(MARCH, MARCH_2024, "sv")
    assert [
        (r.period, r.wh, r.kwh, r.previous_wh, r.previous_kwh, r.change_percent, r.change)
        for r in rows
    ] == [
        ("1 mars 2025", 1000, "1,000", 800, "0,800", Decimal("25.0"), f"+25,0{NB}%"),
        ("2 mars 2025", 3000, "3,000", 3000, "3,000", Decimal("0.0"), f"+0,0{NB}%"),
        ("3 mars 2025", 2000, "2,000", 0, "0,000", None, None),
    ]
    assert [(r.quality, r.quality_text) for r in rows] == [
        (COMPLETE, "komplett"),
        (ESTIMATED, "innehåller uppskattade värden"),
        (MISSING, "saknas"),
    ]
    assert rows[0].start == MARCH.buckets[0].start
    assert rows[0].previous_quality is COMPLETE


def test_data_table_without_or_with_a_shorter_last_year() -> None:
    alone = data_table(MARCH, None, "en")
    assert [(r.period, r.kwh, r.previous_kwh, r.change) for r in alone] == [
        ("1 March 2025", "1.000", None, None),
        ("2 March 2025", "3.000", None, None),
        ("3 March 2025", "2.000", None, None),
    ]
    shorter = calendar_series(date(2024, 3, 1), [1500])
    rows = data_table(MARCH, shorter, "en")
    assert [(r.previous_wh, r.change) for r in rows] == [
        (1500, "-33.3%"),
        (None, None),
        (None, None),
    ]


def test_total_row() -> None:
    total = total_row(MARCH, MARCH_2024, "sv")
    assert total == Row(
        start=MARCH.start,
        end=MARCH.end,
        period="Totalt",
        wh=6000,
        kwh="6,000",
        quality=MISSING,
        quality_text="saknas",
        previous_wh=3800,
        previous_kwh="3,800",
        previous_quality=COMPLETE,
        change_percent=Decimal("57.9"),
        change=f"+57,9{NB}%",
    )


def test_monthly_series_labels() -> None:
    series = calendar_series(date(2025, 1, 1), [1, 2, 3], resolution=Resolution.P1M)
    root = _svg(consumption_chart(series, lang="sv"))
    assert _texts(root, "axis axis--x") == ["jan.", "feb.", "mars", "Månad"]
    assert [r.period for r in data_table(series, None, "sv")] == [
        "januari 2025",
        "februari 2025",
        "mars 2025",
    ]


def test_the_fast_serialiser_writes_what_elementtree_writes() -> None:
    """``serialise`` replaces ``ET.tostring`` for speed; the text must be the same."""
    for series, previous in [(MARCH, MARCH_2024), (MARCH, None)]:
        for lang in ("sv", "en"):
            markup = consumption_chart(series, previous=previous, lang=lang)
            assert str(markup) == ET.tostring(_svg(markup), encoding="unicode").replace(
                "ns0:", ""
            ).replace(":ns0", "")
    tricky = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "data-x": 'a&b<"c">\n\t\r'})
    ET.SubElement(tricky, "title").text = "Åsa & Bo <kWh> \"citat\" 'x'"
    ET.SubElement(tricky, "rect", width="1")
    ET.SubElement(tricky, "g").text = ""
    assert serialise(tricky) == ET.tostring(tricky, encoding="unicode")
