"""Writing an issued invoice's files: the PDF for everyone, Peppol UBL for businesses (SUP-6).

Rendering a PDF takes a tenth of a second or more, so a billing run may store the invoice and
leave its files to the job ``invoice.render``, queued in the same transaction: the job exists
exactly when the invoice does. The job renders from the invoice's stored document and sets the
paths in the transaction that marks it done, so a crash mid-render loses nothing (the job is
retried) and a file is only ever replaced whole.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from elkund.core.jobs import enqueue
from elkund.supply.billing_models import Invoice
from elkund.supply.document import InvoiceDocument

RENDER_JOB = "invoice.render"


def enqueue_render(
    session: Session, *, invoice: Invoice, output: Path, run_at: datetime | None = None
) -> int:
    """Queue the files of ``invoice`` (flushed) to be written under ``output``."""
    # Absolute, because the worker that renders may run in another directory or process.
    payload = {"invoice": invoice.id, "output": str(output.resolve())}
    return enqueue(session, kind=RENDER_JOB, payload=payload, run_at=run_at)


def render_invoice(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The job: write the files and set their paths. Running it again rewrites the same files."""
    from elkund.supply.stored import document_of

    invoice = session.get(Invoice, payload["invoice"])
    if invoice is None:  # cannot happen while invoices are never deleted; nothing to retry
        return {"invoice": payload["invoice"], "missing": True}
    write_files(invoice, document_of(invoice), Path(payload["output"]))
    return {"invoice": invoice.id, "pdf": invoice.pdf_path, "ubl": invoice.ubl_path}


def write_files(invoice: Invoice, doc: InvoiceDocument, output: Path) -> None:
    """The PDF for everyone; Peppol UBL for business customers (SUP-6); paths on ``invoice``."""
    from elkund.supply.pdf import invoice_pdf
    from elkund.supply.ubl import invoice_ubl

    folder = output / str(invoice.supplier_id)
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"{invoice.number}.pdf"
    _write_whole(pdf, invoice_pdf(doc))
    invoice.pdf_path = str(pdf)
    if doc.customer.is_business:
        ubl = folder / f"{invoice.number}.xml"
        _write_whole(ubl, invoice_ubl(doc))
        invoice.ubl_path = str(ubl)


def _write_whole(path: Path, data: bytes) -> None:
    """Write to a temporary file and rename it: a crash never leaves half a PDF at ``path``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
