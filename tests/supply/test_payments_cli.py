"""``elkund payments import FILE``, ``payments unmatched`` and ``payments match`` on both
databases: JSON output, exit codes, refusals that book nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from elkund.cli import app
from elkund.core.db import session_scope
from elkund.core.settings import get_settings
from elkund.supply.payment_models import Payment
from tests.supply.payment_setup import FIXTURES, add_invoice, billed_for_correct_file
from tests.supply.test_bgmax import bgmax_file

runner = CliRunner()
CORRECT = str(FIXTURES / "correct.bgmax")


@pytest.fixture
def factory(
    engine: Engine, committed: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> Iterator[sessionmaker[Session]]:
    """The CLI on the test database (emptied afterwards), with the invoices correct.bgmax pays."""
    monkeypatch.setenv("ELKUND_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    with session_scope(committed, write=True) as session:
        billed = billed_for_correct_file(session)
        add_invoice(session, billed, 8, "123.45")
    yield committed
    get_settings.cache_clear()


def _json(*args: str, code: int) -> dict[str, object]:
    result = runner.invoke(app, ["payments", *args, "--json"])
    assert result.exit_code == code, result.output
    document: dict[str, object] = orjson.loads(result.output)
    return document


def _payments(factory: sessionmaker[Session]) -> int:
    with session_scope(factory) as session:
        return session.scalar(select(func.count()).select_from(Payment)) or 0


def test_import_prints_what_was_booked_and_a_second_import_books_nothing(
    factory: sessionmaker[Session],
) -> None:
    first = _json("import", CORRECT, code=1)  # one payment is left unmatched
    assert first["already_imported"] is False
    assert first["summary"] == {
        "paid": {"count": 1, "amount": "797.00"},
        "partial": {"count": 1, "amount": "200.00"},
        "overpaid": {"count": 1, "amount": "300.00"},
        "unmatched": {"count": 1, "amount": "123.45"},
    }
    payments: list[dict[str, object]] = first["payments"]  # type: ignore[assignment]
    assert [(p["line"], p["outcome"], p["open_amount"]) for p in payments] == [
        (3, "paid", "0.00"),
        (7, "partial", "300.00"),
        (8, "overpaid", "-50.00"),
        (9, "unmatched", None),
    ]
    again = _json("import", CORRECT, code=0)
    assert (again["already_imported"], again["file_id"], again["payments"]) == (
        True,
        first["file_id"],
        [],
    )
    assert _payments(factory) == 4


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("bad_record_type.bgmax", "bgmax_bad_record_type"),
        ("wrong_count_tk70.bgmax", "bgmax_count_mismatch"),
        ("unknown_bankgiro.bgmax", "unknown_bankgiro"),
    ],
)
def test_a_refused_file_exits_2_and_books_nothing(
    factory: sessionmaker[Session], name: str, code: str
) -> None:
    refused = _json("import", str(FIXTURES / name), code=2)
    assert refused["error"] == code
    assert _payments(factory) == 0


def test_a_missing_file_exits_2(factory: sessionmaker[Session], tmp_path: Path) -> None:
    assert _json("import", str(tmp_path / "none.bgmax"), code=2)["error"] == "file_not_found"


def test_text_output_names_each_payment(factory: sessionmaker[Session]) -> None:
    result = runner.invoke(app, ["payments", "import", CORRECT])
    assert result.exit_code == 1, result.output
    assert "1 paid (797.00 kr), 1 partial (200.00 kr)" in result.output
    assert "line 9: 123.45 kr ref 12345 → no invoice: unmatched [no_invoice]" in result.output


def test_unmatched_lists_and_match_books_by_hand(factory: sessionmaker[Session]) -> None:
    _json("import", CORRECT, code=1)
    unmatched: list[dict[str, object]] = _json("unmatched", code=0)["unmatched"]  # type: ignore[assignment]
    (kept,) = unmatched
    assert (kept["reference"], kept["amount"], kept["line"]) == ("12345", "123.45", 9)
    assert _json("match", str(kept["id"]), "77777777", code=2)["error"] == "invoice_not_found"
    matched = _json("match", str(kept["id"]), "00000008", code=0)
    assert (matched["invoice_number"], matched["outcome"], matched["open_amount"]) == (
        "00000008",
        "paid",
        "0.00",
    )
    assert _json("unmatched", code=0)["unmatched"] == []
    again = _json("match", str(kept["id"]), "00000008", code=2)
    assert again["error"] == "payment_already_matched"


def test_an_overpaid_invoice_makes_the_import_exit_1(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    overpaid = tmp_path / "overpaid.bgmax"
    overpaid.write_bytes(
        bgmax_file(
            [("0000000109", "797.00", "250505000101"), ("0000000307", "300.00", "250505000103")]
        )
    )
    report = _json("import", str(overpaid), code=1)  # matched, but 50 kr must be refunded
    outcomes = [(p["outcome"], p["flags"]) for p in report["payments"]]  # type: ignore[attr-defined]
    assert outcomes == [("paid", []), ("overpaid", [])]
