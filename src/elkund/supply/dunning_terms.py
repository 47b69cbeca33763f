"""The dunning terms (SUP-27): the reminder fee, the interest rate and the day counts.

The interest is räntelagen 6 §: Riksbanken's reference rate + 8 percentage points. The reference
rate is set for one half-year at a time, so the terms say which period their rate is for
(``reference_period``, ``YYYY-MM-DD–YYYY-MM-DD``); a run outside it is warned about, not refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from elkund.core.errors import Invalid
from elkund.core.settings import Settings

FEE_CAP = Decimal("60")  # lag (1981:739) om ersättning för inkassokostnader m.m., 2 §
NOTICE_WEEKS = 3  # ellagen 11 kap.: three weeks from receiving the notice
_ORE = Decimal("0.01")
_PERIOD_DASHES = ("–", "/")  # en dash as in the settings; "/" as in an ISO 8601 interval


class InvalidDunningTerms(Invalid):
    code = "invalid_dunning_terms"


@dataclass(frozen=True, slots=True)
class DunningTerms:
    reminder_fee: Decimal = FEE_CAP
    reference_rate: Decimal = Decimal("2.00")  # percent, Riksbanken's referensränta
    reference_period: str = "2026-01-01–2026-06-30"
    margin: Decimal = Decimal("8")  # percentage points over the reference rate
    reminder_after_days: int = 1
    reminder_days: int = 10
    post_days: int = 5
    committees: Path | None = None  # the socialnämnder CSV; None: the demo's file

    def __post_init__(self) -> None:
        if not Decimal("0") <= self.reminder_fee <= FEE_CAP:
            raise InvalidDunningTerms(f"The reminder fee must be between 0 and {FEE_CAP} kr.")
        if self.reminder_after_days < 1 or self.reminder_days < 1 or self.post_days < 0:
            raise InvalidDunningTerms("The dunning day counts must be positive.")
        parse_period(self.reference_period)  # a malformed period is refused here, not in a run

    @property
    def annual_rate(self) -> Decimal:
        return self.reference_rate + self.margin

    @property
    def reference_dates(self) -> tuple[date, date]:
        """The first and last day the reference rate is for."""
        return parse_period(self.reference_period)

    def period_warning(self, on: date) -> str | None:
        """Why the rate may be out of date on ``on``, or None when ``on`` is in its period."""
        first, last = self.reference_dates
        if first <= on <= last:
            return None
        return (
            f"The reference rate {self.reference_rate} % is for {first}–{last}, not {on}: "
            "set ELKUND_DUNNING_REFERENCE_RATE and ELKUND_DUNNING_REFERENCE_RATE_PERIOD to "
            "Riksbanken's rate for this half-year."
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> DunningTerms:
        return cls(
            reminder_fee=settings.dunning_reminder_fee,
            reference_rate=settings.dunning_reference_rate,
            reference_period=settings.dunning_reference_rate_period,
            margin=settings.dunning_interest_margin,
            reminder_after_days=settings.dunning_reminder_after_days,
            reminder_days=settings.dunning_reminder_days,
            post_days=settings.dunning_post_days,
            committees=settings.dunning_social_committees,
        )


def parse_period(text: str) -> tuple[date, date]:
    """``2026-01-01–2026-06-30`` → its first and last day (both included)."""
    for dash in _PERIOD_DASHES:
        first, found, last = text.strip().partition(dash)
        if found:
            try:
                start, end = date.fromisoformat(first.strip()), date.fromisoformat(last.strip())
            except ValueError:
                break
            if end < start:
                break
            return start, end
    raise InvalidDunningTerms(
        f"The reference rate period must be YYYY-MM-DD–YYYY-MM-DD, first day first, not {text!r}."
    )


def interest(owed: Decimal, *, due: date, on: date, annual_rate: Decimal) -> Decimal:
    """Dröjsmålsränta on ``owed`` for each day after ``due`` up to and including ``on``."""
    days = max((on - due).days, 0)
    return (owed * annual_rate / 100 * days / 365).quantize(_ORE, rounding=ROUND_HALF_UP)


def notice_deadline(received_on: date) -> date:
    """The last day of the three weeks the consumer has to pay (ellagen 11 kap.)."""
    return received_on + timedelta(weeks=NOTICE_WEEKS)


def disconnection_from(received_on: date) -> date:
    """The earliest day disconnection may be requested: the day after the three weeks."""
    return notice_deadline(received_on) + timedelta(days=1)
