"""The energy-source disclosure as pure arithmetic (SUP-16, SUP-17): no database."""

from __future__ import annotations

import random
from collections.abc import Iterable
from decimal import Decimal

import pytest

from elkund.supply.disclosure import (
    ExchangeVolume,
    Guarantee,
    GuaranteesExceedSold,
    Mix,
    NoResidualMix,
    NothingSold,
    ResidualMix,
    SourceShare,
    TransferredExceedsCancelled,
    compute_disclosure,
    largest_remainder,
    residual_mix,
    residual_mixes,
)
from elkund.supply.disclosure_models import EnergySource as Source

D = Decimal


def mix_2021() -> ResidualMix:
    return residual_mix(2021)


def shares(sources: Iterable[SourceShare]) -> dict[Source, Decimal]:
    return {s.source: s.share_pct for s in sources}


def test_ei_worked_example_gives_278_99_g_co2_per_kwh() -> None:
    """SUP-16, Ei's example: 30 000 kWh residual mix 2021 (371,99 g/kWh) + 6 000 kWh hydro and
    4 000 kWh wind with guarantees of origin (0 g/kWh) → 278,99 g CO2/kWh."""
    result = compute_disclosure(
        year=2021,
        sold_kwh=D(40_000),
        guarantees=[Guarantee(Source.HYDRO, D(6_000)), Guarantee(Source.WIND, D(4_000))],
        residual_mix=mix_2021(),
    )
    assert result.co2_g_per_kwh == D("278.99")
    # (1,126 mg × 30 000) / 40 000 = 0,8445 → 0,845 (3 decimals, half up)
    assert result.waste_mg_per_kwh == D("0.845")
    assert result.residual_kwh == D(30_000)
    assert [(s.source, s.kwh, s.share_pct) for s in result.sources] == [
        (Source.HYDRO, D("6000.000"), D("15.00")),
        (Source.WIND, D("4000.000"), D("10.00")),
        (Source.RENEWABLE, D("3849.000"), D("9.62")),  # 30 000 × 12,83 %
        (Source.NUCLEAR, D("9618.000"), D("24.05")),  # 30 000 × 32,06 %
        (Source.FOSSIL, D("16533.000"), D("41.33")),  # 30 000 × 55,11 %
    ]
    assert result.renewable_pct == D("34.62")


def test_the_shipped_residual_mixes_are_eis_published_figures() -> None:
    """The data file holds Ei's figures, waste converted from g/kWh to mg/kWh."""
    mix_2023 = residual_mix(2023).mix
    assert (mix_2023.renewable_pct, mix_2023.nuclear_pct, mix_2023.fossil_pct) == (
        D("6.51"),
        D("14.68"),
        D("78.82"),
    )
    assert (mix_2023.co2_g_per_kwh, mix_2023.waste_mg_per_kwh) == (D("524.10"), D("0.46"))
    assert mix_2021().mix.co2_g_per_kwh == D("371.99")
    assert mix_2021().mix.waste_mg_per_kwh == D("1.126")
    assert sorted(residual_mixes()) == [2021, 2022, 2023]
    assert all(m.source_url.startswith("https://") for m in residual_mixes().values())


@pytest.mark.parametrize("year", [2019, 2024, 1999])
def test_a_year_without_a_residual_mix_is_refused(year: int) -> None:
    with pytest.raises(NoResidualMix, match=f"No residual mix for {year}.*2021, 2022, 2023"):
        residual_mix(year)


def test_residual_only_supplier_discloses_the_residual_mix() -> None:
    """SUP-17: with no guarantees every kWh is residual mix; the impact is the mix's own."""
    result = compute_disclosure(
        year=2021, sold_kwh=D(12_345), guarantees=[], residual_mix=mix_2021()
    )
    assert shares(result.sources) == {
        Source.RENEWABLE: D("12.83"),
        Source.NUCLEAR: D("32.06"),
        Source.FOSSIL: D("55.11"),
    }
    assert (result.co2_g_per_kwh, result.waste_mg_per_kwh) == (D("371.99"), D("1.126"))
    assert all(s.guaranteed_kwh == 0 for s in result.sources)


def test_residual_mix_whose_published_shares_sum_to_100_01_still_gives_100_00() -> None:
    """Ei's 2023 shares sum to 100,01; the supplier's printed shares sum to exactly 100,00."""
    result = compute_disclosure(
        year=2023, sold_kwh=D(1_000), guarantees=[], residual_mix=residual_mix(2023)
    )
    assert sum(s.share_pct for s in result.sources) == D("100.00")
    assert sum(s.kwh for s in result.sources) == D("1000.000")
    assert result.co2_g_per_kwh == D("524.10")


def test_transferred_guarantees_are_deducted() -> None:
    """SUP-17: guarantees transferred to another holder no longer count; the residual mix
    covers those kWh instead, and the CO2 figure rises accordingly."""
    result = compute_disclosure(
        year=2021,
        sold_kwh=D(40_000),
        guarantees=[
            Guarantee(Source.WIND, D(10_000)),
            Guarantee(Source.WIND, D(4_000), transferred=True),
        ],
        residual_mix=mix_2021(),
    )
    wind = result.sources[0]
    assert (wind.source, wind.kwh, wind.guaranteed_kwh, wind.share_pct) == (
        Source.WIND,
        D("6000.000"),
        D("6000.000"),
        D("15.00"),
    )
    assert result.residual_kwh == D(34_000)
    assert (result.cancelled_kwh, result.transferred_kwh) == (D(10_000), D(4_000))
    assert result.co2_g_per_kwh == D("316.19")  # 371,99 × 34 000 / 40 000 = 316,1915


def test_transferring_every_guarantee_leaves_a_residual_only_mix() -> None:
    result = compute_disclosure(
        year=2021,
        sold_kwh=D(100),
        guarantees=[Guarantee(Source.HYDRO, D(50)), Guarantee(Source.HYDRO, D(50), True)],
        residual_mix=mix_2021(),
    )
    assert Source.HYDRO not in shares(result.sources)
    assert result.co2_g_per_kwh == D("371.99")


def test_transferring_more_than_was_cancelled_is_refused() -> None:
    """SUP-17: one cannot deduct guarantees one never had, per source."""
    guarantees = [
        Guarantee(Source.WIND, D(1_000)),
        Guarantee(Source.HYDRO, D(5_000)),
        Guarantee(Source.WIND, D(1_500), transferred=True),
    ]
    with pytest.raises(TransferredExceedsCancelled, match=r"Vindkraft: 500 kWh"):
        compute_disclosure(
            year=2021, sold_kwh=D(10_000), guarantees=guarantees, residual_mix=mix_2021()
        )


def test_guarantees_beyond_the_sold_volume_are_refused() -> None:
    with pytest.raises(GuaranteesExceedSold, match="more than the 1000 kWh sold"):
        compute_disclosure(
            year=2021,
            sold_kwh=D(1_000),
            guarantees=[Guarantee(Source.SOLAR, D("1000.001"))],
            residual_mix=mix_2021(),
        )


def test_nothing_sold_has_no_mix() -> None:
    with pytest.raises(NothingSold):
        compute_disclosure(year=2021, sold_kwh=D(0), guarantees=[], residual_mix=mix_2021())


def test_fully_guaranteed_supplier_has_zero_impact_and_one_source() -> None:
    result = compute_disclosure(
        year=2021,
        sold_kwh=D(5_000),
        guarantees=[Guarantee(Source.WIND, D(5_000))],
        residual_mix=mix_2021(),
    )
    assert shares(result.sources) == {Source.WIND: D("100.00")}
    assert (result.co2_g_per_kwh, result.waste_mg_per_kwh) == (D("0.00"), D("0.000"))
    assert result.residual_kwh == 0


def test_exchange_purchases_use_the_exchange_aggregated_mix() -> None:
    """SUP-17, second paragraph: exchange-bought kWh carry the exchange's figures, not the
    residual mix's."""
    exchange = ExchangeVolume(
        kwh=D(10_000),
        mix=Mix(D(50), D(30), D(20), D("100.00"), D("0.500")),
        source="Elbörsen, aggregerade uppgifter",
    )
    result = compute_disclosure(
        year=2021,
        sold_kwh=D(20_000),
        guarantees=[],
        residual_mix=mix_2021(),
        exchange=[exchange],
    )
    assert result.residual_kwh == D(10_000)
    assert result.exchange_kwh == D(10_000)
    # (10 000 × 371,99 + 10 000 × 100) / 20 000 = 235,995 → 236,00 (half up)
    assert result.co2_g_per_kwh == D("236.00")
    assert result.waste_mg_per_kwh == D("0.813")  # (11 260 + 5 000) / 20 000 = 0,813
    # renewable: 1 283 + 5 000 = 6 283 kWh of 20 000 = 31,415 %
    assert shares(result.sources)[Source.RENEWABLE] == D("31.42")


def test_shares_always_sum_to_exactly_100() -> None:
    """Rounding: whatever the volumes, the printed shares sum to 100,00 (largest remainder)."""
    rng = random.Random(16)
    sources = [Source.HYDRO, Source.WIND, Source.SOLAR, Source.BIO]
    for _ in range(300):
        sold = D(rng.randrange(1, 10_000_000)) / 1000
        guarantees = []
        left = sold
        for source in rng.sample(sources, rng.randrange(0, 5)):
            kwh = (left * D(rng.random()) / 2).quantize(D("0.001"))
            if kwh > 0:
                guarantees.append(Guarantee(source, kwh))
                left -= kwh
        mix = residual_mix(rng.choice([2021, 2022, 2023]))
        result = compute_disclosure(
            year=mix.year, sold_kwh=sold, guarantees=guarantees, residual_mix=mix
        )
        assert sum(s.share_pct for s in result.sources) == D("100.00")
        assert all(s.share_pct == s.share_pct.quantize(D("0.01")) for s in result.sources)
        assert sum(s.kwh for s in result.sources) == sold


def test_largest_remainder_gives_the_missing_hundredths_to_the_largest_losses() -> None:
    # thirds: 33,333… each; one hundredth is missing and goes to the first (a tie)
    assert largest_remainder([D(1), D(1), D(1)], 10_000) == [3334, 3333, 3333]
    # 2/3 and 1/3: 66,666… loses more than 33,333… does
    assert largest_remainder([D(2), D(1)], 10_000) == [6667, 3333]
    assert largest_remainder([D(7)], 10_000) == [10_000]
    assert largest_remainder([D("0.1"), D("0.2"), D("0.7")], 3) == [0, 1, 2]
