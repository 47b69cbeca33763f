"""``elkund dev``: act for a demo customer from the command line. Development mode only.

Until customers sign in to Mina sidor, a tester needs some way to answer an ESCO's request; these
commands call the same services the portal will, as the customer the request is addressed to.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from elkund.cli.common import fail, unit_of_work
from elkund.core.settings import get_settings

dev_app = typer.Typer(
    help="Act for the customer of a request or consent (ELKUND_ENV=development only).",
    no_args_is_help=True,
)
ACTOR = "dev-cli"


@dev_app.callback()
def _development_only() -> None:
    if get_settings().env != "development":
        fail("The dev commands exist only with ELKUND_ENV=development.")


@dev_app.command("approve")
def approve(
    request_id: Annotated[str, typer.Argument(help="The access request's id.")],
    valid_until: Annotated[str | None, typer.Option(help="A shorter end date, YYYY-MM-DD.")] = None,
    resolution: Annotated[str | None, typer.Option(help="A coarser resolution.")] = None,
) -> None:
    """Approve a request as its customer would in Mina sidor; prints the consent id."""
    from elkund.access import service as access
    from elkund.metering.domain import Resolution

    with unit_of_work() as session:
        customer = access.customer_of_request(session, request_id=request_id)
        consent = access.approve_request(
            session,
            customer=customer,
            request_id=request_id,
            actor=ACTOR,
            valid_until=date.fromisoformat(valid_until) if valid_until else None,
            resolution=Resolution(resolution) if resolution else None,
        )
    typer.echo(f"Approved: consent {consent.id}")


@dev_app.command("reject")
def reject(request_id: Annotated[str, typer.Argument(help="The access request's id.")]) -> None:
    """Reject a request as its customer would."""
    from elkund.access import service as access

    with unit_of_work() as session:
        customer = access.customer_of_request(session, request_id=request_id)
        access.reject_request(session, customer=customer, request_id=request_id, actor=ACTOR)
    typer.echo(f"Rejected: request {request_id}")


@dev_app.command("terminate")
def terminate(consent_id: Annotated[str, typer.Argument(help="The consent's id.")]) -> None:
    """End a consent (*Avsluta*) as its customer would."""
    from elkund.access import service as access

    with unit_of_work() as session:
        customer = access.customer_of_consent(session, consent_id=consent_id)
        access.terminate_consent(session, customer=customer, consent_id=consent_id, actor=ACTOR)
    typer.echo(f"Ended: consent {consent_id}")
