"""Typed settings read from the environment (prefix ``ELKUND_``)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"  # noqa: S105 - refused outside development


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ELKUND_", env_file=".env", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/elkund.db"
    secret_key: str = DEVELOPMENT_SECRET
    var_dir: Path = Path("var")
    # Largest plausible energy in one interval, as a multiple of what the main fuse can carry.
    implausible_fuse_factor: float = 1.5
    log_json: bool = False
    # Where customers reach the portal; deep links in API responses start here.
    public_url: str = "http://127.0.0.1:8000"
    # Third-party access limits (TPA-2).
    max_history_years: int = 3
    max_consent_years: int = 3
    request_ttl_days: int = 14
    # SUP-23: days before a time-limited contract expires that its letter is made (Ei: the
    # customer gets it at the earliest 90 and at the latest 60 days before; docs/notices.md).
    contract_expiry_notice_days: int = 90
    # How long a worker may hold a job before another worker may take it over.
    job_lease_seconds: int = 300
    worker_poll_seconds: float = 1.0
    # Run the job worker inside ``serve``; by default only on the embedded SQLite database.
    worker_in_process: bool | None = None
    # Dunning (SUP-27, docs/dunning.md). The reminder fee is capped at 60 kr (lag 1981:739);
    # the interest is Riksbanken's reference rate + 8 percentage points (räntelagen 6 §): set the
    # reference rate and its period each half-year from riksbank.se.
    dunning_reminder_fee: Decimal = Field(default=Decimal("60"), ge=0, le=60)
    dunning_reference_rate: Decimal = Decimal("2.00")
    dunning_reference_rate_period: str = "2026-01-01–2026-06-30"
    dunning_interest_margin: Decimal = Decimal("8")
    dunning_reminder_after_days: int = Field(default=1, ge=1)  # after the due date
    dunning_reminder_days: int = Field(default=10, ge=1)  # the reminder's own time to pay
    dunning_post_days: int = Field(default=5, ge=0)  # sent by post: assumed received after
    dunning_social_committees: Path | None = None  # CSV; default: the demo's (supply/data)

    @property
    def runs_worker_in_process(self) -> bool:
        if self.worker_in_process is not None:
            return self.worker_in_process
        return self.database_url.startswith("sqlite")

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.env == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("ELKUND_SECRET_KEY must be set in production")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
