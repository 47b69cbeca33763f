"""Errors on portal pages answer browsers with a page in the visitor's language (Swedish by
default), API callers with the JSON body."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from elkund.api.errors import error_response
from elkund.core.errors import AppError
from elkund.portal.auth.pages import render
from elkund.portal.components.i18n import MESSAGES, error_text, language_of, translate

PORTAL_PREFIX = "/mina-sidor"


def wants_page(request: Request) -> bool:
    return request.url.path.startswith(PORTAL_PREFIX) and "text/html" in request.headers.get(
        "accept", ""
    )


def title_key(status: int) -> str:
    key = f"error_title_{status}"
    return key if key in MESSAGES else "error_title_other"


async def _app_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, AppError)
    if not wants_page(request):
        return error_response(error.status, error.code, error.detail)
    lang = language_of(request)
    context = {
        "title": translate(title_key(error.status), lang),
        "detail": error_text(error.detail, lang, code=error.code),
        "code": error.code,
    }
    return render(request, "pages/error.html", context, status=error.status)


def install_portal_errors(app: FastAPI) -> None:
    """Replaces the API's AppError handler with one that also serves browsers on portal paths."""
    app.add_exception_handler(AppError, _app_error)
