"""``elkund dev``: testers act for a demo customer; nothing of it exists outside development."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.models import AccessRequest, Consent
from elkund.cli import app
from elkund.core.db import create_db_engine, make_session_factory, session_scope
from elkund.core.localtime import local_date, utcnow
from elkund.core.settings import get_settings
from elkund.customers.identity import format_number
from elkund.metering.domain import Resolution
from tests.factories import make_customer, make_esco, make_installation

runner = CliRunner()


@pytest.fixture
def request_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'dev.db'}"
    monkeypatch.setenv("ELKUND_DATABASE_URL", url)
    monkeypatch.setenv("ELKUND_ENV", "development")
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = create_db_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        customer = make_customer(session)
        installation = make_installation(session, holder=customer)
        today = local_date(utcnow())
        draft = access.RequestDraft(
            installation_id=installation.gsrn,
            customer_identity_number=format_number(customer.identity_number),
            purpose="Energianalys",
            data_types=[DataType.CONSUMPTION],
            resolution=Resolution.PT1H,
            history_from=today - timedelta(days=30),
            valid_until=today + timedelta(days=30),
            delivery="pull",
        )
        created = access.submit_request(session, esco=make_esco(session), draft=draft).request.id
    engine.dispose()
    yield created
    get_settings.cache_clear()


def status_of(model: type[AccessRequest] | type[Consent], key: str) -> str:
    engine = create_db_engine(get_settings().database_url)
    with session_scope(make_session_factory(engine)) as session:
        row = (
            session.get(AccessRequest, key) if model is AccessRequest else session.get(Consent, key)
        )
        assert row is not None
        status = str(row.status)
    engine.dispose()
    return status


def test_approve_and_terminate_as_the_customer(request_id: str) -> None:
    approved = runner.invoke(app, ["dev", "approve", request_id, "--resolution", "P1D"])
    assert approved.exit_code == 0, approved.output
    consent_id = approved.output.strip().rsplit(" ", 1)[-1]
    assert status_of(AccessRequest, request_id) == "approved"
    assert runner.invoke(app, ["dev", "terminate", consent_id]).exit_code == 0
    assert status_of(Consent, consent_id) == "terminated_by_customer"


def test_reject_as_the_customer(request_id: str) -> None:
    assert runner.invoke(app, ["dev", "reject", request_id]).exit_code == 0
    assert status_of(AccessRequest, request_id) == "rejected"


def test_approval_cannot_be_longer_than_asked(request_id: str) -> None:
    later = (local_date(utcnow()) + timedelta(days=400)).isoformat()
    result = runner.invoke(app, ["dev", "approve", request_id, "--valid-until", later])
    assert result.exit_code == 2
    assert "not_narrower" in result.output


def test_dev_commands_do_not_exist_outside_development(
    request_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ELKUND_ENV", "production")
    monkeypatch.setenv("ELKUND_SECRET_KEY", "a-real-production-secret")
    get_settings.cache_clear()
    result = runner.invoke(app, ["dev", "approve", request_id])
    assert result.exit_code == 2
    assert "only with ELKUND_ENV=development" in result.output
    get_settings.cache_clear()
    monkeypatch.setenv("ELKUND_ENV", "development")
    assert status_of(AccessRequest, request_id) == "pending_customer"
