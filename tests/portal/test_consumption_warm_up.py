"""Each server process prepares the Förbrukning page before its first request, from a sample:
no customer's values are read or cached."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from elkund.api.app import create_app
from elkund.core.settings import Settings
from elkund.portal import consumption
from elkund.portal.auth.pages import templates

NAMES = ("base.html", "consumption/page.html", "consumption/_results.html")


def _cached(name: str) -> bool:
    cache = templates.env.cache
    assert cache is not None
    return any(key[1] == name for key in cache)


def test_start_compiles_the_pages_templates_without_touching_values(engine: Engine) -> None:
    cache = templates.env.cache
    assert cache is not None
    cache.clear()
    consumption.RESULTS.clear()
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    settings = Settings(
        env="test", database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
    )
    event.listen(engine, "before_cursor_execute", record)
    try:
        with TestClient(create_app(settings, engine=engine)):
            assert all(_cached(name) for name in NAMES)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert not any("meter_value" in statement for statement in statements)
    assert len(consumption.RESULTS) == 0


def test_warm_up_alone_renders_both_languages_from_a_sample() -> None:
    consumption.RESULTS.clear()
    consumption.warm_up()
    assert len(consumption.RESULTS) == 0
    assert all(_cached(name) for name in NAMES)
