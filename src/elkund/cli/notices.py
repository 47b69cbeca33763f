"""``elkund notices``: contract expiry (SUP-23), assignment (SUP-22) and aggregation notices."""

from __future__ import annotations

import typer

notices_app = typer.Typer(
    help="Notices to customers and to the grid company.", no_args_is_help=True
)
