"""The one error contract on the wire: ``{"error": <stable code>, "detail": ...}``."""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from elkund.api.responses import OrjsonResponse
from elkund.core.errors import AppError

log = structlog.get_logger(__name__)

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized", 403: "forbidden"}


def error_response(status: int, code: str, detail: object) -> OrjsonResponse:
    return OrjsonResponse({"error": code, "detail": detail}, status_code=status)


async def _app_error(_request: Request, error: Exception) -> OrjsonResponse:
    assert isinstance(error, AppError)
    return error_response(error.status, error.code, error.detail)


async def _validation_error(_request: Request, error: Exception) -> OrjsonResponse:
    assert isinstance(error, RequestValidationError)
    problems = [
        {"loc": list(problem["loc"]), "msg": problem["msg"], "type": problem["type"]}
        for problem in error.errors()
    ]
    return error_response(422, "validation_error", problems)


async def _http_error(_request: Request, error: Exception) -> OrjsonResponse:
    assert isinstance(error, HTTPException)
    code = _HTTP_CODES.get(error.status_code, "http_error")
    return error_response(error.status_code, code, error.detail)


async def _unexpected(request: Request, error: Exception) -> OrjsonResponse:
    log.exception("unhandled_error", path=request.url.path)
    return error_response(500, "internal_error", "Something went wrong on our side.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
