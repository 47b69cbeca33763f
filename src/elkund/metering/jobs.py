"""Queued imports: a large file is handed to the worker instead of blocking the caller."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from elkund.core.errors import AppError
from elkund.core.jobs import enqueue
from elkund.metering.formats import FileFormat
from elkund.metering.service import ingest_file

IMPORT_JOB = "meter_values.import"


def enqueue_import(
    session: Session, *, source: Path, inbox: Path, file_format: FileFormat, atomic: bool
) -> int:
    """Copy the file into the inbox (the source may be moved or deleted) and queue its import."""
    inbox.mkdir(parents=True, exist_ok=True)
    spooled = inbox / f"{uuid.uuid4().hex}{source.suffix}"
    shutil.copyfile(source, spooled)
    payload = {
        "path": str(spooled.resolve()),
        "format": file_format.value,
        "atomic": atomic,
        "name": source.name,
    }
    return enqueue(session, kind=IMPORT_JOB, payload=payload, max_attempts=5)


def run_import(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The job: the import report is the job's result. A refused file is done, not retried."""
    data = Path(payload["path"]).read_bytes()
    try:
        report = ingest_file(
            session, data=data, file_format=FileFormat(payload["format"]), atomic=payload["atomic"]
        )
    except AppError as error:
        return {"file": payload["name"], "error": error.code, "detail": error.detail}
    return {"file": payload["name"], **report.as_dict()}
