"""Settings of portal sign-in, read from the environment (prefix ``ELKUND_``).

Kept beside the code that uses them; ``app.state.auth_settings`` overrides them (tests do).
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from fastapi import Request
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ELKUND_", env_file=".env", extra="ignore")

    # The e-ID broker (BankID, Freja, …) as an OpenID Connect provider.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    # Brokers differ in the claim that carries the personnummer.
    oidc_personnummer_claim: str = "personal_number"
    oidc_timeout_seconds: float = 10.0
    # A session ends after this long without a request, and in any case after the lifetime.
    session_idle_minutes: int = 20
    session_lifetime_hours: int = 12
    # Username + password sign-in refuses further tries after this many failures in the window.
    login_max_failures: int = 5
    login_failure_window_minutes: int = 15

    @property
    def oidc_configured(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def idle_timeout(self) -> timedelta:
        return timedelta(minutes=self.session_idle_minutes)

    @property
    def lifetime(self) -> timedelta:
        return timedelta(hours=self.session_lifetime_hours)

    @property
    def failure_window(self) -> timedelta:
        return timedelta(minutes=self.login_failure_window_minutes)


@lru_cache
def _from_environment() -> AuthSettings:
    return AuthSettings()


def auth_settings(request: Request) -> AuthSettings:
    configured = getattr(request.app.state, "auth_settings", None)
    return configured if isinstance(configured, AuthSettings) else _from_environment()
