"""The web layer: one error contract, health, the portal front page, the committed OpenAPI spec."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from fastapi import FastAPI, routing
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from starlette.routing import BaseRoute

from elkund.api.app import create_app
from elkund.api.openapi import render
from elkund.core.errors import Invalid
from elkund.core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def make_app(engine: Engine, env: Literal["development", "test", "production"] = "test") -> FastAPI:
    settings = Settings(
        env=env, database_url="sqlite://", secret_key="x" * 32, worker_in_process=False
    )
    return create_app(settings, engine=engine)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    app = make_app(engine)

    @app.get("/boom/invalid")
    def invalid() -> None:
        raise Invalid("That is not allowed here.", code="not_allowed")

    @app.get("/boom/crash")
    def crash() -> None:
        raise RuntimeError("secret internals 189001019802")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_health_reports_the_database(client: TestClient, engine: Engine) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() | {"version": "-"} == {
        "status": "ok",
        "version": "-",
        "database": engine.dialect.name,
    }


def test_unknown_path_gets_the_standard_error_body(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert (response.status_code, response.json()) == (
        404,
        {"error": "not_found", "detail": "Not Found"},
    )


def test_domain_error_keeps_its_code_and_status(client: TestClient) -> None:
    response = client.get("/boom/invalid")
    assert (response.status_code, response.json()) == (
        422,
        {"error": "not_allowed", "detail": "That is not allowed here."},
    )


def test_unexpected_error_is_500_without_internals(client: TestClient) -> None:
    response = client.get("/boom/crash")
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal_error",
        "detail": "Something went wrong on our side.",
    }


def test_wrong_method_gets_the_standard_error_body(client: TestClient) -> None:
    response = client.post("/health")
    assert (response.status_code, response.json()["error"]) == (405, "method_not_allowed")


def test_front_page_is_swedish_and_marks_development_mode(engine: Engine) -> None:
    with TestClient(make_app(engine, env="development")) as development:
        page = development.get("/")
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text
    assert "Utvecklingsläge" in page.text
    with TestClient(make_app(engine, env="production")) as production:
        assert "Utvecklingsläge" not in production.get("/").text


def test_committed_openapi_spec_matches_the_code() -> None:
    assert (ROOT / "openapi.json").read_bytes() == render()


def test_start_builds_every_route_so_the_first_requests_need_not(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI builds an included router's routes when a request first reaches it, under a lock
    that every first request after a start would wait for; the start does it instead."""
    if not hasattr(routing, "_IncludedRouter"):
        pytest.skip("this FastAPI builds its routes when they are included")
    built: list[object] = []
    build = routing._IncludedRouter._build_effective_context

    def counted(router: routing._IncludedRouter, route: BaseRoute) -> object:
        built.append(route)
        return build(router, route)

    monkeypatch.setattr(routing._IncludedRouter, "_build_effective_context", counted)
    with TestClient(make_app(engine), follow_redirects=False) as client:
        assert len(built) >= 20  # the API's and the portal's routes
        built.clear()
        for path in ("/health", "/mina-sidor/", "/logga-in", "/api/v1/access-requests"):
            assert client.get(path).status_code < 500
        assert built == []
