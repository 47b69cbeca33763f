"""``elkund esco``: register ESCOs, their OAuth2 credentials and webhooks, and suspend them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import orjson
import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from elkund.parties.models import Party
from elkund.cli.common import (
    EscoKey,
    JsonOutput,
    esco_label,
    find_esco,
    print_secrets,
    unit_of_work,
)

esco_app = typer.Typer(
    help="Energy service companies (ESCOs): registration, OAuth2 credentials, webhooks.",
    no_args_is_help=True,
)


@esco_app.command("create")
def esco_create(
    name: Annotated[str, typer.Option(help="Company name, as customers will see it.")],
    orgnr: Annotated[str, typer.Option(help="Organisationsnummer, NNNNNN-NNNN.")],
    webhook_url: Annotated[
        str | None, typer.Option(help="Where signed notifications go (https).")
    ] = None,
    as_json: JsonOutput = False,
) -> None:
    """Register an ESCO; prints its client id, client secret and webhook secret once."""
    from elkund.parties.service import PartyExists, register_esco

    with unit_of_work(as_json) as session:
        try:
            esco = register_esco(session, name=name, org_number=orgnr, webhook_url=webhook_url)
        except PartyExists as error:
            hint = f" New credentials for it: elkund esco rotate-secret {orgnr}"
            raise PartyExists(error.detail + hint) from None
    shown = {
        "client_id": esco.client_id,
        "client_secret": esco.client_secret,
        "webhook_secret": esco.webhook_secret,
    }
    if as_json:
        typer.echo(orjson.dumps(_esco_fields(esco.party) | shown).decode())
        return
    typer.echo(f"Registered ESCO {esco_label(esco.party)} with id {esco.party.id}.")
    print_secrets(shown)


@esco_app.command("list")
def esco_list(as_json: JsonOutput = False) -> None:
    """List the registered ESCOs with status, client id and webhook URL."""
    from elkund.parties.models import PartyRole
    from elkund.parties.service import list_parties

    with unit_of_work(as_json) as session:
        rows = [_esco_row(session, party) for party in list_parties(session, role=PartyRole.ESCO)]
    if as_json:
        typer.echo(orjson.dumps(rows).decode())
        return
    if not rows:
        typer.echo("No ESCOs registered.")
    for row in rows:
        columns = (row["id"], row["org_number"], row["status"], row["client_id"] or "-")
        typer.echo(
            "{:>4}  {}  {:<9}  {:<28}".format(*columns)
            + f"  {row['name']}  {row['webhook_url'] or ''}".rstrip()
        )


@esco_app.command("suspend")
def esco_suspend(esco: EscoKey) -> None:
    """Suspend an ESCO: its tokens stop at once, its consents end and it is notified."""
    from elkund.access.service import suspend_esco

    with unit_of_work() as session:
        party = find_esco(session, esco)
        ended = suspend_esco(session, esco=party, actor="operator")
    typer.echo(
        f"Suspended ESCO {esco_label(party)}; its access tokens no longer work"
        f" and {ended} consent(s) ended."
    )


@esco_app.command("rotate-secret")
def esco_rotate_secret(esco: EscoKey, as_json: JsonOutput = False) -> None:
    """Give an ESCO a new client secret, shown once; the old secret and its tokens stop working."""
    from elkund.parties.credentials import rotate_secret

    with unit_of_work(as_json) as session:
        party = find_esco(session, esco)
        client, secret = rotate_secret(session, party=party)
    shown = {"client_id": client.client_id, "client_secret": secret}
    if as_json:
        typer.echo(orjson.dumps(shown).decode())
        return
    typer.echo(f"New client secret for ESCO {esco_label(party)}.")
    print_secrets(shown)


@esco_app.command("set-webhook")
def esco_set_webhook(
    esco: EscoKey,
    url: Annotated[str, typer.Argument(help="https URL for signed notifications; '' removes it.")],
) -> None:
    """Set where an ESCO gets signed notifications; prints the signing secret if it is new."""
    from elkund.parties.service import set_webhook

    with unit_of_work() as session:
        party = find_esco(session, esco)
        secret = set_webhook(session, party=party, url=url or None)
    where = f"to {party.webhook_url}" if party.webhook_url else "nowhere (webhook removed)"
    typer.echo(f"ESCO {esco_label(party)} is notified {where}.")
    if secret is not None:
        print_secrets({"webhook_secret": secret})


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
