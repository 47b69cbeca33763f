"""``elkund esco``: the operator registers ESCOs, hands out credentials once, and can stop them."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from elkund.cli import app
from elkund.core.db import create_db_engine, make_session_factory, session_scope
from elkund.core.localtime import utcnow
from elkund.core.settings import get_settings
from elkund.parties import credentials
from elkund.parties.models import OAuthClient, Party, PartyStatus
from tests.factories import make_party, org_number

runner = CliRunner()
ORGNR = org_number(801)  # 10 digits, as an operator types it
FORMATTED = f"{ORGNR[:6]}-{ORGNR[6:]}"


@pytest.fixture
def factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ELKUND_DATABASE_URL", url)
    monkeypatch.setenv("ELKUND_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = create_db_engine(url)
    yield make_session_factory(engine)
    engine.dispose()
    get_settings.cache_clear()


def create(*extra: str, orgnr: str = ORGNR) -> dict[str, Any]:
    result = runner.invoke(
        app, ["esco", "create", "--name", "Wattkollen AB", "--orgnr", orgnr, *extra, "--json"]
    )
    assert result.exit_code == 0, result.output
    created: dict[str, Any] = orjson.loads(result.stdout)
    return created


def can_get_token(factory: sessionmaker[Session], client_id: str, secret: str) -> bool:
    try:
        with session_scope(factory) as session:
            credentials.issue_token(session, client_id=client_id, secret=secret, now=utcnow())
    except credentials.InvalidClient:
        return False
    return True


@pytest.mark.parametrize(
    "command", [[], ["create"], ["list"], ["suspend"], ["rotate-secret"], ["set-webhook"]]
)
def test_every_esco_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, ["esco", *command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_create_prints_the_credentials_once_as_json(factory: sessionmaker[Session]) -> None:
    created = create("--webhook-url", "https://wattkollen.example/hooks")
    assert sorted(created) == [
        "client_id",
        "client_secret",
        "id",
        "name",
        "org_number",
        "webhook_secret",
    ]
    assert (created["name"], created["org_number"]) == ("Wattkollen AB", FORMATTED)
    assert created["client_id"].startswith("elk_")
    assert created["webhook_secret"].startswith("whsec_")
    assert len(base64.b64decode(created["webhook_secret"].removeprefix("whsec_"))) == 24
    assert can_get_token(factory, created["client_id"], created["client_secret"])


def test_create_without_webhook_has_no_webhook_secret(factory: sessionmaker[Session]) -> None:
    assert create()["webhook_secret"] is None


def test_client_secret_is_stored_hashed(factory: sessionmaker[Session]) -> None:
    """EU-5: only a SHA-256 hash of the client secret is kept."""
    created = create()
    with session_scope(factory) as session:
        rows = session.execute(select(OAuthClient.__table__)).all()
    digest = hashlib.sha256(created["client_secret"].encode()).hexdigest()
    assert [row.secret_hash for row in rows] == [digest]
    assert not any(created["client_secret"] in str(value) for row in rows for value in row)


def test_create_says_the_secrets_are_shown_once(factory: sessionmaker[Session]) -> None:
    result = runner.invoke(app, ["esco", "create", "--name", "Wattkollen AB", "--orgnr", ORGNR])
    assert result.exit_code == 0
    assert f"Registered ESCO Wattkollen AB ({FORMATTED})" in result.output
    assert "client_secret:" in result.output
    assert "Shown this once only" in result.output


def test_create_refuses_a_second_registration(factory: sessionmaker[Session]) -> None:
    create()
    again = runner.invoke(app, ["esco", "create", "--name", "Other AB", "--orgnr", ORGNR, "--json"])
    assert again.exit_code == 2
    assert orjson.loads(again.stdout)["error"] == "party_exists"


def test_create_refuses_a_malformed_orgnr(factory: sessionmaker[Session]) -> None:
    result = runner.invoke(app, ["esco", "create", "--name", "X AB", "--orgnr", "123"])
    assert result.exit_code == 2
    assert "invalid_identity_number" in result.output


def test_list_shows_every_esco(factory: sessionmaker[Session]) -> None:
    first = create("--webhook-url", "http://localhost:9000/hooks")
    second = create(orgnr=org_number(802))
    listed = runner.invoke(app, ["esco", "list", "--json"])
    assert listed.exit_code == 0
    assert orjson.loads(listed.stdout) == [
        {
            "id": first["id"],
            "name": "Wattkollen AB",
            "org_number": FORMATTED,
            "status": "active",
            "client_id": first["client_id"],
            "webhook_url": "http://localhost:9000/hooks",
        },
        {
            "id": second["id"],
            "name": "Wattkollen AB",
            "org_number": second["org_number"],
            "status": "active",
            "client_id": second["client_id"],
            "webhook_url": None,
        },
    ]
    human = runner.invoke(app, ["esco", "list"])
    assert first["client_id"] in human.output
    assert second["client_id"] in human.output


def test_list_without_escos(factory: sessionmaker[Session]) -> None:
    assert runner.invoke(app, ["esco", "list"]).output == "No ESCOs registered.\n"


def test_rotate_secret_ends_the_old_secret(factory: sessionmaker[Session]) -> None:
    created = create()
    rotated = runner.invoke(app, ["esco", "rotate-secret", created["client_id"], "--json"])
    assert rotated.exit_code == 0
    new = orjson.loads(rotated.stdout)
    assert new["client_id"] == created["client_id"]
    assert not can_get_token(factory, created["client_id"], created["client_secret"])
    assert can_get_token(factory, new["client_id"], new["client_secret"])


def test_rotate_secret_gives_credentials_to_an_esco_without_any(
    factory: sessionmaker[Session],
) -> None:
    """ESCOs loaded by ``elkund demo`` are registered without credentials."""
    with session_scope(factory) as session:
        make_party(session, org_number=ORGNR)
    rotated = runner.invoke(app, ["esco", "rotate-secret", ORGNR, "--json"])
    assert rotated.exit_code == 0
    new = orjson.loads(rotated.stdout)
    assert can_get_token(factory, new["client_id"], new["client_secret"])


@pytest.mark.parametrize(
    "url",
    [
        "http://wattkollen.example/h",
        "ftp://wattkollen.example/h",
        "https://",
        "wattkollen.example/h",
        "https://watt kollen.example/h",
        "https://[::1/h",
        "https://wattkollen.example/" + "h" * 500,
    ],
)
def test_set_webhook_refuses_urls_that_are_not_https(
    factory: sessionmaker[Session], url: str
) -> None:
    """Plain http only to this machine; anything else is refused and nothing is stored."""
    create()
    result = runner.invoke(app, ["esco", "set-webhook", ORGNR, url])
    assert result.exit_code == 2
    assert "invalid_webhook_url" in result.output
    with session_scope(factory) as session:
        assert session.scalars(select(Party.webhook_url)).one() is None


@pytest.mark.parametrize(
    "url", ["https://wattkollen.example/h", "http://localhost:9000/h", "http://127.0.0.1/h"]
)
def test_set_webhook_accepts_https_and_local_http(factory: sessionmaker[Session], url: str) -> None:
    create()
    assert runner.invoke(app, ["esco", "set-webhook", ORGNR, url]).exit_code == 0
    with session_scope(factory) as session:
        assert session.scalars(select(Party.webhook_url)).one() == url


def test_set_webhook_prints_a_new_secret_only_once(factory: sessionmaker[Session]) -> None:
    create()
    first = runner.invoke(app, ["esco", "set-webhook", ORGNR, "https://wattkollen.example/a"])
    second = runner.invoke(app, ["esco", "set-webhook", ORGNR, "https://wattkollen.example/b"])
    assert (first.exit_code, second.exit_code) == (0, 0)
    with session_scope(factory) as session:
        party = session.scalars(select(Party)).one()
    assert party.webhook_secret is not None
    assert f"webhook_secret: {party.webhook_secret}" in first.output
    assert "whsec_" not in second.output
    assert party.webhook_url == "https://wattkollen.example/b"


def test_suspend_stops_the_esco(factory: sessionmaker[Session]) -> None:
    created = create()
    result = runner.invoke(app, ["esco", "suspend", FORMATTED])
    assert result.exit_code == 0
    assert f"Suspended ESCO Wattkollen AB ({FORMATTED})" in result.output
    with session_scope(factory) as session:
        assert session.get_one(Party, created["id"]).status == PartyStatus.SUSPENDED
    with pytest.raises(credentials.PartySuspended):
        can_get_token(factory, created["client_id"], created["client_secret"])


@pytest.mark.parametrize("command", ["suspend", "rotate-secret"])
def test_unknown_esco_is_not_found(factory: sessionmaker[Session], command: str) -> None:
    result = runner.invoke(app, ["esco", command, "elk_nobody"])
    assert result.exit_code == 2
    assert "not_found: No ESCO has the organisationsnummer or client id 'elk_nobody'." in (
        result.output
    )
