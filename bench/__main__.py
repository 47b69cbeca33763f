"""``python -m bench``: every figure on SQLite and, when reachable, PostgreSQL."""

from __future__ import annotations

import time

from bench import export, footprint, history, ingest, portal
from bench.common import Database, note, postgres_database, quiet_logs, sqlite_database

BENCHES = (ingest.run, history.run, footprint.run, export.run, portal.run)


def run_all(databases: list[Database]) -> None:
    for bench in BENCHES:
        for db in databases:
            bench(db)


def main() -> None:
    quiet_logs()
    began = time.perf_counter()
    with postgres_database() as postgres, sqlite_database() as sqlite:
        run_all([db for db in (postgres, sqlite) if db is not None])
    note(f"wall time {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
