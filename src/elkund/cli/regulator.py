"""``elkund regulator``: exports for Energimarknadsinspektionen and the Commission (SUP-24, 25)."""

from __future__ import annotations

import typer

regulator_app = typer.Typer(help="Reports and exports for the regulator.", no_args_is_help=True)
