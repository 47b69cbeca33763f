"""Structured logs (structlog) that never carry an identity number in clear text."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog
from stdnum import luhn

from elkund.customers.identity import mask

# A person's or organisation's number: 10 or 12 digits, maybe a separator, not in a longer number.
_IDENTITY = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")


def mask_identity_numbers(text: str) -> str:
    """Replace every Luhn-valid identity-number-looking run of digits with its masked form."""

    def _mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        return mask(digits) if luhn.is_valid(digits[-10:]) else match.group()

    return _IDENTITY.sub(_mask, text)


def _mask_processor(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in event_dict.items():
        event_dict[key] = _masked(value)
    return event_dict


def _masked(value: Any) -> Any:
    """Mask strings anywhere in a value, numbers too: an identity number may arrive as an int."""
    if isinstance(value, str):
        return mask_identity_numbers(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        masked = mask_identity_numbers(text)
        return value if masked == text else masked
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value


class _MaskingFilter(logging.Filter):
    """The same masking for standard-library records (uvicorn, SQLAlchemy, Alembic)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = mask_identity_numbers(record.getMessage()), None
        return True


class _StderrLogger:
    """Writes to whatever ``sys.stderr`` is at the time of the call, not at configuration."""

    def msg(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


def configure_logging(*, json: bool = False, level: int = logging.INFO) -> None:
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            # Tracebacks become text before masking, so an exception message is masked too.
            structlog.processors.format_exc_info,
            _mask_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        # Logs go to stderr so that command output (reports, JSON) stays clean on stdout.
        logger_factory=lambda *_: _StderrLogger(),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _MaskingFilter) for f in handler.filters):
            handler.addFilter(_MaskingFilter())
    # WeasyPrint and fontTools report every layout step at INFO: thousands of lines a billing run.
    for chatty in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(chatty).setLevel(max(level, logging.WARNING))
