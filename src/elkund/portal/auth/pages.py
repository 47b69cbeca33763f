"""Templates of the sign-in pages and the helpers every portal template may use.

``csrf_field()`` renders the hidden CSRF input of the current request (set by ``current_user``
or by a sign-in page); register it on another ``Jinja2Templates`` with ``install_helpers``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from elkund.portal.auth.errors import PortalAuthError


def portal_context(request: Request) -> dict[str, Any]:
    """What ``base.html`` expects on every page: the development banner flag."""
    return {"development": request.app.state.settings.env == "development"}


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


def install_helpers(target: Jinja2Templates) -> None:
    target.env.globals["csrf_field"] = csrf_field


install_helpers(templates)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    response: HTMLResponse = templates.TemplateResponse(
        request, name, context or {}, status_code=status
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def error_page(request: Request, error: PortalAuthError) -> HTMLResponse:
    context = {"title": error.title, "detail": error.detail, "code": error.code}
    return render(request, "auth/error.html", context, status=error.status)
