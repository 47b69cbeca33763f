"""``elkund payments``: import Bankgirot's BgMax payment files and match them to invoices."""

from __future__ import annotations

import typer

payments_app = typer.Typer(
    help="Payments received on the supplier's bankgiro.", no_args_is_help=True
)
