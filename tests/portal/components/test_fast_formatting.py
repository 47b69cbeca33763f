"""The Förbrukning page's fast formatting and markup give exactly what the slower, obvious way
gives (Babel, ``format_number``, ElementTree, a Jinja loop)."""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from elkund.core.localtime import STOCKHOLM, local_midnight
from elkund.metering.domain import Resolution
from elkund.portal.components.chart import Row, consumption_chart, data_table, table_body
from elkund.portal.components.formatting import (
    LOCALES,
    NBSP,
    format_change,
    format_date_range,
    format_kwh,
    format_number,
    format_period,
    kwh_of,
)
from elkund.portal.components.i18n import LANGUAGES, Lang
from tests.portal.components.factories import COMPLETE, ESTIMATED, MISSING, calendar_series

EDGE_WH = [0, 1, -1, 999, 1000, -1000, 1001, 999_999, 1_000_000, -1_234_567, 10**12 + 7]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_format_kwh_is_format_number_of_the_kwh(lang: Lang) -> None:
    values = EDGE_WH + random.Random(7).sample(range(-(10**9), 10**9), 2000)
    for wh in values:
        assert format_kwh(wh, lang, unit=False) == format_number(kwh_of(wh), lang, decimals=3)
        assert format_kwh(wh, lang) == format_number(kwh_of(wh), lang, decimals=3) + f"{NBSP}kWh"


def _babel_change(percent: Decimal, lang: Lang) -> str:
    rounded = percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    number = format_decimal(rounded, format="+#,##0.0;-#,##0.0", locale=LOCALES[lang])
    return f"{number}{NBSP}%" if lang == "sv" else f"{number}%"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_format_change_is_babels_signed_pattern(lang: Lang) -> None:
    """Including what rounds to zero from below: Babel writes ``-0,0``, and so do we."""
    edges = ["0", "-0.0", "-0.04", "0.04", "-0.05", "0.05", "12.345", "-4", "12345.67", "-99999.95"]
    rng = random.Random(11)
    values = [Decimal(text) for text in edges] + [
        Decimal(rng.randint(-(10**7), 10**7)) / Decimal(rng.choice([1, 10, 100, 1000]))
        for _ in range(2000)
    ]
    for percent in values:
        assert format_change(percent, lang) == _babel_change(percent, lang), percent


@pytest.mark.parametrize("lang", LANGUAGES)
def test_day_names_are_babels_long_dates(lang: Lang) -> None:
    day = date(2023, 1, 1)
    while day < date(2025, 1, 2):  # two years, a leap day among them
        start = local_midnight(day).astimezone(STOCKHOLM)
        end = local_midnight(day + timedelta(days=1)).astimezone(STOCKHOLM)
        expected = format_date(day, format="long", locale=LOCALES[lang])
        assert format_period(start, end, Resolution.P1D, lang) == expected
        day += timedelta(days=1)


def test_date_ranges_read_the_same_in_both_languages() -> None:
    """No thin spaces around the dash, whatever the CLDR version."""
    assert format_date_range(date(2025, 3, 26), date(2025, 3, 31), "sv") == "26–30 mars 2025"
    assert format_date_range(date(2025, 3, 26), date(2025, 3, 31), "en") == "26–30 Mar 2025"
    assert format_date_range(date(2024, 12, 5), date(2025, 12, 5), "en") == "5 Dec 2024–4 Dec 2025"


def test_a_years_bars_are_what_elementtree_would_write() -> None:
    """The bars are written as text for speed; reparsed and rewritten by ElementTree they read
    the same, for a year by day with every quality and last year beside it."""
    rng = random.Random(3)
    qualities = [rng.choice([COMPLETE, ESTIMATED, MISSING]) for _ in range(366)]
    year = calendar_series(
        date(2024, 1, 1), [rng.randint(0, 90_000) for _ in range(366)], qualities
    )
    before = calendar_series(date(2023, 1, 1), [rng.randint(0, 90_000) for _ in range(300)])
    for lang in LANGUAGES:
        markup = str(consumption_chart(year, previous=before, lang=lang, id_prefix='a"<&'))
        root = ET.fromstring(markup)  # noqa: S314 - our own output
        rewritten = ET.tostring(root, encoding="unicode").replace("ns0:", "").replace(":ns0", "")
        assert markup == rewritten
        bars = [
            g
            for g in root.iter("{http://www.w3.org/2000/svg}g")
            if "bar" in g.get("class", "").split()
        ]
        assert len(bars) == 366 + 300


def _cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr data-start=.*?</tr>", html, flags=re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S) for row in rows]


def test_table_body_has_a_row_per_bucket_with_last_year_and_change() -> None:
    march = calendar_series(date(2025, 3, 1), [1000, 3000, 2000], [COMPLETE, ESTIMATED, MISSING])
    last_year = calendar_series(date(2024, 3, 1), [800, 3000])
    body = table_body(data_table(march, last_year, "sv"), "sv")
    assert isinstance(body, Markup)
    assert _cells(body) == [
        ["1 mars 2025", "1,000", "komplett", "0,800", "komplett", f"+25,0{NBSP}%"],
        [
            "2 mars 2025",
            "3,000",
            "innehåller uppskattade värden",
            "3,000",
            "komplett",
            f"+0,0{NBSP}%",
        ],
        ["3 mars 2025", "2,000", "saknas", "–", "–", "–"],
    ]
    assert body.startswith('<tr data-start="2025-03-01T00:00:00+01:00" class="quality-complete">')


def test_table_body_escapes_its_text() -> None:
    march = calendar_series(date(2025, 3, 1), [1000])
    row = data_table(march, None, "en")[0]
    tricky = Row(row.start, row.end, "<b>&</b>", row.wh, row.kwh, row.quality, "a<b")
    body = table_body([tricky], "en")
    assert "<b>" not in body
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in body
    assert "a&lt;b" in body


def test_table_body_of_no_rows_is_empty() -> None:
    assert table_body([], "sv") == Markup("")


def test_format_kwh_of_a_decimal_number_of_wh_rounds_as_before() -> None:
    """Templates may pass a Decimal: it keeps the exact, half-even rounding of ``format_number``."""
    wh: Any = Decimal("1234.5")
    assert format_kwh(wh, "sv", unit=False) == "1,234"
    assert format_kwh(wh + 1, "en") == f"1.236{NBSP}kWh"
