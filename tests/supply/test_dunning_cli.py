"""``elkund dunning run|dispute|undispute|received`` on a database file, as an operator runs it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from elkund.cli import app
from elkund.cli import dunning as dunning_cli
from elkund.core.db import session_scope
from elkund.core.settings import get_settings
from tests.supply.test_dunning import NOTICE_DAY, REMINDER_DAY, overdue_invoice

runner = CliRunner()


@pytest.fixture
def factory(cli_database: sessionmaker[Session]) -> sessionmaker[Session]:
    return cli_database


def invoice_number(factory: sessionmaker[Session]) -> str:
    with session_scope(factory, write=True) as session:
        return overdue_invoice(session).number


def dunning(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["dunning", *args, "--json"])
    assert result.exit_code == 0, result.output
    document: dict[str, object] = orjson.loads(result.output)
    return document


def test_sup_27_the_run_prints_the_letters_with_their_pdfs_and_sends_none_twice(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    number = invoice_number(factory)
    first = dunning("run", "--date", REMINDER_DAY.isoformat())
    letters: list[dict[str, str]] = first["letters"]  # type: ignore[assignment]
    (reminder,) = letters
    assert (reminder["invoice"], reminder["kind"], reminder["fee"]) == (number, "reminder", "60.00")
    pdf = Path(reminder["pdf"])
    assert pdf.is_relative_to(tmp_path / "var" / "letters")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert dunning("run", "--date", REMINDER_DAY.isoformat())["letters"] == []
    pair = dunning("run", "--date", NOTICE_DAY.isoformat())["letters"]
    assert [(letter["kind"], letter["recipient"]) for letter in pair] == [  # type: ignore[attr-defined]
        ("consumer_notice", "Kim Kund"),
        ("social_notice", "Socialnämnden i Umeå kommun"),
    ]
    notice = pair[0]  # type: ignore[index]
    assert notice["received_on"] == (NOTICE_DAY + timedelta(days=5)).isoformat()
    assert notice["disconnection_from"] == (NOTICE_DAY + timedelta(days=27)).isoformat()
    later = dunning("run", "--date", (NOTICE_DAY + timedelta(days=30)).isoformat())
    assert later["letters"] == []
    assert [n["note"] for n in later["notes"]] == ["disconnection_allowed"]  # type: ignore[attr-defined]
    received = (NOTICE_DAY + timedelta(days=9)).isoformat()
    recorded = dunning("received", number, "--on", received)
    assert recorded["pay_by"] == (NOTICE_DAY + timedelta(days=30)).isoformat()


def test_sup_27_dispute_and_undispute_from_the_command_line(
    factory: sessionmaker[Session],
) -> None:
    number = invoice_number(factory)
    held = dunning("dispute", number, "--reason", "Fel mätarställning")
    assert held == {"invoice": number, "status": "disputed"}
    run = dunning("run", "--date", REMINDER_DAY.isoformat())
    assert (run["letters"], [n["note"] for n in run["notes"]]) == ([], ["disputed"])  # type: ignore[attr-defined]
    assert dunning("undispute", number) == {"invoice": number, "status": "open"}
    again = runner.invoke(app, ["dunning", "undispute", number, "--json"])
    assert again.exit_code == 2
    assert orjson.loads(again.output)["error"] == "not_disputed"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--date", "2026-13-01"], "A date must be YYYY-MM-DD"),
        (["run", "--date", "2026-03-05", "--supplier", "123"], "--supplier"),
    ],
)
def test_bad_input_is_refused(
    factory: sessionmaker[Session], args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["dunning", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_an_unknown_invoice_is_a_clear_error(factory: sessionmaker[Session]) -> None:
    result = runner.invoke(app, ["dunning", "dispute", "1999-000001", "--reason", "x", "--json"])
    assert result.exit_code == 2
    assert orjson.loads(result.output)["error"] == "unknown_invoice"


def test_a_refused_invoice_makes_the_run_exit_1(factory: sessionmaker[Session]) -> None:
    with session_scope(factory, write=True) as session:
        overdue_invoice(session, municipality="0114")  # no committee address configured
    assert runner.invoke(app, ["dunning", "run", "--date", REMINDER_DAY.isoformat()]).exit_code == 0
    result = runner.invoke(app, ["dunning", "run", "--date", NOTICE_DAY.isoformat(), "--json"])
    assert result.exit_code == 1
    (refusal,) = orjson.loads(result.output)["refused"]
    assert refusal["error"] == "social_committee_missing"


def test_a_run_dated_after_today_is_refused(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice_number(factory)
    monkeypatch.setattr(dunning_cli, "_today", lambda: REMINDER_DAY)
    result = runner.invoke(
        app, ["dunning", "run", "--date", (REMINDER_DAY + timedelta(days=1)).isoformat(), "--json"]
    )
    assert result.exit_code == 2
    assert orjson.loads(result.output)["error"] == "date_in_future"
    assert dunning("run", "--date", REMINDER_DAY.isoformat())["letters"] != []  # today is fine


def test_in_production_a_run_dated_before_today_is_refused(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice_number(factory)
    monkeypatch.setattr(dunning_cli, "_today", lambda: NOTICE_DAY)
    earlier = ["dunning", "run", "--date", REMINDER_DAY.isoformat(), "--json"]
    monkeypatch.setenv("ELKUND_ENV", "production")
    monkeypatch.setenv("ELKUND_SECRET_KEY", "a-real-production-secret")
    get_settings.cache_clear()
    result = runner.invoke(app, earlier)
    assert result.exit_code == 2
    assert orjson.loads(result.output)["error"] == "date_in_past"
    assert dunning("run", "--date", NOTICE_DAY.isoformat())["letters"] != []  # today is fine
    monkeypatch.setenv("ELKUND_ENV", "development")
    get_settings.cache_clear()
    assert dunning(*earlier[1:-1])["letters"] == []  # elsewhere a past date replays the process


def test_the_run_warns_when_the_reference_rate_is_for_another_period(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice_number(factory)
    monkeypatch.setenv("ELKUND_DUNNING_REFERENCE_RATE_PERIOD", "2025-07-01–2025-12-31")
    get_settings.cache_clear()
    as_json = runner.invoke(app, ["dunning", "run", "--date", REMINDER_DAY.isoformat(), "--json"])
    assert as_json.exit_code == 0, as_json.output
    document = orjson.loads(as_json.stdout)  # the log line goes to stderr
    (warning,) = document["warnings"]
    assert "2025-07-01–2025-12-31" in warning
    assert [letter["kind"] for letter in document["letters"]] == ["reminder"]  # not refused
    assert "dunning.reference_rate_out_of_period" in as_json.stderr
    text = runner.invoke(app, ["dunning", "run", "--date", REMINDER_DAY.isoformat()])
    assert text.exit_code == 0
    assert "warning: The reference rate 2.00 % is for 2025-07-01–2025-12-31" in text.stderr
