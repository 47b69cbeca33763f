"""After the demo is loaded, a dunning run on its day sends a reminder and a Bilaga 1/2 pair."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from elkund.customers import passwords
from elkund.demo import load_demo
from elkund.supply.dunning import DunningTerms, letter_rows, run_dunning
from elkund.supply.dunning_models import LetterKind

TODAY = date(2024, 3, 16)  # January's invoices are overdue, February's not yet due
DAYS = 75  # from 1 January: the shortest window that bills a month now overdue


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)


def test_sup_27_the_demo_has_an_invoice_at_each_dunning_stage(
    session: Session, tmp_path: Path
) -> None:
    load_demo(
        session,
        days=DAYS,
        today=TODAY,
        accounts_path=tmp_path / "accounts.json",
        invoices_path=tmp_path / "invoices",
    )
    run = run_dunning(session, on=TODAY, output=tmp_path / "letters", terms=DunningTerms())
    assert run.refused == []
    assert sorted(letter.kind for letter in run.letters) == sorted(
        [LetterKind.REMINDER, LetterKind.CONSUMER_NOTICE, LetterKind.SOCIAL_NOTICE]
    )
    reminded = next(letter for letter in run.letters if letter.kind == LetterKind.REMINDER)
    notified = {letter.invoice for letter in run.letters} - {reminded.invoice}
    assert len(notified) == 1  # both notices are about the other invoice
    for letter in run.letters:
        assert Path(letter.pdf_path).read_bytes().startswith(b"%PDF-")
        assert Path(letter.pdf_path).is_relative_to(tmp_path / "letters")
    # The demo kept the backdated reminder it sent, with its PDF.
    rows = letter_rows(session, [i for i in _invoice_ids(session, notified)])
    assert [r.kind for r in rows] == ["reminder", "consumer_notice", "social_notice"]
    assert rows[0].sent_on < rows[0].pay_by < TODAY
    assert run_dunning(session, on=TODAY, output=tmp_path / "letters").letters == []


def _invoice_ids(session: Session, numbers: set[str]) -> list[int]:
    from sqlalchemy import select

    from elkund.supply.billing_models import Invoice

    return list(session.scalars(select(Invoice.id).where(Invoice.number.in_(numbers))))
