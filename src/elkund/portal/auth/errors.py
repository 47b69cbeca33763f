"""Why a sign-in or a portal request was refused; each carries its Swedish page text."""

from __future__ import annotations

from elkund.core.errors import AppError


class PortalAuthError(AppError):
    """An error shown as a Swedish page to browsers and as the standard body to other callers."""

    title: str = "Inloggningen misslyckades"


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
    title = "Formuläret kunde inte skickas"


class UnknownPerson(PortalAuthError):
    code = "unknown_person"
    status = 403
    title = "Vi hittar ingen kund med ditt personnummer"


class OidcFailed(PortalAuthError):
    code = "oidc_failed"
    status = 400


class OidcNotConfigured(PortalAuthError):
    code = "oidc_not_configured"
    status = 503
    title = "Inloggning med e-legitimation är inte tillgänglig"


class WrongCredentials(PortalAuthError):
    code = "wrong_credentials"
    status = 401


class TooManyAttempts(PortalAuthError):
    code = "too_many_attempts"
    status = 429
    title = "För många inloggningsförsök"


class NotActingFor(PortalAuthError):
    code = "forbidden"
    status = 403
    title = "Du har inte behörighet"
