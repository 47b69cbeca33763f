"""Errors on portal pages answer browsers with a Swedish page, API callers with the JSON body."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response

from elkund.api.errors import error_response
from elkund.core.errors import AppError
from elkund.portal.auth.pages import render

PORTAL_PREFIX = "/mina-sidor"
_TITLES = {
    404: "Vi hittar inte det du söker",
    403: "Det här får du inte göra",
    409: "Det gick inte just nu",
    422: "Det gick inte",
}


def wants_page(request: Request) -> bool:
    return request.url.path.startswith(PORTAL_PREFIX) and "text/html" in request.headers.get(
        "accept", ""
    )


async def _app_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, AppError)
    if not wants_page(request):
        return error_response(error.status, error.code, error.detail)
    title = _TITLES.get(error.status, "Något gick fel")
    context = {"title": title, "detail": error.detail, "code": error.code}
    return render(request, "pages/error.html", context, status=error.status)


def install_portal_errors(app: FastAPI) -> None:
    """Replaces the API's AppError handler with one that also serves browsers on portal paths."""
    app.add_exception_handler(AppError, _app_error)
