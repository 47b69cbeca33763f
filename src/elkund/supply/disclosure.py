"""A supplier's energy-source disclosure for one year (SFS 2023:242 §§ 16–18; SUP-16, SUP-17).

The mix is what the supplier sold that year: kWh covered by cancelled guarantees of origin, net of
guarantees transferred to another holder (§ 17), at their source; kWh bought on an exchange at the
exchange's aggregated mix (§ 17, second paragraph); and every remaining kWh at Ei's Nordic residual
mix of the same year (``data/residual_mix.csv``). Ei's worked example: 30 000 kWh residual mix at
371,99 g CO2/kWh plus 10 000 kWh with guarantees at 0 g gives 278,99 g CO2/kWh.

Rounding (Decimal throughout, never float): g CO2/kWh to 2 and mg radioactive waste/kWh to 3
decimals, half up; each source's share in percent (2 decimals) and kWh (3 decimals) by the
largest-remainder method, so that the shares printed always sum to exactly 100,00 and the kWh to
the kWh sold.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache
from importlib.resources import files

from elkund.core.errors import Invalid, NotFound
from elkund.supply.disclosure_models import EnergySource

KWH = Decimal("0.001")
GRAMS = Decimal("0.01")
MILLIGRAMS = Decimal("0.001")
HUNDREDTHS = Decimal("0.01")
_WHOLE = 10_000  # 100,00 % in hundredths of a percent
_SHARE_TOLERANCE = Decimal("0.02")  # Ei's rounded shares may sum to 100,01
RESIDUAL_MIX_SOURCE = "Energimarknadsinspektionen (Ei), nordisk residualmix"


class NoResidualMix(NotFound):
    code = "no_residual_mix"


class TransferredExceedsCancelled(Invalid):
    code = "transferred_exceeds_cancelled"


class GuaranteesExceedSold(Invalid):
    code = "guarantees_exceed_sold"


class NothingSold(Invalid):
    code = "nothing_sold"


@dataclass(frozen=True, slots=True)
class Mix:
    """The make-up of electricity whose origin is not guaranteed, and its impact per kWh."""

    renewable_pct: Decimal
    nuclear_pct: Decimal
    fossil_pct: Decimal
    co2_g_per_kwh: Decimal
    waste_mg_per_kwh: Decimal

    def shares(self) -> dict[EnergySource, Decimal]:
        return {
            EnergySource.RENEWABLE: self.renewable_pct,
            EnergySource.NUCLEAR: self.nuclear_pct,
            EnergySource.FOSSIL: self.fossil_pct,
        }

    def split(self, kwh: Decimal) -> dict[EnergySource, Decimal]:
        """``kwh`` divided in proportion to the shares (which, rounded, need not sum to 100)."""
        total = sum(self.shares().values(), Decimal(0))
        return {source: kwh * pct / total for source, pct in self.shares().items()}


@dataclass(frozen=True, slots=True)
class ResidualMix:
    year: int
    mix: Mix
    source_url: str

    @property
    def source(self) -> str:
        return f"{RESIDUAL_MIX_SOURCE} {self.year}"


@dataclass(frozen=True, slots=True)
class Guarantee:
    """Guarantees of origin for ``kwh``: cancelled for the supplier's sales, or transferred away."""

    source: EnergySource
    kwh: Decimal
    transferred: bool = False


@dataclass(frozen=True, slots=True)
class ExchangeVolume:
    """kWh bought on an exchange, disclosed with the exchange's aggregated mix."""

    kwh: Decimal
    mix: Mix
    source: str


@dataclass(frozen=True, slots=True)
class SourceShare:
    source: EnergySource
    kwh: Decimal  # rounded to 3 decimals
    share_pct: Decimal  # 2 decimals; all shares of a disclosure sum to 100.00
    guaranteed_kwh: Decimal  # of ``kwh``, what cancelled guarantees of origin cover


@dataclass(frozen=True, slots=True)
class Disclosure:
    year: int
    sold_kwh: Decimal
    sources: tuple[SourceShare, ...]  # in EnergySource order, only sources with kWh
    co2_g_per_kwh: Decimal
    waste_mg_per_kwh: Decimal
    cancelled_kwh: Decimal
    transferred_kwh: Decimal
    exchange_kwh: Decimal
    residual_kwh: Decimal
    residual_mix: ResidualMix

    @property
    def renewable_pct(self) -> Decimal:
        return sum((s.share_pct for s in self.sources if s.source.renewable), Decimal("0.00"))

    def as_dict(self) -> dict[str, object]:
        """The figures another supplier may ask for (SUP-18), decimals as exact strings."""
        mix = self.residual_mix.mix
        return {
            "year": self.year,
            "sold_kwh": str(self.sold_kwh.quantize(KWH)),
            "sources": [_source_dict(s) for s in self.sources],
            "renewable_pct": str(self.renewable_pct),
            "co2_g_per_kwh": str(self.co2_g_per_kwh),
            "radioactive_waste_mg_per_kwh": str(self.waste_mg_per_kwh),
            "guarantees_of_origin": {
                "cancelled_kwh": str(self.cancelled_kwh.quantize(KWH)),
                "transferred_kwh": str(self.transferred_kwh.quantize(KWH)),
                "net_kwh": str((self.cancelled_kwh - self.transferred_kwh).quantize(KWH)),
            },
            "exchange_kwh": str(self.exchange_kwh.quantize(KWH)),
            "residual_mix": {
                "year": self.residual_mix.year,
                "kwh": str(self.residual_kwh.quantize(KWH)),
                "renewable_pct": str(mix.renewable_pct),
                "nuclear_pct": str(mix.nuclear_pct),
                "fossil_pct": str(mix.fossil_pct),
                "co2_g_per_kwh": str(mix.co2_g_per_kwh),
                "radioactive_waste_mg_per_kwh": str(mix.waste_mg_per_kwh),
                "source": self.residual_mix.source,
                "url": self.residual_mix.source_url,
            },
        }


def _source_dict(share: SourceShare) -> dict[str, object]:
    return {
        "source": share.source.value,
        "label": share.source.label,
        "kwh": str(share.kwh),
        "share_pct": str(share.share_pct),
        "guaranteed_kwh": str(share.guaranteed_kwh),
    }


def compute_disclosure(
    *,
    year: int,
    sold_kwh: Decimal,
    guarantees: Iterable[Guarantee],
    residual_mix: ResidualMix,
    exchange: Iterable[ExchangeVolume] = (),
) -> Disclosure:
    """The supplier's mix for ``year``: guarantees net of transfers, exchange volumes, residual."""
    if sold_kwh <= 0:
        raise NothingSold(f"No electricity sold in {year}: there is no mix to disclose.")
    guarantee_list = list(guarantees)
    guaranteed = net_guarantees(guarantee_list)
    exchange_list = list(exchange)
    exchange_kwh = sum((volume.kwh for volume in exchange_list), Decimal(0))
    residual_kwh = sold_kwh - sum(guaranteed.values(), Decimal(0)) - exchange_kwh
    if residual_kwh < 0:
        raise GuaranteesExceedSold(
            f"Guarantees of origin and exchange purchases for {year} cover"
            f" {sold_kwh - residual_kwh} kWh, more than the {sold_kwh} kWh sold."
        )
    kwh = _add(dict(guaranteed), residual_mix.mix.split(residual_kwh))
    for volume in exchange_list:
        kwh = _add(kwh, volume.mix.split(volume.kwh))
    grams = residual_kwh * residual_mix.mix.co2_g_per_kwh + sum(
        (v.kwh * v.mix.co2_g_per_kwh for v in exchange_list), Decimal(0)
    )
    milligrams = residual_kwh * residual_mix.mix.waste_mg_per_kwh + sum(
        (v.kwh * v.mix.waste_mg_per_kwh for v in exchange_list), Decimal(0)
    )
    return Disclosure(
        year=year,
        sold_kwh=sold_kwh,
        sources=_shares(kwh, guaranteed, sold_kwh),
        co2_g_per_kwh=(grams / sold_kwh).quantize(GRAMS, ROUND_HALF_UP),
        waste_mg_per_kwh=(milligrams / sold_kwh).quantize(MILLIGRAMS, ROUND_HALF_UP),
        cancelled_kwh=_total(g for g in guarantee_list if not g.transferred),
        transferred_kwh=_total(g for g in guarantee_list if g.transferred),
        exchange_kwh=exchange_kwh,
        residual_kwh=residual_kwh,
        residual_mix=residual_mix,
    )


def net_guarantees(guarantees: Iterable[Guarantee]) -> dict[EnergySource, Decimal]:
    """Cancelled minus transferred kWh per source (SUP-17); a source cannot go below zero."""
    net: dict[EnergySource, Decimal] = {}
    for guarantee in guarantees:
        signed = -guarantee.kwh if guarantee.transferred else guarantee.kwh
        net[guarantee.source] = net.get(guarantee.source, Decimal(0)) + signed
    for source, kwh in net.items():
        if kwh < 0:
            raise TransferredExceedsCancelled(
                f"{source.label}: {-kwh} kWh more guarantees of origin transferred than cancelled."
            )
    return {source: kwh for source, kwh in net.items() if kwh > 0}


def _total(guarantees: Iterable[Guarantee]) -> Decimal:
    return sum((g.kwh for g in guarantees), Decimal(0))


def _add(
    into: dict[EnergySource, Decimal], more: Mapping[EnergySource, Decimal]
) -> dict[EnergySource, Decimal]:
    for source, kwh in more.items():
        into[source] = into.get(source, Decimal(0)) + kwh
    return into


def _shares(
    kwh: Mapping[EnergySource, Decimal],
    guaranteed: Mapping[EnergySource, Decimal],
    sold_kwh: Decimal,
) -> tuple[SourceShare, ...]:
    present = [source for source in EnergySource if kwh.get(source, Decimal(0)) > 0]
    parts = [kwh[source] for source in present]
    hundredths = largest_remainder(parts, _WHOLE)
    # kWh are apportioned too, so that the rounded kWh of the sources sum to the kWh sold.
    thousandths = largest_remainder(parts, int((sold_kwh / KWH).to_integral_value(ROUND_HALF_UP)))
    return tuple(
        SourceShare(
            source=source,
            kwh=Decimal(wh) * KWH,
            share_pct=Decimal(units) * HUNDREDTHS,
            guaranteed_kwh=guaranteed.get(source, Decimal(0)).quantize(KWH, ROUND_HALF_UP),
        )
        for source, units, wh in zip(present, hundredths, thousandths, strict=True)
    )


def largest_remainder(parts: list[Decimal], total: int) -> list[int]:
    """``total`` units divided in proportion to ``parts``, in whole units summing to ``total``.

    Every part's exact quota is first rounded down; the units still missing go, one each, to the
    parts that lost the most by rounding down (ties: the earlier part).
    """
    whole = sum(parts, Decimal(0))
    exact = [part * total / whole for part in parts]
    floors = [int(value.to_integral_value(ROUND_DOWN)) for value in exact]
    missing = total - sum(floors)
    by_loss = sorted(range(len(parts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for index in by_loss[:missing]:
        floors[index] += 1
    return floors


@cache
def residual_mixes() -> dict[int, ResidualMix]:
    """Ei's Nordic residual mix per year, from ``data/residual_mix.csv``."""
    text = files("elkund.supply").joinpath("data/residual_mix.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    mixes = (_residual_mix(row) for row in rows)
    return {mix.year: mix for mix in mixes}


def _residual_mix(row: dict[str, str]) -> ResidualMix:
    mix = Mix(
        renewable_pct=Decimal(row["renewable_pct"]),
        nuclear_pct=Decimal(row["nuclear_pct"]),
        fossil_pct=Decimal(row["fossil_pct"]),
        co2_g_per_kwh=Decimal(row["co2_g_per_kwh"]),
        waste_mg_per_kwh=Decimal(row["waste_mg_per_kwh"]),
    )
    check_mix(mix)
    return ResidualMix(year=int(row["year"]), mix=mix, source_url=row["source_url"])


def check_mix(mix: Mix) -> None:
    """Refuse a mix whose shares cannot be a published, rounded mix."""
    shares = mix.shares().values()
    if any(pct < 0 for pct in shares) or abs(sum(shares, Decimal(0)) - 100) > _SHARE_TOLERANCE:
        raise Invalid("A mix's shares must be non-negative and sum to 100 %.", code="invalid_mix")
    if mix.co2_g_per_kwh < 0 or mix.waste_mg_per_kwh < 0:
        raise Invalid("A mix's impact per kWh cannot be negative.", code="invalid_mix")


def residual_mix(year: int) -> ResidualMix:
    """Ei's residual mix of ``year``, or a refusal naming the years there are."""
    mixes = residual_mixes()
    if year not in mixes:
        known = ", ".join(str(y) for y in sorted(mixes))
        raise NoResidualMix(
            f"No residual mix for {year}: elkund ships Ei's residual mix for {known}."
            " Add Ei's figures to src/elkund/supply/data/residual_mix.csv."
        )
    return mixes[year]
