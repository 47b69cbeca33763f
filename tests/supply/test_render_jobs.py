"""Queued rendering: a billing run with ``render="queue"`` stores the invoice at once and leaves its
PDF and UBL to an ``invoice.render`` job, which nothing can lose (SUP-6, SUP-9)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from elkund.core.db import session_scope
from elkund.core.jobs import claim
from elkund.core.jobs.models import JobRow
from elkund.core.jobs.worker import LEASE, run_next, run_until_idle
from elkund.core.localtime import utcnow
from elkund.jobs_runner import HANDLERS
from elkund.metering import service as metering_service
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file
from elkund.supply import pdf
from elkund.supply.billing import RunResult, run_billing
from elkund.supply.billing_models import Invoice
from elkund.supply.render_jobs import RENDER_JOB, render_invoice
from tests.integration.helpers import day_file
from tests.supply.test_billing import MARCH, RUN_AT, World, seed


@pytest.fixture(autouse=True)
def _no_prerender_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests count the worker's jobs: leave out the portal's pre-render job that every
    import queues (tested in tests/portal/test_fragment_store.py)."""
    monkeypatch.setattr(metering_service, "enqueue_values_stored", lambda *_: None)


def bill_queued(committed: sessionmaker[Session], world: World, output: Path) -> RunResult:
    result = run_billing(
        committed,
        month=MARCH,
        supplier_org=world.supplier_org,
        now=RUN_AT,
        output=output,
        render="queue",
    )
    assert result.refused == []
    return result


def render_jobs(session: Session) -> list[JobRow]:
    return list(session.scalars(select(JobRow).where(JobRow.kind == RENDER_JOB)))


def invoices(session: Session) -> list[Invoice]:
    return list(session.scalars(select(Invoice).order_by(Invoice.sequence)))


def files(output: Path) -> list[str]:
    return sorted(p.name for p in output.rglob("*") if p.is_file())


def test_a_queued_run_stores_the_invoice_and_a_job_writes_its_files(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """SUP-6, SUP-9: the invoice is issued at once; its PDF and Peppol UBL come from the job."""
    world = seed(committed, business=True)
    result = bill_queued(committed, world, tmp_path)
    assert [(i.number, i.created, i.pdf_path, i.ubl_path) for i in result.invoices] == [
        ("00000001", True, None, None)
    ]
    assert files(tmp_path) == []
    with session_scope(committed) as session:
        (invoice,) = invoices(session)
        assert (invoice.pdf_path, invoice.ubl_path) == (None, None)
        (job,) = render_jobs(session)
        assert job.payload == {"invoice": invoice.id, "output": str(tmp_path.resolve())}
    assert run_until_idle(committed, HANDLERS, worker="w1") == 1
    with session_scope(committed) as session:
        (invoice,) = invoices(session)
        assert Path(str(invoice.pdf_path)).read_bytes().startswith(b"%PDF-")
        assert world.gsrn in Path(str(invoice.ubl_path)).read_text(encoding="utf-8")
        (job,) = render_jobs(session)
        assert job.result == {
            "invoice": invoice.id,
            "pdf": invoice.pdf_path,
            "ubl": invoice.ubl_path,
        }
    assert files(tmp_path) == ["00000001.pdf", "00000001.xml"]


def test_a_crash_mid_render_loses_nothing_and_the_job_is_retried(
    committed: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The renderer fails: the invoice stays, without paths or files, and the retry renders it."""
    world = seed(committed)
    bill_queued(committed, world, tmp_path)

    def crash(*_args: object) -> bytes:
        raise RuntimeError("renderer died")

    with monkeypatch.context() as patch:
        patch.setattr(pdf, "invoice_pdf", crash)
        assert run_next(committed, HANDLERS, worker="w1")
    with session_scope(committed) as session:
        (invoice,) = invoices(session)
        assert (invoice.number, invoice.pdf_path) == ("00000001", None)
        (job,) = render_jobs(session)
        assert (job.attempts, job.done_at, job.last_error) == (
            1,
            None,
            "RuntimeError('renderer died')",
        )
        retry_at = job.run_at
    assert files(tmp_path) == []  # no half-written PDF left behind
    assert not run_next(committed, HANDLERS, worker="w1")  # backing off
    assert run_next(committed, HANDLERS, worker="w1", now=lambda: retry_at)
    with session_scope(committed) as session:
        (invoice,) = invoices(session)
        assert Path(str(invoice.pdf_path)).read_bytes().startswith(b"%PDF-")
        assert render_jobs(session)[0].done_at == retry_at
    assert files(tmp_path) == ["00000001.pdf"]


def test_a_render_job_whose_worker_died_is_taken_over_after_the_lease(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    world = seed(committed)
    bill_queued(committed, world, tmp_path)
    began = utcnow()
    with session_scope(committed, write=True) as session:  # a worker claims it, then dies
        assert claim(session, worker="dead", now=began, lease=LEASE) is not None
    assert not run_next(committed, HANDLERS, worker="w2", now=lambda: began)
    later = began + LEASE + timedelta(seconds=1)
    assert run_next(committed, HANDLERS, worker="w2", now=lambda: later)
    with session_scope(committed) as session:
        (invoice,) = invoices(session)
        assert invoice.pdf_path is not None
        assert render_jobs(session)[0].attempts == 2


def test_running_a_render_job_again_is_harmless(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    world = seed(committed, business=True)
    bill_queued(committed, world, tmp_path)
    run_until_idle(committed, HANDLERS, worker="w1")
    with session_scope(committed) as session:
        (invoice,) = invoices(session)
        first = (invoice.pdf_path, invoice.ubl_path, invoice.total)
        payload = render_jobs(session)[0].payload
    with session_scope(committed, write=True) as session:
        result = render_invoice(session, payload)
    with session_scope(committed) as session:
        (invoice,) = invoices(session)
        assert (invoice.pdf_path, invoice.ubl_path, invoice.total) == first
        assert result["pdf"] == first[0]
        assert len(render_jobs(session)) == 1
    assert files(tmp_path) == ["00000001.pdf", "00000001.xml"]
    assert Path(str(first[0])).read_bytes().startswith(b"%PDF-")


def test_a_queued_rerun_queues_the_credit_note_and_the_new_invoice(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    """Corrected values: the credit note and its replacement are rendered by jobs as well."""
    world = seed(committed)
    bill_queued(committed, world, tmp_path)
    assert bill_queued(committed, world, tmp_path).invoices[0].created is False
    with session_scope(committed, write=True) as session:
        data = day_file(world.gsrn, date(2025, 3, 10), date(2025, 3, 11), wh=500)
        assert ingest_file(session, data=data, file_format=FileFormat.CSV).rejected == []
    rerun = bill_queued(committed, world, tmp_path)
    assert [(i.number, i.kind, i.created) for i in rerun.invoices] == [
        ("00000001", "invoice", False),
        ("00000002", "credit_note", True),
        ("00000003", "invoice", True),
    ]
    with session_scope(committed) as session:
        assert len(render_jobs(session)) == 3  # one per document; the unchanged re-run added none
    assert run_until_idle(committed, HANDLERS, worker="w1") == 3
    assert files(tmp_path) == ["00000001.pdf", "00000002.pdf", "00000003.pdf"]


def test_render_must_be_now_or_queue(committed: sessionmaker[Session], tmp_path: Path) -> None:
    world = seed(committed)
    with pytest.raises(ValueError, match="render"):
        run_billing(
            committed,
            month=MARCH,
            supplier_org=world.supplier_org,
            now=RUN_AT,
            output=tmp_path,
            render="later",  # type: ignore[arg-type]
        )
    with session_scope(committed) as session:
        assert invoices(session) == []
