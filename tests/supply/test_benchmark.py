"""SUP-10 (3): the normalised user of the customer's category over any billing period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from elkund.core.errors import AppError
from elkund.supply.benchmark import PROFILES, BenchmarkCategory, benchmark_kwh
from elkund.supply.invoice_parts import benchmark

YEARLY = {
    BenchmarkCategory.APARTMENT: Decimal("2000.000"),
    BenchmarkCategory.HOUSE: Decimal("5000.000"),
    BenchmarkCategory.HOUSE_ELECTRIC_HEATING: Decimal("20000.000"),
}


@pytest.mark.parametrize("category", list(BenchmarkCategory))
def test_profile_has_twelve_shares_summing_to_exactly_one(category: BenchmarkCategory) -> None:
    profile = PROFILES[category]
    assert len(profile) == 12
    assert sum(profile) == Decimal(1)


@pytest.mark.parametrize("category", list(BenchmarkCategory))
@pytest.mark.parametrize("year", [2025, 2024])  # 2024 is a leap year
def test_a_calendar_year_gives_the_type_customers_yearly_consumption(
    category: BenchmarkCategory, year: int
) -> None:
    assert benchmark_kwh(category, date(year, 1, 1), date(year + 1, 1, 1)) == YEARLY[category]


@pytest.mark.parametrize("category", list(BenchmarkCategory))
def test_any_twelve_months_across_a_leap_february_give_the_yearly_total(
    category: BenchmarkCategory,
) -> None:
    """17/31 of March 2024 + 14/31 of March 2025 make one March."""
    assert benchmark_kwh(category, date(2024, 3, 15), date(2025, 3, 15)) == YEARLY[category]


def test_days_within_a_month_count_pro_rata_in_a_leap_february() -> None:
    # 2 000 kWh × 0.093 (February) × 14 / 29 = 89.7931… kWh
    kwh = benchmark_kwh(BenchmarkCategory.APARTMENT, date(2024, 2, 1), date(2024, 2, 15))
    assert kwh == Decimal("89.793")


def test_one_month_is_the_months_share_of_the_year() -> None:
    march = benchmark_kwh(BenchmarkCategory.HOUSE, date(2025, 3, 1), date(2025, 4, 1))
    assert march == Decimal("450.000")  # 5 000 × 0.090


def test_winter_weighs_more_and_most_for_electric_heating() -> None:
    def winter_to_summer(category: BenchmarkCategory) -> Decimal:
        profile = PROFILES[category]
        return profile[0] / profile[6]  # January ÷ July

    assert winter_to_summer(BenchmarkCategory.HOUSE) > 1
    assert winter_to_summer(BenchmarkCategory.HOUSE_ELECTRIC_HEATING) > 3
    assert winter_to_summer(BenchmarkCategory.HOUSE_ELECTRIC_HEATING) > winter_to_summer(
        BenchmarkCategory.APARTMENT
    )


def test_labels_are_swedish_and_name_the_yearly_consumption() -> None:
    assert BenchmarkCategory.HOUSE_ELECTRIC_HEATING.label == "Villa med elvärme, 20 000 kWh/år"
    assert BenchmarkCategory.APARTMENT.yearly_kwh == 2000


def test_an_empty_or_reversed_period_is_refused() -> None:
    with pytest.raises(AppError) as caught:
        benchmark_kwh(BenchmarkCategory.HOUSE, date(2025, 3, 1), date(2025, 3, 1))
    assert caught.value.code == "invalid_billing_period"


def test_the_nearest_category_is_the_nearest_on_a_log_scale() -> None:
    """SUP-10 (3): ``ratio_distance`` picks the category whose |ln(use / normal)| is least."""
    start, end = date(2025, 11, 1), date(2025, 12, 1)
    normals = {c: benchmark_kwh(c, start, end) for c in BenchmarkCategory}
    uses = [Decimal(n) / 4 for n in range(1, 12_000, 7)] + list(normals.values())
    for kwh in uses:
        by_log = min(normals, key=lambda c: abs((kwh / normals[c]).ln()))
        assert benchmark(kwh, start, end).category == by_log.label
    # halfway on a log scale between two normals is their geometric mean: both sides differ
    low, high = sorted(normals.values())[:2]
    middle = (low * high).sqrt()
    assert benchmark(middle * Decimal("0.999"), start, end).kwh == low
    assert benchmark(middle * Decimal("1.001"), start, end).kwh == high
