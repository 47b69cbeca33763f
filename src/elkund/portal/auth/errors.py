"""Why a sign-in or a portal request was refused; each carries its page title and text.

The title is a key of the catalogue (``components.i18n``) so the page shows it in the visitor's
language; ``title`` is its Swedish text. The detail stays Swedish for API callers; the error page
shows its catalogue entry in the visitor's language.
"""

from __future__ import annotations

from elkund.core.errors import AppError
from elkund.portal.components.i18n import translate


class PortalAuthError(AppError):
    """An error shown as a page to browsers and as the standard body to other callers."""

    title_key: str = "error_title_sign_in_failed"

    @property
    def title(self) -> str:
        return translate(self.title_key, "sv")


class SignInRequired(AppError):
    """Not signed in (or the session ended): the browser is sent to /logga-in."""

    code = "sign_in_required"
    status = 303

    def __init__(self, next_path: str) -> None:
        super().__init__("Logga in för att fortsätta.")
        self.next_path = next_path


class CsrfRejected(PortalAuthError):
    code = "csrf_failed"
    status = 403
    title_key = "error_title_csrf"


class UnknownPerson(PortalAuthError):
    code = "unknown_person"
    status = 403
    title_key = "error_title_unknown_person"


class OidcFailed(PortalAuthError):
    code = "oidc_failed"
    status = 400


class OidcNotConfigured(PortalAuthError):
    code = "oidc_not_configured"
    status = 503
    title_key = "error_title_oidc_not_configured"


class WrongCredentials(PortalAuthError):
    code = "wrong_credentials"
    status = 401


class TooManyAttempts(PortalAuthError):
    code = "too_many_attempts"
    status = 429
    title_key = "error_title_too_many_attempts"


class NotActingFor(PortalAuthError):
    code = "forbidden"
    status = 403
    title_key = "error_title_forbidden"
