"""EU-5: personal identity numbers never reach a log in clear text."""

from __future__ import annotations

import logging

import pytest
import structlog

from elkund.observability import configure_logging, mask_identity_numbers


def test_identity_numbers_in_any_spelling_are_masked() -> None:
    text = "customer 189001019802 / 18900101-9802 / 900101-9802 / org 556036-0793 called"
    assert mask_identity_numbers(text) == (
        "customer 18900101-**** / 18900101-**** / 900101-**** / org 556036-**** called"
    )


def test_other_numbers_are_left_alone() -> None:
    text = "installation 735999000000000013 at 1735689601 with 12345"
    assert mask_identity_numbers(text) == text


def test_log_lines_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json=True)
    structlog.get_logger("test").info("lookup 189001019802", identity="19900161-9809")
    output = capsys.readouterr().err
    assert "9802" not in output
    assert "9809" not in output
    assert "18900101-****" in output
    structlog.reset_defaults()


def test_nested_values_numbers_and_tracebacks_are_masked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(json=True)
    log = structlog.get_logger("test")
    log.info(
        "nested", request={"customer": {"identity_number": "19800101 9804"}}, number=189001019802
    )
    try:
        raise ValueError("no customer 189001019802")
    except ValueError:
        log.exception("failed")
    output = capsys.readouterr().err
    assert "9804" not in output
    assert "9802" not in output
    assert "ValueError: no customer 18900101-****" in output
    structlog.reset_defaults()


def test_standard_library_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    configure_logging()
    logging.getLogger("uvicorn.access").warning("GET /kund/%s", "189001019802")
    assert caplog.messages == ["GET /kund/18900101-****"]
    structlog.reset_defaults()


def test_pdf_layout_steps_stay_out_of_the_log() -> None:
    """WeasyPrint logs each layout step at INFO; a billing run would print thousands of lines."""
    configure_logging()
    assert not logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
    assert logging.getLogger("weasyprint").isEnabledFor(logging.WARNING)
    assert logging.getLogger("weasyprint.progress").level == logging.WARNING
    structlog.reset_defaults()
