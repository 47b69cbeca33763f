"""The ``elkund`` command line (Typer): ``elkund --help`` lists every command."""

from elkund.cli.main import app

__all__ = ["app"]
