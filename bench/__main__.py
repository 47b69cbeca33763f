"""``python -m bench [NAME ...]``: every figure (or the named ones, e.g. ``portal``) on SQLite
and, when reachable, PostgreSQL."""

from __future__ import annotations

import sys
import time

from bench import billing, export, footprint, history, ingest, portal
from bench.common import Database, note, postgres_database, quiet_logs, sqlite_database

BENCHES = {
    "ingest": ingest.run,
    "history": history.run,
    "footprint": footprint.run,
    "export": export.run,
    "portal": portal.run,
    "billing": billing.run,
}


def run_all(databases: list[Database], names: list[str]) -> None:
    for name in names:
        for db in databases:
            BENCHES[name](db)


def main() -> None:
    names = sys.argv[1:] or list(BENCHES)
    unknown = sorted(set(names) - set(BENCHES))
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHES)}")
    quiet_logs()
    began = time.perf_counter()
    with postgres_database() as postgres, sqlite_database() as sqlite:
        run_all([db for db in (postgres, sqlite) if db is not None], names)
    note(f"wall time {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
