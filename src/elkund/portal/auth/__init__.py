"""Sign-in to "Mina sidor": sessions, CSRF, e-ID (OIDC), company logins, development sign-in.

For page authors::

    from elkund.portal.auth import ActingCustomer, CurrentUser, require_csrf

    @router.get("/oversikt")
    def overview(user: CurrentUser, customer: ActingCustomer) -> Response: ...

    @router.post("/medgivanden/{id}/avsluta", dependencies=[Depends(require_csrf)])
    def terminate(user: CurrentUser, ...) -> Response: ...

- ``CurrentUser``: the signed-in ``PortalUser``; a visitor who is not signed in is sent (303) to
  ``/logga-in?next=<path>``.
- ``acting_customer(user, session)`` / ``ActingCustomer``: the ``Customer`` whose pages are shown.
- ``require_csrf``: refuses (403) a POST whose ``csrf_token`` field is wrong; templates render the
  field with ``{{ csrf_field() }}`` (register it with ``install_helpers(templates)``).
- ``install(app)``: mounts ``router`` and the redirect/error handlers on the application.
"""

from __future__ import annotations

from fastapi import FastAPI

from elkund.portal.auth.deps import (
    ActingCustomer,
    CurrentUser,
    acting_customer,
    current_user,
    install_handlers,
    require_csrf,
)
from elkund.portal.auth.domain import PortalUser
from elkund.portal.auth.pages import csrf_field, install_helpers
from elkund.portal.auth.routes import router


def install(app: FastAPI) -> None:
    app.include_router(router)
    install_handlers(app)


__all__ = [
    "ActingCustomer",
    "CurrentUser",
    "PortalUser",
    "acting_customer",
    "csrf_field",
    "current_user",
    "install",
    "install_helpers",
    "require_csrf",
    "router",
]
