"""Write or check the committed OpenAPI contract.

Usage: ``python -m elkund.api.openapi --check openapi.json`` (or ``--write``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from elkund.api.app import create_app
from elkund.core.settings import Settings


def render() -> bytes:
    app = create_app(Settings(database_url="sqlite://"))
    return orjson.dumps(app.openapi(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path)
    group.add_argument("--check", type=Path)
    args = parser.parse_args(argv)
    spec = render()
    if args.write:
        args.write.write_bytes(spec)
        return 0
    if not args.check.exists() or args.check.read_bytes() != spec:
        print(f"{args.check} is out of date: run `make openapi` and commit it.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
