"""The ``elkund`` command line: help everywhere, migrations, imports with honest exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from elkund.cli import app
from elkund.core.db import create_db_engine, make_session_factory, session_scope
from elkund.core.settings import get_settings
from tests.factories import make_installation
from tests.integration.helpers import csv_file

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ELKUND_DATABASE_URL", url)
    monkeypatch.setenv("ELKUND_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


@pytest.fixture
def gsrn(database: str) -> str:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = create_db_engine(database)
    with session_scope(make_session_factory(engine)) as session:
        installation_id = make_installation(session).gsrn
    engine.dispose()
    return installation_id


@pytest.mark.parametrize(
    "command", [[], ["serve"], ["db", "upgrade"], ["demo"], ["import"], ["worker"]]
)
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_db_upgrade_is_repeatable(database: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    second = runner.invoke(app, ["db", "upgrade"])
    assert second.exit_code == 0
    assert "is at revision head" in second.output


def test_import_exit_codes_follow_the_outcome(gsrn: str, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file([(gsrn, "2025-06-01T10:00:00Z", "PT15M", 1, "measured")]))
    partly = tmp_path / "partly.csv"
    partly.write_bytes(
        csv_file(
            [
                (gsrn, "2025-06-01T10:15:00Z", "PT15M", 1, "measured"),
                (gsrn, "2025-06-01T10:30:00Z", "PT15M", -1, "measured"),
            ]
        )
    )
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"nothing useful\n")
    assert runner.invoke(app, ["import", str(good)]).exit_code == 0
    partial = runner.invoke(app, ["import", str(partly)])
    assert partial.exit_code == 1
    assert "line 3: negative_value: Energy cannot be negative." in partial.output
    assert runner.invoke(app, ["import", "--atomic", str(partly)]).exit_code == 2
    assert runner.invoke(app, ["import", str(broken)]).exit_code == 2
    assert runner.invoke(app, ["import", str(tmp_path / "missing.csv")]).exit_code == 2


def test_import_json_report(gsrn: str, tmp_path: Path) -> None:
    source = tmp_path / "values.csv"
    source.write_bytes(csv_file([(gsrn, "2025-06-01T10:00:00Z", "PT15M", 7, "measured")]))
    first = runner.invoke(app, ["import", "--json", str(source)])
    second = runner.invoke(app, ["import", "--json", str(source)])
    assert orjson.loads(first.stdout) | {"file": "-"} == {
        "file": "-",
        "received": 1,
        "inserted": 1,
        "corrected": 0,
        "unchanged": 0,
        "stored": True,
        "rejected": [],
    }
    assert orjson.loads(second.stdout)["unchanged"] == 1


def test_queued_import_is_done_by_the_worker(gsrn: str, tmp_path: Path) -> None:
    source = tmp_path / "values.csv"
    source.write_bytes(csv_file([(gsrn, "2025-06-01T10:00:00Z", "PT15M", 7, "measured")]))
    queued = runner.invoke(app, ["import", "--queue", str(source)])
    assert queued.exit_code == 0
    assert "queued as job 1" in queued.output
    assert runner.invoke(app, ["worker", "--once"]).exit_code == 0
    again = runner.invoke(app, ["import", "--json", str(source)])
    assert orjson.loads(again.stdout)["unchanged"] == 1


def test_demo_is_refused_in_production(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELKUND_ENV", "production")
    monkeypatch.setenv("ELKUND_SECRET_KEY", "a-real-secret-for-this-test")
    get_settings.cache_clear()
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 2
    assert "Refusing to load demo data" in result.output
