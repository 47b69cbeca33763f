"""``elkund dunning``: reminders and the non-payment notices of Bilaga 1 and 2 (SUP-27)."""

from __future__ import annotations

import typer

dunning_app = typer.Typer(
    help="Overdue invoices: reminders and non-payment notices.", no_args_is_help=True
)
