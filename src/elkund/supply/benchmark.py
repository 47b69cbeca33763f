"""SUP-10 (3): the normalised user of the customer's category, for comparison on the invoice.

The categories are the Swedish type customers (typkunder) that SCB and Energimarknadsinspektionen
use for electricity price statistics; their yearly consumption is fixed by definition:

| category                      | kWh per year |
|-------------------------------|--------------|
| apartment (lägenhet)          |  2 000       |
| house (villa utan elvärme)    |  5 000       |
| house with electric heating   | 20 000       |

A period's benchmark is the year's consumption spread by a monthly profile, and within a month
pro rata by local days (14 of 29 days of February 2024 get 14/29 of February's share). The
profiles are elkund's own, stylised from Swedish heating-degree days: household electricity
(lighting, cooking) peaks mildly in winter; direct electric heating dominates the winter months.
Each is 12 shares summing to exactly 1, so any whole year, leap or not, gives the yearly total.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from elkund.supply.billing_period import month_shares


class BenchmarkCategory(StrEnum):
    APARTMENT = "apartment"
    HOUSE = "house"
    HOUSE_ELECTRIC_HEATING = "house_electric_heating"

    @property
    def label(self) -> str:
        """Swedish, as printed on the invoice."""
        return _LABELS[self]

    @property
    def yearly_kwh(self) -> int:
        return _YEARLY_KWH[self]


_LABELS = {
    BenchmarkCategory.APARTMENT: "Lägenhet, 2 000 kWh/år",
    BenchmarkCategory.HOUSE: "Villa utan elvärme, 5 000 kWh/år",
    BenchmarkCategory.HOUSE_ELECTRIC_HEATING: "Villa med elvärme, 20 000 kWh/år",
}
_YEARLY_KWH = {
    BenchmarkCategory.APARTMENT: 2000,
    BenchmarkCategory.HOUSE: 5000,
    BenchmarkCategory.HOUSE_ELECTRIC_HEATING: 20000,
}

_HOUSEHOLD = tuple(
    Decimal(share)
    for share in (
        "0.107", "0.093", "0.090", "0.078", "0.072", "0.064",
        "0.062", "0.066", "0.074", "0.087", "0.095", "0.112",
    )
)  # fmt: skip
_ELECTRIC_HEATING = tuple(
    Decimal(share)
    for share in (
        "0.150", "0.132", "0.115", "0.080", "0.050", "0.030",
        "0.025", "0.028", "0.045", "0.080", "0.115", "0.150",
    )
)  # fmt: skip

PROFILES = MappingProxyType(
    {
        BenchmarkCategory.APARTMENT: _HOUSEHOLD,
        BenchmarkCategory.HOUSE: _HOUSEHOLD,
        BenchmarkCategory.HOUSE_ELECTRIC_HEATING: _ELECTRIC_HEATING,
    }
)  # January first; each sums to exactly 1


def benchmark_kwh(category: BenchmarkCategory, start: date, end: date) -> Decimal:
    """The normalised user's kWh over the local dates ``[start, end)``, to 3 decimals."""
    profile = PROFILES[category]
    exact = sum(
        (
            Fraction(profile[month.month - 1]) * share
            for month, share in month_shares(start, end).items()
        ),
        Fraction(0),
    )
    kwh = exact * category.yearly_kwh
    return (Decimal(kwh.numerator) / Decimal(kwh.denominator)).quantize(
        Decimal("0.001"), ROUND_HALF_UP
    )
