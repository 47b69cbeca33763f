"""What the ``elkund`` sub-commands share: units of work, finding an ESCO, printing errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Annotated

import orjson
import typer

from elkund.core.db import create_db_engine, make_session_factory, session_scope
from elkund.core.errors import AppError
from elkund.core.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from elkund.parties.models import Party

EscoKey = Annotated[
    str,
    typer.Argument(
        metavar="ORGNR_OR_CLIENT_ID", help="The ESCO's organisationsnummer or OAuth2 client id."
    ),
]
JsonOutput = Annotated[bool, typer.Option("--json", help="Print JSON.")]
EscoFilter = Annotated[
    str | None,
    typer.Option(
        "--esco", metavar="ORGNR", help="Only this ESCO (organisationsnummer or client id)."
    ),
]
Limit = Annotated[int, typer.Option(min=1, help="At most this many, newest first.")]
NONE = "  none"
SHOWN_ONCE = "Shown this once only: store the secrets safely now, they cannot be shown again."


@contextmanager
def unit_of_work(as_json: bool = False) -> Iterator[Session]:
    """One committed transaction; a domain error is printed and the command exits 2."""
    engine = create_db_engine(get_settings().database_url)
    try:
        with session_scope(make_session_factory(engine), write=True) as session:
            yield session
    except AppError as error:
        print_app_error(error, as_json)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()


def find_esco(session: Session, key: str) -> Party:
    from elkund.core.errors import NotFound
    from elkund.parties.models import PartyRole
    from elkund.parties.service import find_party, find_party_by_client_id

    party = find_party_by_client_id(session, client_id=key)
    if party is None:
        with suppress(AppError):  # not an organisationsnummer either
            party = find_party(session, role=PartyRole.ESCO, org_number=key)
    if party is None or party.role != PartyRole.ESCO:
        raise NotFound(f"No ESCO has the organisationsnummer or client id {key!r}.")
    return party


def _esco_fields(party: Party) -> dict[str, object]:
    from elkund.customers.identity import format_number

    return {"id": party.id, "name": party.name, "org_number": format_number(party.org_number)}


def _esco_row(session: Session, party: Party) -> dict[str, object]:
    from elkund.parties.credentials import active_client

    client = active_client(session, party=party)
    return _esco_fields(party) | {
        "status": str(party.status),
        "client_id": client.client_id if client else None,
        "webhook_url": party.webhook_url,
    }


def esco_label(party: Party) -> str:
    return f"{party.name} ({_esco_fields(party)['org_number']})"


def print_secrets(shown: Mapping[str, str | None]) -> None:
    for key, value in shown.items():
        if value is not None:
            typer.echo(f"  {key + ':':<16}{value}")
    typer.echo(SHOWN_ONCE)


def print_app_error(error: AppError, as_json: bool) -> None:
    if as_json:
        typer.echo(orjson.dumps({"error": error.code, "detail": error.detail}).decode())
    else:
        typer.echo(f"{error.code}: {error.detail}", err=True)


def safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


def fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(2)
