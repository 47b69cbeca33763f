"""Billing periods: local calendar arithmetic and the SUP-7 invoicing interval. Pure, no I/O.

A period is a half-open range of local (Europe/Stockholm) dates ``[start, end)``; the invoice
prints ``start`` and ``end - 1 day``.
"""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from elkund.core.errors import Invalid
from elkund.core.localtime import local_midnight
from elkund.supply.errors import InvalidBillingInterval

MONTH_NAMES = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


class InvalidBillingPeriod(Invalid):
    code = "invalid_billing_period"


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC instants of the local dates ``[start, end)``: DST days are 23 or 25 hours long."""
    _check_order(start, end)
    return local_midnight(start), local_midnight(end)


def days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def month_name(month: date) -> str:
    """Swedish, as printed: "mars 2025"."""
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, days_in_month(year, month + 1)))


def interval_months(start: date, end: date) -> int:
    """How many months ``[start, end)`` spans, rounded up: 15 Jan–15 Apr is 3, 15 Jan–16 Apr 4."""
    _check_order(start, end)
    months = 0
    while add_months(start, months) < end:
        months += 1
    return months


def check_interval(months: int, *, remote_read: bool) -> None:
    """SUP-7: remote-read meters are invoiced at least quarterly, others at least yearly.

    A billing interval of at most 3 (12) months, invoiced at its end, keeps every quarter (year)
    with an invoice; the billing run checks each interval before it rates it.
    """
    limit = 3 if remote_read else 12
    if not 1 <= months <= limit:
        meter = "a remote-read meter" if remote_read else "a meter that is not remote-read"
        raise InvalidBillingInterval(
            f"A billing interval of {months} months is not allowed for {meter}: "
            f"1 to {limit} months (SFS 2023:242 7 §)."
        )


def billing_months(start: date, end: date) -> list[date]:
    """The first day of every calendar month that ``[start, end)`` touches."""
    _check_order(start, end)
    months, month = [], start.replace(day=1)
    while month < end:
        months.append(month)
        month = add_months(month, 1)
    return months


def month_shares(start: date, end: date) -> dict[date, Fraction]:
    """Each touched month's share of a whole month: covered local days ÷ days in the month."""
    shares = {}
    for month in billing_months(start, end):
        following = add_months(month, 1)
        days = (min(end, following) - max(start, month)).days
        shares[month] = Fraction(days, (following - month).days)
    return shares


def _check_order(start: date, end: date) -> None:
    if end <= start:
        raise InvalidBillingPeriod(f"A billing period ends after it starts: {start} to {end}.")
