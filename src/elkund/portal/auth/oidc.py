"""The relying party of e-ID sign-in: OpenID Connect authorisation code flow with PKCE.

Authlib's Starlette client keeps state in a Starlette session and is asynchronous; the portal is
synchronous and keeps its own signed cookie, so this module uses Authlib's synchronous httpx
``OAuth2Client`` for the authorisation URL (state, nonce, S256 code challenge) and the code
exchange, and joserfc (Authlib's JOSE successor; ``authlib.jose`` is deprecated) to validate the
ID token: signature against the provider's JWKS, issuer, audience, expiry and nonce.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2 import OAuth2Error
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

# Authlib's httpx client runs on httpx2 when it is installed and on httpx (deprecated) otherwise.
try:
    from httpx2 import HTTPError
except ImportError:  # pragma: no cover - depends on the installed packages
    from httpx import HTTPError  # type: ignore[assignment]

from elkund.customers.identity import InvalidIdentityNumber, parse_person_number
from elkund.portal.auth.errors import OidcFailed
from elkund.portal.auth.settings import AuthSettings

SIGNING_ALGORITHMS = ("RS256", "PS256", "ES256")
# A provider's clock may run a little ahead of ours; a minute is what OIDC libraries commonly allow.
CLOCK_SKEW_SECONDS = 60
_FAILED = "Inloggningen med e-legitimation kunde inte slutföras. Försök igen."


@dataclass(frozen=True, slots=True)
class Provider:
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


class OidcClient:
    """One e-ID provider, as configured by the ``ELKUND_OIDC_*`` settings."""

    def __init__(self, settings: AuthSettings, *, redirect_uri: str) -> None:
        self.settings = settings
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.redirect_uri = redirect_uri

    def authorization_url(self, *, state: str, nonce: str, code_verifier: str) -> str:
        with self._client() as client:
            provider = self._discover(client)
            url, _ = client.create_authorization_url(
                provider.authorization_endpoint,
                state=state,
                nonce=nonce,
                code_verifier=code_verifier,
            )
        return str(url)

    def person_number(self, *, code: str, code_verifier: str, nonce: str) -> str:
        """Exchange the code, validate the ID token and return the personnummer (12 digits)."""
        with self._client() as client:
            provider = self._discover(client)
            token = self._exchange(client, provider, code=code, code_verifier=code_verifier)
            claims = self._validate(client, provider, token, nonce=nonce)
        return _personnummer(claims.get(self.settings.oidc_personnummer_claim))

    def _client(self) -> OAuth2Client:
        return OAuth2Client(
            client_id=self.settings.oidc_client_id,
            client_secret=self.settings.oidc_client_secret,
            scope="openid",
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            timeout=self.settings.oidc_timeout_seconds,
        )

    def _discover(self, client: OAuth2Client) -> Provider:
        try:
            url = f"{self.issuer}/.well-known/openid-configuration"
            response = client.request("GET", url, withhold_token=True)
            response.raise_for_status()
            meta: dict[str, Any] = response.json()
            return Provider(
                meta["authorization_endpoint"], meta["token_endpoint"], meta["jwks_uri"]
            )
        except (HTTPError, KeyError, ValueError) as error:
            raise OidcFailed(_FAILED) from error

    def _exchange(
        self, client: OAuth2Client, provider: Provider, *, code: str, code_verifier: str
    ) -> dict[str, Any]:
        try:
            token: dict[str, Any] = client.fetch_token(
                provider.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
            )
        except (OAuthError, OAuth2Error, HTTPError) as error:
            raise OidcFailed(_FAILED) from error
        return token

    def _validate(
        self, client: OAuth2Client, provider: Provider, token: dict[str, Any], *, nonce: str
    ) -> dict[str, Any]:
        try:
            jwks = (
                client.request("GET", provider.jwks_uri, withhold_token=True)
                .raise_for_status()
                .json()
            )
            keys = KeySet.import_key_set(jwks)
            decoded = jwt.decode(str(token["id_token"]), keys, algorithms=SIGNING_ALGORITHMS)
            jwt.JWTClaimsRegistry(
                leeway=CLOCK_SKEW_SECONDS,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.settings.oidc_client_id},
                sub={"essential": True},
                exp={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(decoded.claims)
        except (HTTPError, KeyError, ValueError, JoseError) as error:
            raise OidcFailed(_FAILED) from error
        return decoded.claims


def _personnummer(value: object) -> str:
    if not isinstance(value, str):
        raise OidcFailed("E-legitimationen gav inget personnummer.")
    try:
        return parse_person_number(value).value
    except InvalidIdentityNumber as error:
        raise OidcFailed("E-legitimationen gav ett ogiltigt personnummer.") from error
