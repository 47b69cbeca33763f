"""``elkund supplier``: recording guarantees and handing out the disclosure figures (SUP-16–18),
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from elkund.cli import app
from elkund.core.db import session_scope
from elkund.core.settings import get_settings
from elkund.parties.models import PartyRole
from tests.factories import make_party, org_number

runner = CliRunner()
SUPPLIER = org_number(701)
OTHER = org_number(702)


@pytest.fixture
def db(
    engine: Engine,
    committed: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[sessionmaker[Session]]:
    """The CLI on the test database (migrated already), with two suppliers; emptied afterwards."""
    monkeypatch.setenv("ELKUND_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("ELKUND_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    with session_scope(committed, write=True) as session:
        make_party(session, role=PartyRole.SUPPLIER, name="Norrbäck Energi AB", org_number=SUPPLIER)
        make_party(session, role=PartyRole.SUPPLIER, name="Solvik Elhandel AB", org_number=OTHER)
    yield committed
    get_settings.cache_clear()


def cli(*args: str) -> Any:
    return runner.invoke(app, ["supplier", *args])


def ok(*args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result


def record_ei_example(orgnr: str = SUPPLIER) -> None:
    ok("sold", "--supplier", orgnr, "--year", "2021", "--kwh", "40 000")
    ok("origin", "add", "--supplier", orgnr, "--year", "2021", "--source", "hydro", "--kwh", "6000")
    ok("origin", "add", "--supplier", orgnr, "--year", "2021", "--source", "wind", "--kwh", "4000")


@pytest.mark.parametrize("command", [[], ["disclosure"], ["sold"], ["origin"], ["origin", "add"]])
def test_every_supplier_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, ["supplier", *command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_disclosure_json_gives_what_another_supplier_needs(
    db: sessionmaker[Session],
) -> None:
    """SUP-18: year, supplier, sources with kWh and shares, g CO2/kWh, mg/kWh, residual mix."""
    record_ei_example()
    result = ok("disclosure", "--year", "2021", "--supplier", SUPPLIER, "--json")
    figures = orjson.loads(result.stdout)
    assert figures["year"] == 2021
    assert figures["supplier"] == {
        "name": "Norrbäck Energi AB",
        "org_number": f"{SUPPLIER[:6]}-{SUPPLIER[6:]}",
    }
    assert figures["sold_kwh"] == "40000.000"
    assert [(s["source"], s["label"], s["kwh"], s["share_pct"]) for s in figures["sources"]] == [
        ("hydro", "Vattenkraft", "6000.000", "15.00"),
        ("wind", "Vindkraft", "4000.000", "10.00"),
        ("renewable", "Förnybart, ospecificerat", "3849.000", "9.62"),
        ("nuclear", "Kärnkraft", "9618.000", "24.05"),
        ("fossil", "Fossilt", "16533.000", "41.33"),
    ]
    assert figures["co2_g_per_kwh"] == "278.99"
    assert figures["radioactive_waste_mg_per_kwh"] == "0.845"
    assert figures["guarantees_of_origin"]["net_kwh"] == "10000.000"
    mix = figures["residual_mix"]
    assert (mix["year"], mix["kwh"], mix["co2_g_per_kwh"]) == (2021, "30000.000", "371.99")
    assert mix["source"] == "Energimarknadsinspektionen (Ei), nordisk residualmix 2021"
    assert mix["url"].startswith("https://ei.se/")


def test_transferred_guarantees_are_recorded_and_deducted(db: sessionmaker[Session]) -> None:
    """SUP-17 through the CLI: --transferred deducts from the source's share."""
    record_ei_example()
    result = ok(
        "origin", "add", "--supplier", SUPPLIER, "--year", "2021", "--source", "wind",
        "--kwh", "1000", "--transferred", "--json",
    )  # fmt: skip
    assert orjson.loads(result.stdout)["transferred"] is True
    figures = orjson.loads(
        ok("disclosure", "--year", "2021", "--supplier", SUPPLIER, "--json").stdout
    )
    wind = next(s for s in figures["sources"] if s["source"] == "wind")
    assert (wind["kwh"], wind["share_pct"]) == ("3000.000", "7.50")
    assert figures["guarantees_of_origin"]["transferred_kwh"] == "1000.000"


def test_all_suppliers_with_sales_are_listed_without_supplier(db: sessionmaker[Session]) -> None:
    record_ei_example(SUPPLIER)
    ok("sold", "--supplier", OTHER, "--year", "2021", "--kwh", "100")
    documents = orjson.loads(ok("disclosure", "--year", "2021", "--json").stdout)
    assert [d["supplier"]["name"] for d in documents] == [
        "Norrbäck Energi AB",
        "Solvik Elhandel AB",
    ]
    assert documents[1]["co2_g_per_kwh"] == "371.99"


def test_human_output_and_svg(db: sessionmaker[Session], tmp_path: Path) -> None:
    record_ei_example()
    svg = tmp_path / "mix.svg"
    result = ok("disclosure", "--year", "2021", "--supplier", SUPPLIER, "--svg", str(svg))
    assert "Vattenkraft" in result.stdout
    assert "15,00" in result.stdout
    assert "CO2 278,99 g/kWh" in result.stdout
    assert svg.read_text(encoding="utf-8").startswith("<svg ")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["disclosure", "--year", "2021", "--supplier", org_number(799)], "unknown_supplier"),
        (["disclosure", "--year", "2024", "--supplier", SUPPLIER], "no_residual_mix"),
        (["disclosure", "--year", "2022", "--supplier", SUPPLIER], "no_sold_volume"),
        (["disclosure", "--year", "2022"], "no_sold_volume"),
        (
            ["origin", "add", "--supplier", SUPPLIER, "--year", "2021", "--source", "wind",
             "--kwh", "4001", "--transferred"],
            "transferred_exceeds_cancelled",
        ),
        (
            ["origin", "add", "--supplier", SUPPLIER, "--year", "2021", "--source", "coal",
             "--kwh", "1"],
            "invalid_source",
        ),
        (
            ["origin", "add", "--supplier", SUPPLIER, "--year", "2021", "--source", "nuclear",
             "--kwh", "1"],
            "invalid_source",
        ),
        (
            ["origin", "add", "--supplier", SUPPLIER, "--year", "2021", "--source", "wind",
             "--kwh", "lots"],
            "invalid_kwh",
        ),
        (["sold", "--supplier", SUPPLIER, "--year", "2021", "--kwh", "1.0001"], "invalid_kwh"),
    ],
)  # fmt: skip
def test_errors_are_clear_and_exit_2(db: sessionmaker[Session], args: list[str], code: str) -> None:
    record_ei_example()
    result = cli(*args, *(["--json"] if args[0] in ("disclosure", "origin") else []))
    assert result.exit_code == 2, result.output
    if args[0] == "sold":
        assert result.stderr.startswith(f"{code}: ")
        return
    error = orjson.loads(result.stdout)
    assert error["error"] == code
    assert error["detail"]


def test_a_refused_transfer_stores_nothing(db: sessionmaker[Session]) -> None:
    record_ei_example()
    cli("origin", "add", "--supplier", SUPPLIER, "--year", "2021", "--source", "hydro",
        "--kwh", "7000", "--transferred")  # fmt: skip
    figures = orjson.loads(
        ok("disclosure", "--year", "2021", "--supplier", SUPPLIER, "--json").stdout
    )
    assert figures["co2_g_per_kwh"] == "278.99"
