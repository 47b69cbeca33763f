"""Rating: a billing period's meter values and spot prices become invoice lines. Pure, no I/O.

The billing run reads meter values and day-ahead prices, calls ``rate`` and puts the lines into an
``InvoiceDocument`` (SUP-9 (2): billing period, prices in force, fees and the kWh it rests on).

Conventions and the choices made here:

- A period is a half-open range of local (Europe/Stockholm) dates ``[start, end)`` (calendar
  helpers and the SUP-7 interval check are in ``billing_period``); it is turned into UTC once
  and every interval is matched in UTC, so the 23- and 25-hour DST days need no special case.
- Meter values are hourly (PT1H) or quarter-hourly (PT15M); prices are PT15M or PT60M (PT1H is
  accepted as a synonym) and may switch resolution inside a period. An hourly value under
  quarter prices is rated at the arithmetic mean of the hour's four quarter prices; a quarter
  value under an hourly price gets that hour's price.
- A value with consumption and no price is refused (``missing_spot_price``), never rated at zero.
  Values must cover the whole period without gaps or ``missing`` quality: an invoice must not
  silently leave energy out; estimate first.
- Dynamic contract: one energy line, Σ kWh × price of each interval.
- Variable contract: one energy line per calendar month at the month's spot average weighted by
  the customer's own consumption in each interval (Σ kWh·price ÷ Σ kWh). Weighting by the
  customer's own load makes the amount equal to what the customer actually consumed at the
  market's prices, and needs no load profile of the bidding zone that elkund does not hold.
  A month (dynamic: a period) without consumption gets no energy line: its average is undefined
  and its amount zero.
- Default contract (anvisat avtal): priced like the variable contract; its own påslag comes from
  its ``PriceTerms``.
- Påslag and elcertifikat: kWh × öre/kWh. Monthly fee: one per calendar month, a partial first or
  last month pro rata by local days (e.g. 17 of 31 days in March = 17/31 of the fee).
- Every line amount is computed exactly and rounded once, to the öre, half away from zero. Unit
  prices are kronor per unit (``InvoiceLine.unit_price``) and exact, except the averages of the
  dynamic and variable lines, kept to 6 decimals of a krona (0.0001 öre).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import Protocol

from elkund.core.errors import Invalid
from elkund.core.localtime import STOCKHOLM, local_date
from elkund.supply.billing_period import (
    days_in_month,
    month_name,
    month_shares,
    period_bounds,
)
from elkund.supply.document import InvoiceLine, LineKind

ZERO = Decimal("0")
_ORE = Decimal("0.01")
_KWH = Decimal("0.001")
_AVERAGE = Decimal("0.000001")  # kr/kWh for averaged unit prices
_QUARTER = timedelta(minutes=15)


class MissingSpotPrice(Invalid):
    code = "missing_spot_price"


class IncompleteMeterValues(Invalid):
    code = "incomplete_meter_values"


class InvalidMeterValue(Invalid):
    code = "invalid_meter_value"


class InvalidSpotPrice(Invalid):
    code = "invalid_spot_price"


class InvalidPriceTerms(Invalid):
    code = "invalid_price_terms"


class ContractKind(StrEnum):
    """The same strings as ``ContractInfo.kind``."""

    FIXED = "fixed"
    VARIABLE = "variable"
    DYNAMIC = "dynamic"
    DEFAULT = "default"  # anvisat avtal


class MeterValue(Protocol):
    """What rating needs of a meter value; ``metering.reading.MeterReading`` fits."""

    @property
    def start(self) -> datetime: ...  # UTC
    @property
    def resolution(self) -> str: ...  # PT15M | PT1H
    @property
    def wh(self) -> int: ...
    @property
    def quality(self) -> int: ...  # metering.domain.Quality


class DayAheadInterval(Protocol):
    """What rating needs of a day-ahead price; ``supply.models.DayAheadPrice`` fits."""

    @property
    def start(self) -> datetime: ...  # UTC
    @property
    def resolution(self) -> str: ...  # PT15M | PT60M
    @property
    def price_ore_per_kwh(self) -> Decimal: ...  # excl. VAT


@dataclass(frozen=True, slots=True)
class SpotPrice:
    start: datetime  # UTC
    resolution: str  # PT15M | PT60M
    price_ore_per_kwh: Decimal  # excl. VAT


@dataclass(frozen=True, slots=True)
class PriceTerms:
    """Prices of one contract: öre/kWh excl. VAT, the monthly fee in kr excl. VAT."""

    kind: ContractKind
    markup: Decimal = ZERO  # påslag
    certificates: Decimal = ZERO  # elcertifikat
    monthly_fee: Decimal = ZERO
    fixed_price: Decimal | None = None  # fixed contracts only

    def __post_init__(self) -> None:
        if (self.kind is ContractKind.FIXED) != (self.fixed_price is not None):
            raise InvalidPriceTerms("A fixed price is given exactly for fixed contracts.")
        if self.monthly_fee < 0:
            raise InvalidPriceTerms("The monthly fee cannot be negative.")


@dataclass(frozen=True, slots=True)
class RatedInterval:
    start: datetime  # UTC
    wh: int
    ore_per_kwh: Decimal | None  # None: no price needed (fixed contract, or no consumption)

    @property
    def cost_ore(self) -> Decimal:
        return ZERO if self.ore_per_kwh is None else self.wh * self.ore_per_kwh / 1000


@dataclass(frozen=True, slots=True)
class Rating:
    lines: tuple[InvoiceLine, ...]
    consumption_kwh: Decimal  # 3 decimals, for ``InvoiceDocument.consumption_kwh``
    based_on_actual: bool  # every value measured, none estimated (SUP-10 applies)


_METER_MINUTES = {"PT15M": 15, "PT1H": 60}
_PRICE_MINUTES = {"PT15M": 15, "PT60M": 60, "PT1H": 60}
_MEASURED, _MISSING = 0, 2  # metering.domain.Quality


def rate(
    *,
    terms: PriceTerms,
    start: date,
    end: date,
    values: Iterable[MeterValue],
    prices: Iterable[DayAheadInterval] = (),
    bidding_zone: str,
) -> Rating:
    """The invoice lines of ``terms`` for the local dates ``[start, end)``."""
    first, stop = period_bounds(start, end)
    checked = _checked_values(values, first, stop)
    needs_prices = terms.kind is not ContractKind.FIXED
    index = _PriceIndex(prices) if needs_prices else None
    rated = [
        RatedInterval(v.start, v.wh, index.price(v) if index is not None and v.wh else None)
        for v in checked
    ]
    months: dict[date, MonthTotal] = {}
    for month, group in _by_local_month(rated).items():
        months[month] = MonthTotal(sum(r.wh for r in group), sum((r.cost_ore for r in group), ZERO))
    return rate_totals(
        terms=terms,
        start=start,
        end=end,
        months=months,
        based_on_actual=all(v.quality == _MEASURED for v in checked),
        bidding_zone=bidding_zone,
    )


@dataclass(frozen=True, slots=True)
class MonthTotal:
    """A local calendar month's Σ Wh and Σ Wh × price (öre, exact) of a period's values."""

    wh: int
    cost_ore: Decimal


def rate_totals(
    *,
    terms: PriceTerms,
    start: date,
    end: date,
    months: dict[date, MonthTotal],
    based_on_actual: bool,
    bidding_zone: str,
) -> Rating:
    """The invoice lines from checked values' monthly totals, oldest month first.

    ``rate`` gives this its sums; the billing run computes the same sums of many contracts with
    integer arithmetic (``billing_batch``), so both issue the very same lines.
    """
    total_wh = sum(m.wh for m in months.values())
    lines = [
        *_energy_lines(terms, months, total_wh, bidding_zone),
        *_per_kwh_line(LineKind.MARKUP, "Påslag", terms.markup, total_wh),
        *_per_kwh_line(LineKind.CERTIFICATES, "Elcertifikat", terms.certificates, total_wh),
        *_monthly_fee_line(terms.monthly_fee, start, end),
    ]
    return Rating(
        lines=tuple(lines), consumption_kwh=kwh(total_wh), based_on_actual=based_on_actual
    )


# --- meter values --------------------------------------------------------------------------------


def _checked_values(
    values: Iterable[MeterValue], first: datetime, stop: datetime
) -> list[MeterValue]:
    """Values sorted and checked to tile ``[first, stop)`` exactly, none missing or negative."""
    ordered = sorted(values, key=lambda v: _utc(v.start, InvalidMeterValue))
    cursor = first
    for value in ordered:
        begin = _utc(value.start, InvalidMeterValue)
        minutes = _METER_MINUTES.get(str(value.resolution))
        _check_value(value, begin, minutes)
        if begin != cursor:
            raise IncompleteMeterValues(_gap_text(cursor, begin))
        cursor = begin + timedelta(minutes=minutes or 0)
    if cursor != stop:
        raise IncompleteMeterValues(_gap_text(cursor, stop))
    return ordered


def _check_value(value: MeterValue, begin: datetime, minutes: int | None) -> None:
    # The interval is described only for an error: formatting it for every good value was a
    # quarter of a billing run's time.
    if minutes is None:
        where = describe_interval(begin, 0)
        raise InvalidMeterValue(f"Unknown meter resolution {value.resolution!r} at {where}.")
    if begin.minute % minutes or begin.second or begin.microsecond:
        where = describe_interval(begin, minutes)
        raise InvalidMeterValue(f"A {value.resolution} value does not start on its grid: {where}.")
    if value.wh < 0:
        raise InvalidMeterValue(f"Negative consumption at {describe_interval(begin, minutes)}.")
    if value.quality == _MISSING:
        where = describe_interval(begin, minutes)
        raise IncompleteMeterValues(f"The meter value for {where} is missing; estimate it first.")


def _gap_text(cursor: datetime, begin: datetime) -> str:
    if begin < cursor:
        return f"Meter values overlap or lie outside the period at {_stamp(begin)}."
    return f"No meter values from {_stamp(cursor)} to {_stamp(begin)}."


def _utc(instant: datetime, error: type[Invalid]) -> datetime:
    if instant.tzinfo is None:
        raise error(f"Naive timestamp {instant.isoformat()}: every instant carries a time zone.")
    return instant.astimezone(UTC)


def describe_interval(begin: datetime, minutes: int) -> str:
    """An interval as an operator reads it: local time with offset, and UTC."""
    finish = begin + timedelta(minutes=minutes)
    local = begin.astimezone(STOCKHOLM)
    return (
        f"{local:%Y-%m-%d %H:%M}–{finish.astimezone(STOCKHOLM):%H:%M} {local:%Z} "
        f"({_stamp(begin)}/{_stamp(finish)})"
    )


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


# --- prices --------------------------------------------------------------------------------------


class _PriceIndex:
    """Day-ahead prices by UTC start, quarter and hourly apart; overlaps are refused."""

    def __init__(self, prices: Iterable[DayAheadInterval]) -> None:
        self._quarters: dict[datetime, Decimal] = {}
        self._hours: dict[datetime, Decimal] = {}
        for price in prices:
            self._add(price)
        for hour in self._hours:
            if any(hour + n * _QUARTER in self._quarters for n in range(4)):
                raise InvalidSpotPrice(f"Hourly and quarter prices overlap at {_stamp(hour)}.")

    def _add(self, price: DayAheadInterval) -> None:
        begin = _utc(price.start, InvalidSpotPrice)
        minutes = _PRICE_MINUTES.get(str(price.resolution))
        if minutes is None:
            raise InvalidSpotPrice(f"Unknown price resolution {price.resolution!r}.")
        if begin.minute % minutes or begin.second or begin.microsecond:
            raise InvalidSpotPrice(f"A {price.resolution} price starts off its grid: {begin}.")
        table = self._quarters if minutes == 15 else self._hours
        if begin in table:
            raise InvalidSpotPrice(f"Two {price.resolution} prices for {_stamp(begin)}.")
        table[begin] = price.price_ore_per_kwh

    def price(self, value: MeterValue) -> Decimal:
        """öre/kWh for one meter value's interval, or ``MissingSpotPrice`` naming it."""
        begin = value.start.astimezone(UTC)
        if _METER_MINUTES[str(value.resolution)] == 15:
            return self._quarter_price(begin)
        return self._hour_price(begin)

    def _quarter_price(self, begin: datetime) -> Decimal:
        found = self._quarters.get(begin)
        if found is None:
            found = self._hours.get(begin.replace(minute=0))
        if found is None:
            raise MissingSpotPrice(f"No spot price for {describe_interval(begin, 15)}.")
        return found

    def _hour_price(self, begin: datetime) -> Decimal:
        found = self._hours.get(begin)
        if found is not None:
            return found
        quarters = [begin + n * _QUARTER for n in range(4)]
        missing = [q for q in quarters if q not in self._quarters]
        if missing:
            raise MissingSpotPrice(f"No spot price for {describe_interval(missing[0], 15)}.")
        return sum((self._quarters[q] for q in quarters), ZERO) / 4


# --- lines ---------------------------------------------------------------------------------------


def _energy_lines(
    terms: PriceTerms, months: dict[date, MonthTotal], total_wh: int, zone: str
) -> list[InvoiceLine]:
    if terms.kind is ContractKind.FIXED:
        assert terms.fixed_price is not None  # PriceTerms guarantees it
        return _fixed_line(terms.fixed_price, total_wh)
    if terms.kind is ContractKind.DYNAMIC:
        return _dynamic_line(sum((m.cost_ore for m in months.values()), ZERO), total_wh, zone)
    default = terms.kind is ContractKind.DEFAULT
    return [
        _monthly_average_line(month, total, zone, default=default)
        for month, total in months.items()
        if total.wh
    ]


def _fixed_line(price_ore: Decimal, total_wh: int) -> list[InvoiceLine]:
    quantity = kwh(total_wh)
    return [
        InvoiceLine(
            kind=LineKind.ENERGY,
            description=f"Elenergi, fast pris {sv_number(price_ore)} öre/kWh",
            quantity=quantity,
            unit="kWh",
            unit_price=price_ore / 100,
            amount=round_ore(quantity * price_ore / 100),
            explanation=(
                f"Ditt avtal har ett fast elpris: {sv_number(price_ore)} öre/kWh utan moms för "
                f"varje kilowattimme, oavsett när du använder elen. Du använde "
                f"{sv_number(quantity, 3)} kWh under perioden."
            ),
        )
    ]


def _dynamic_line(cost_ore: Decimal, total_wh: int, zone: str) -> list[InvoiceLine]:
    if not total_wh:
        return []
    quantity = kwh(total_wh)
    average = cost_ore / quantity
    amount = round_ore(cost_ore / 100)
    return [
        InvoiceLine(
            kind=LineKind.ENERGY,
            description=f"Elenergi, timpris (dynamiskt), snitt {sv_number(average)} öre/kWh",
            quantity=quantity,
            unit="kWh",
            unit_price=(average / 100).quantize(_AVERAGE, ROUND_HALF_UP),
            amount=amount,
            explanation=(
                f"Med dynamiskt elpris betalar du elbörsens spotpris för elområde {zone} för "
                f"varje timme eller kvart som du använder el. Din förbrukning på "
                f"{sv_number(quantity, 3)} kWh kostade {sv_number(amount)} kr utan moms, i "
                f"genomsnitt {sv_number(average)} öre/kWh. Använder du mer el när priset är lågt "
                f"blir ditt snittpris lägre."
            ),
        )
    ]


def _monthly_average_line(
    month: date, total: MonthTotal, zone: str, *, default: bool
) -> InvoiceLine:
    quantity = kwh(total.wh)
    cost_ore = total.cost_ore
    average = cost_ore / quantity
    name = month_name(month)
    contract = "anvisat avtal" if default else "rörligt pris"
    explanation = (
        f"Rörligt pris är månadens genomsnittliga spotpris i elområde {zone}, viktat efter din "
        f"egen förbrukning varje timme eller kvart. För {name} blev det "
        f"{sv_number(average)} öre/kWh utan moms för {sv_number(quantity, 3)} kWh."
    )
    if default:
        explanation = (
            "Du har ett anvisat avtal: det elavtal du får när du inte själv har valt "
            "elleverantör. Det prissätts som ett rörligt avtal. " + explanation
        )
    return InvoiceLine(
        kind=LineKind.ENERGY,
        description=f"Elenergi, {contract} {name}, {sv_number(average)} öre/kWh",
        quantity=quantity,
        unit="kWh",
        unit_price=(average / 100).quantize(_AVERAGE, ROUND_HALF_UP),
        amount=round_ore(cost_ore / 100),
        explanation=explanation,
    )


def _by_local_month(rated: Iterable[RatedInterval]) -> dict[date, list[RatedInterval]]:
    groups: dict[date, list[RatedInterval]] = defaultdict(list)
    for interval in rated:
        groups[local_date(interval.start).replace(day=1)].append(interval)
    return dict(groups)


_PER_KWH_TEXT = {
    LineKind.MARKUP: "Påslaget är elleverantörens tillägg per kilowattimme utöver elpriset.",
    LineKind.CERTIFICATES: (
        "Elcertifikat är en avgift per kilowattimme som finansierar utbyggnaden av förnybar "
        "elproduktion (elcertifikatsystemet)."
    ),
}


def _per_kwh_line(
    kind: LineKind, description: str, price_ore: Decimal, total_wh: int
) -> list[InvoiceLine]:
    if not price_ore:
        return []
    quantity = kwh(total_wh)
    return [
        InvoiceLine(
            kind=kind,
            description=f"{description} {sv_number(price_ore)} öre/kWh",
            quantity=quantity,
            unit="kWh",
            unit_price=price_ore / 100,
            amount=round_ore(quantity * price_ore / 100),
            explanation=(
                f"{_PER_KWH_TEXT[kind]} {sv_number(quantity, 3)} kWh × "
                f"{sv_number(price_ore)} öre/kWh utan moms."
            ),
        )
    ]


def _monthly_fee_line(fee: Decimal, start: date, end: date) -> list[InvoiceLine]:
    if not fee:
        return []
    months, quantity, months_text = _fee_period(start, end)
    return [
        InvoiceLine(
            kind=LineKind.MONTHLY_FEE,
            description="Fast månadsavgift",
            quantity=quantity,
            unit="mån",
            unit_price=fee,
            amount=round_ore(Fraction(fee) * months),
            explanation=(
                f"En fast avgift på {sv_number(fee)} kr per månad utan moms, oavsett hur mycket "
                f"el du använder. {months_text}"
            ),
        )
    ]


@lru_cache(maxsize=256)
def _fee_period(start: date, end: date) -> tuple[Fraction, Decimal, str]:
    """The months of [start, end) the fee is for, as a fraction, as the line's quantity and in
    words: the same for every contract of a run's period, so made once."""
    shares = month_shares(start, end)
    months = sum(shares.values(), Fraction(0))
    return months, _fraction_decimal(months), _fee_months_text(shares)


def _fee_months_text(shares: dict[date, Fraction]) -> str:
    parts = []
    for month, share in shares.items():
        name = month_name(month)
        if share == 1:
            parts.append(f"{name}: hel månad")
        else:
            days_in = days_in_month(month.year, month.month)
            parts.append(f"{name}: {share * days_in} av {days_in} dagar")
    return "Perioden omfattar " + ", ".join(parts) + "."


# --- numbers -------------------------------------------------------------------------------------


def kwh(wh: int) -> Decimal:
    """Wh as kWh with exactly 3 decimals."""
    return Decimal(wh).scaleb(-3).quantize(_KWH)


def round_ore(kronor: Decimal | Fraction) -> Decimal:
    """Kronor rounded to the öre, half away from zero."""
    if isinstance(kronor, Fraction):
        hundredths = abs(kronor) * 100
        whole = int(hundredths + Fraction(1, 2))  # floor of a non-negative number
        return (Decimal(whole if kronor >= 0 else -whole) / 100).quantize(_ORE)
    return kronor.quantize(_ORE, ROUND_HALF_UP)


def _fraction_decimal(value: Fraction) -> Decimal:
    """A month count: whole months as an integer, partial ones to 4 decimals."""
    if value.denominator == 1:
        return Decimal(value.numerator)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.0001"), ROUND_HALF_UP)


def sv_number(value: Decimal, places: int = 2) -> str:
    """Swedish notation: decimal comma, non-breaking space between thousands (1 040,20)."""
    rounded = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{rounded:,.{places}f}".replace(",", "\u00a0").replace(".", ",")
