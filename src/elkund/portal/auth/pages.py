"""Templates of the sign-in pages and the helpers every portal template may use.

Every template gets, from ``portal_context``: ``lang`` (``"sv"`` or ``"en"``), ``t(key, **params)``
(the catalogue of ``components.i18n`` in that language), ``language_url`` (this page in the other
language) and ``development``. ``csrf_field()`` renders the hidden CSRF input of the current
request (set by ``current_user`` or by a sign-in page); register it on another
``Jinja2Templates`` with ``install_helpers``. Render with ``render`` (or pass a response through
``finish_page``): it remembers a ``?lang=`` choice in the ``lang`` cookie and names the language
in ``Content-Language``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from starlette.datastructures import URL
from starlette.responses import Response

from elkund.portal.auth.cookies import set_cookie
from elkund.portal.auth.errors import PortalAuthError
from elkund.portal.components.formatting import install_filters
from elkund.portal.components.i18n import (
    DEFAULT_LANG,
    LANG_COOKIE,
    LANG_MAX_AGE,
    LANG_PARAM,
    Lang,
    chosen_language,
    error_text,
    is_lang,
    language_of,
    other_language,
    translate,
)

FALLBACK_PAGE = "/mina-sidor"
"""Where the language toggle leads after a form post whose page is unknown (no Referer)."""


def portal_context(request: Request) -> dict[str, Any]:
    """What ``base.html`` and every page expect: the language, its words and the toggle's link.

    Plain values and a closure only: nothing here touches the database or awaits.
    """
    lang = language_of(request)
    return {
        "lang": lang,
        "t": words(lang),
        "language_url": language_url(request, lang),
        "development": request.app.state.settings.env == "development",
    }


def words(lang: Lang) -> Callable[..., str]:
    """``t(key, **params)`` for templates, in ``lang``."""

    def t(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    return t


def language_url(request: Request, lang: Lang) -> str:
    """This page with ``?lang=`` set to the other language (other parameters kept).

    After a form post the page shown answers a POST address, so the toggle leads to the page the
    form was on (the same-site Referer) or, without one, to the overview.
    """
    page = request.url if request.method in ("GET", "HEAD") else _form_page(request)
    switched = page.include_query_params(**{LANG_PARAM: other_language(lang)})
    return f"{switched.path}?{switched.query}"


def _form_page(request: Request) -> URL:
    referer = URL(request.headers.get("referer", ""))
    if referer.path and referer.netloc == request.url.netloc:
        return referer
    return URL(FALLBACK_PAGE)


templates = Jinja2Templates(
    directory=Path(__file__).parent.parent / "templates", context_processors=[portal_context]
)


@pass_context
def csrf_field(context: Context) -> Markup:
    request: Request = context["request"]
    token = getattr(request.state, "csrf_token", None)
    if not token:
        raise RuntimeError("csrf_field() needs a signed-in user or a sign-in page's token")
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(escape(token))


def context_lang(context: Context) -> Lang:
    """The template's ``lang``, for filters that name things in the visitor's language."""
    lang = context.get("lang", DEFAULT_LANG)
    return lang if is_lang(lang) else DEFAULT_LANG


def install_helpers(target: Jinja2Templates) -> None:
    target.env.globals["csrf_field"] = csrf_field


install_helpers(templates)
install_filters(templates.env)


def finish_page(request: Request, response: Response) -> Response:
    """Headers of every rendered portal page: no caching, its language, and the visitor's
    ``?lang=`` choice kept in the ``lang`` cookie (a year) so links and forms keep it.

    Done here, where pages are rendered, not in a ``BaseHTTPMiddleware`` (which wraps every
    request, API and streaming ones too, and runs the endpoint in a task of its own): only pages
    need it, and this needs nothing but the request's query string and cookies.
    """
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = language_of(request)
    chosen = chosen_language(request)
    if chosen is not None and request.cookies.get(LANG_COOKIE) != chosen:
        set_cookie(response, request, LANG_COOKIE, chosen, max_age=LANG_MAX_AGE)
    return response


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    response: HTMLResponse = templates.TemplateResponse(
        request, name, context or {}, status_code=status
    )
    finish_page(request, response)
    return response


def error_page(request: Request, error: PortalAuthError) -> HTMLResponse:
    lang = language_of(request)
    context = {
        "title": translate(error.title_key, lang),
        "detail": error_text(error.detail, lang, code=error.code),
        "code": error.code,
    }
    return render(request, "auth/error.html", context, status=error.status)
