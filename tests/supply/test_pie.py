"""The disclosure pie chart: well-formed, accessible, printable SVG (SUP-16)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # our own output, not untrusted input
from decimal import Decimal

from elkund.supply.disclosure import Guarantee, compute_disclosure, residual_mix
from elkund.supply.disclosure_models import EnergySource
from elkund.supply.pie import COLOURS, Slice, disclosure_pie, pie_svg

SVG = "{http://www.w3.org/2000/svg}"
D = Decimal


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def ei_example_svg() -> str:
    disclosure = compute_disclosure(
        year=2021,
        sold_kwh=D(40_000),
        guarantees=[
            Guarantee(EnergySource.HYDRO, D(6_000)),
            Guarantee(EnergySource.WIND, D(4_000)),
        ],
        residual_mix=residual_mix(2021),
    )
    return disclosure_pie(disclosure, id_prefix="faktura-1")


def test_svg_is_well_formed_with_title_desc_and_one_path_per_source() -> None:
    root = parse(ei_example_svg())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "faktura-1-title faktura-1-desc"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None
    assert title.get("id") == "faktura-1-title"
    assert title.text == "Energikällor för såld el 2021"
    assert desc is not None
    assert desc.text is not None
    for text in ("Vattenkraft 15,00", "Vindkraft 10,00", "Kärnkraft 24,05", "Fossilt 41,33"):
        assert text in desc.text
    assert "Koldioxid 278,99 g/kWh" in desc.text
    assert "radioaktivt avfall 0,845 mg/kWh" in desc.text
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 5
    assert [p.get("fill") for p in paths] == [
        COLOURS[source]
        for source in (
            EnergySource.HYDRO,
            EnergySource.WIND,
            EnergySource.RENEWABLE,
            EnergySource.NUCLEAR,
            EnergySource.FOSSIL,
        )
    ]


def test_legend_shows_every_share_in_swedish() -> None:
    root = parse(ei_example_svg())
    legend = [t.text for t in root.findall(f"{SVG}text")]
    assert legend == [
        "Vattenkraft 15,00\u00a0%",
        "Vindkraft 10,00\u00a0%",
        "Förnybart, ospecificerat 9,62\u00a0%",
        "Kärnkraft 24,05\u00a0%",
        "Fossilt 41,33\u00a0%",
    ]


def test_print_friendly_plain_svg_without_script_css_or_variables() -> None:
    svg = ei_example_svg()
    for forbidden in ("<script", "<style", "var(", "class=", "style=", "<foreignObject", "href"):
        assert forbidden not in svg


def test_slices_close_the_circle() -> None:
    """The wedges start at twelve o'clock and the last one ends there again."""
    paths = parse(ei_example_svg()).findall(f"{SVG}path")
    first, last = paths[0].get("d") or "", paths[-1].get("d") or ""
    assert first.startswith("M 90 90 L 90 10 ")
    assert last.endswith(" 90 10 Z")
    # Fossilt (41,33 %) is more than half a turn: large-arc flag 0; none here exceeds 50 %
    assert all(" 0 0 1 " in (p.get("d") or "") for p in paths)


def test_a_single_source_of_100_percent_is_a_full_circle() -> None:
    svg = pie_svg([Slice("Vindkraft", D("100.00"), "#7ab6e0")], title="Energikällor")
    paths = parse(svg).findall(f"{SVG}path")
    assert len(paths) == 1
    data = paths[0].get("d") or ""
    # two half arcs top → bottom → top: an arc from a point to itself would draw nothing
    assert re.fullmatch(r"M 90 10 A 80 80 0 1 1 90 170 A 80 80 0 1 1 90 10 Z", data)


def test_a_share_over_half_uses_the_large_arc() -> None:
    slices = [Slice("Vindkraft", D("75.00"), "#000000"), Slice("Fossilt", D("25.00"), "#111111")]
    paths = parse(pie_svg(slices, title="t")).findall(f"{SVG}path")
    assert " 0 1 1 " in (paths[0].get("d") or "")
    assert " 0 0 1 " in (paths[1].get("d") or "")


def test_text_is_escaped() -> None:
    svg = pie_svg([Slice("Sol & <vind>", D("100.00"), "#000000")], title="A & B")
    root = parse(svg)
    assert root.findtext(f"{SVG}title") == "A & B"
    assert root.findtext(f"{SVG}text") == "Sol & <vind> 100,00\u00a0%"
