"""The cookies of portal sign-in.

- ``elkund_session``: the session token (HttpOnly, SameSite=Lax, Secure unless the portal runs on
  http://127.0.0.1 or http://localhost).
- ``elkund_oidc``: state, nonce, PKCE verifier and return path of one e-ID sign-in, signed with
  the secret key (HMAC-SHA256) and valid for ten minutes; nothing is stored server-side before
  the person is known.
- ``elkund_login_csrf``: a random token echoed by the sign-in forms (double submit), because
  before sign-in there is no session to hold a CSRF token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from fastapi import Request, Response

from elkund.core.settings import Settings

SESSION_COOKIE = "elkund_session"
OIDC_COOKIE = "elkund_oidc"
LOGIN_CSRF_COOKIE = "elkund_login_csrf"
OIDC_MAX_AGE = 600
_LOCAL_ORIGINS = ("http://127.0.0.1", "http://localhost")


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def is_secure(settings: Settings) -> bool:
    return not settings.public_url.startswith(_LOCAL_ORIGINS)


def set_cookie(
    response: Response, request: Request, name: str, value: str, *, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=is_secure(settings_of(request)),
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(
        name, path="/", secure=is_secure(settings_of(request)), httponly=True, samesite="lax"
    )


def sign(payload: dict[str, Any], *, key: str) -> str:
    body = dict(payload, iat=int(time.time()))
    data = base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()
    return f"{data}.{_mac(data, key)}"


def unsign(value: str | None, *, key: str, max_age: int) -> dict[str, Any] | None:
    """The payload if the signature is right and it is recent enough, otherwise None."""
    data, _, mac = (value or "").partition(".")
    if not data or not hmac.compare_digest(mac, _mac(data, key)):
        return None
    payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(data.encode()))
    if int(payload.get("iat", 0)) + max_age < time.time():
        return None
    return payload


def _mac(data: str, key: str) -> str:
    return hmac.new(key.encode(), b"elkund-oidc:" + data.encode(), hashlib.sha256).hexdigest()
