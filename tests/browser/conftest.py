"""A real browser (Debian's Chromium, driven by Playwright) against a live elkund server."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import Engine

from tests.e2e.conftest import ELKUND, free_port, process_env, receiver, wait_until_up
from tests.factories import fake_personnummer

with warnings.catch_warnings():
    # The provider (a test tool) still imports the deprecated authlib.jose; elkund does not.
    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import User, run_server_in_thread

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# What the probe found Chromium needs on this machine: no sandbox as root, no network chatter.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(
    os.environ.get("ELKUND_SCREENSHOTS", tempfile.gettempdir() + "/elkund-screenshots")
)

__all__ = ["receiver"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI=true (make test installs it)")
        pytest.skip("Chromium is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    # The mock provider's page asks a CDN for a stylesheet; this machine has no internet.
    context.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    yield context.new_page()
    context.close()


@dataclass(frozen=True)
class Portal:
    url: str
    issuer: str


# The people the test e-ID provider knows: subject → personnummer (Skatteverket's test range).
PERSONS = {"anna": fake_personnummer("19800101", 980), "bertil": fake_personnummer("19700101", 981)}


@pytest.fixture
def portal(engine: Engine, committed: object, tmp_path: Path) -> Iterator[Portal]:
    """``elkund serve`` with e-ID through an OIDC provider started here (oidc-provider-mock).

    The server's log is printed at the end, so a failing test shows what the server saw.
    """
    users = [User(sub=sub, claims={"personal_number": number}) for sub, number in PERSONS.items()]
    with run_server_in_thread(require_nonce=True, user_claims=users) as provider:
        issuer = f"http://localhost:{provider.server_port}"
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = process_env(
            engine,
            ELKUND_WORKER_IN_PROCESS="true",
            ELKUND_PUBLIC_URL=url,
            ELKUND_OIDC_ISSUER=issuer,
            ELKUND_OIDC_CLIENT_ID="elkund",
            ELKUND_OIDC_CLIENT_SECRET="hemligt",
        )
        log = tmp_path / "server.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [ELKUND, "serve", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        try:
            wait_until_up(url, process)
            yield Portal(url, issuer)
        finally:
            process.terminate()
            process.wait(timeout=20)
            print(log.read_text(errors="replace")[-20_000:])
