"""Rating meter values into invoice lines (SUP-9 (2), SUP-5) and billing intervals (SUP-7)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from elkund.core.errors import AppError
from elkund.metering.domain import Quality, Resolution
from elkund.metering.reading import MeterReading
from elkund.supply.billing_period import (
    InvalidBillingPeriod,
    check_interval,
    interval_months,
    month_shares,
)
from elkund.supply.document import (
    Address,
    ContractInfo,
    CustomerInfo,
    DocumentKind,
    InvoiceDocument,
    InvoiceLine,
    LineKind,
    SupplierInfo,
)
from elkund.supply.models import DayAheadPrice
from elkund.supply.rating import (
    ContractKind,
    DayAheadInterval,
    PriceTerms,
    SpotPrice,
    rate,
    round_ore,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
QUARTER = timedelta(minutes=15)
HOUR = timedelta(hours=1)


def utc_instants(start: date, end: date, step: timedelta) -> Iterator[datetime]:
    """Every interval start from local midnight of ``start`` to that of ``end``, in UTC."""
    instant = datetime(start.year, start.month, start.day, tzinfo=STOCKHOLM).astimezone(UTC)
    stop = datetime(end.year, end.month, end.day, tzinfo=STOCKHOLM).astimezone(UTC)
    while instant < stop:
        yield instant
        instant += step


def reading(
    start: datetime, wh: int, *, hourly: bool = False, quality: Quality = Quality.MEASURED
) -> MeterReading:
    return MeterReading(start, Resolution.PT1H if hourly else Resolution.PT15M, wh, quality)


def quarter_price(start: datetime, ore: str | Decimal) -> SpotPrice:
    return SpotPrice(start, "PT15M", Decimal(ore))


def hour_price(start: datetime, ore: str | Decimal) -> SpotPrice:
    return SpotPrice(start, "PT60M", Decimal(ore))


def line(lines: tuple[InvoiceLine, ...], kind: LineKind) -> InvoiceLine:
    (found,) = [item for item in lines if item.kind is kind]
    return found


# --- the golden invoice --------------------------------------------------------------------------

# March 2025, SE1, a 15-minute meter, dynamic contract. Local 30 March has 92 quarters (the clock
# jumps from 02:00 to 03:00), so the month has 31 × 24 − 1 = 743 hours.
# Meter: quarter q of every hour (q = 0..3) uses 200 + 100·q Wh → 1.4 kWh per hour.
# Price: on local day d of March, quarter q costs 37.13 + 0.5·d + 1.7·q öre/kWh.
BASE, PER_DAY, PER_QUARTER = Decimal("37.13"), Decimal("0.5"), Decimal("1.7")
MARKUP, CERTIFICATES, MONTHLY_FEE = Decimal("4.9"), Decimal("0.62"), Decimal("39")


def golden_inputs() -> tuple[list[MeterReading], list[SpotPrice]]:
    values, prices = [], []
    for start in utc_instants(date(2025, 3, 1), date(2025, 4, 1), QUARTER):
        q = start.minute // 15
        day = start.astimezone(STOCKHOLM).day
        values.append(reading(start, 200 + 100 * q))
        prices.append(quarter_price(start, BASE + PER_DAY * day + PER_QUARTER * q))
    return values, prices


def test_golden_invoice_dynamic_quarter_prices_march_2025_with_dst() -> None:
    """SUP-9 (2): each line equals a closed-form hand computation to the öre; DST day included."""
    values, prices = golden_inputs()
    on_dst_day = [v for v in values if v.start.astimezone(STOCKHOLM).date() == date(2025, 3, 30)]
    assert len(on_dst_day) == 92
    assert len(values) == 743 * 4

    # By hand. Per hour on day d: Σ_q kWh_q·(BASE + PER_DAY·d + PER_QUARTER·q)
    #   = 1.4·(BASE + PER_DAY·d) + PER_QUARTER·(0.3 + 0.8 + 1.5)   [Σ_q q·kWh_q = 2.6 kWh]
    # Hours per day h_d = 24, except h_30 = 23: Σ h_d = 743, Σ h_d·d = 24·496 − 30 = 11 874.
    hours, day_hours = 743, 11874
    energy_ore = (
        Decimal("1.4") * BASE * hours
        + Decimal("1.4") * PER_DAY * day_hours
        + Decimal("2.6") * PER_QUARTER * hours
    )
    assert energy_ore == Decimal("50218.486")  # 502.18486 kr
    kwh = Decimal("1040.200")  # 1.4 × 743

    rating = rate(
        terms=PriceTerms(
            ContractKind.DYNAMIC,
            markup=MARKUP,
            certificates=CERTIFICATES,
            monthly_fee=MONTHLY_FEE,
        ),
        start=date(2025, 3, 1),
        end=date(2025, 4, 1),
        values=values,
        prices=prices,
        bidding_zone="SE1",
    )

    energy, markup, certificates, fee = rating.lines
    assert (energy.kind, energy.quantity, energy.unit, energy.amount) == (
        LineKind.ENERGY,
        kwh,
        "kWh",
        Decimal("502.18"),
    )
    # 50 218.486 öre / 1 040.2 kWh = 48.2777… öre/kWh
    assert energy.description == "Elenergi, timpris (dynamiskt), snitt 48,28 öre/kWh"
    assert energy.unit_price == Decimal("0.482777")  # kr/kWh, 6 decimals
    assert (markup.kind, markup.quantity, markup.unit_price, markup.amount) == (
        LineKind.MARKUP,
        kwh,
        Decimal("0.049"),
        Decimal("50.97"),  # 1 040.2 × 4.9 öre = 5 096.98 öre
    )
    assert (certificates.kind, certificates.unit_price, certificates.amount) == (
        LineKind.CERTIFICATES,
        Decimal("0.0062"),
        Decimal("6.45"),  # 1 040.2 × 0.62 öre = 644.924 öre
    )
    assert (fee.kind, fee.quantity, fee.unit, fee.unit_price, fee.amount) == (
        LineKind.MONTHLY_FEE,
        Decimal(1),
        "mån",
        Decimal("39"),
        Decimal("39.00"),
    )
    assert all(item.explanation for item in rating.lines)  # SUP-5: every line explained
    assert "SE1" in energy.explanation
    assert rating.consumption_kwh == kwh
    assert rating.based_on_actual

    document = invoice(rating.lines, kwh)
    assert document.net == Decimal("598.60")  # 502.18 + 50.97 + 6.45 + 39.00
    assert document.vat == Decimal("149.65")  # 25 %
    assert document.gross == Decimal("748.25")
    assert document.total == Decimal("748")  # öresavrundning to whole kronor
    assert document.rounding == Decimal("-0.25")


def invoice(lines: tuple[InvoiceLine, ...], kwh: Decimal) -> InvoiceDocument:
    address = Address("Storgatan 1", "97231", "Luleå")
    return InvoiceDocument(
        kind=DocumentKind.INVOICE,
        number="1",
        ocr="1230",
        issue_date=date(2025, 4, 2),
        due_date=date(2025, 4, 30),
        period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31),
        supplier=SupplierInfo(
            "Exempel El AB", "556000-0001", "SE556000000101", True, address,
            "0920-100 00", "kundtjanst@example.se", "https://example.se", "123-4567",
        ),
        customer=CustomerInfo("Test Testsson", False, "19900101-****", address),
        installation_id="735999000000000013",
        bidding_zone="SE1",
        grid_area="LUL",
        contract=ContractInfo(
            "Timpris", "dynamic", date(2025, 1, 1), None, "https://example.se/villkor",
            "Ring kundtjänst.", True, False,
        ),
        lines=lines,
        consumption_kwh=kwh,
        based_on_actual=True,
    )  # fmt: skip


# --- price resolutions ---------------------------------------------------------------------------


def test_hourly_meter_under_quarter_prices_uses_the_hours_mean_on_a_25_hour_day() -> None:
    """An hourly value is rated at the mean of its four quarter prices; 26 Oct 2025 has 25 h."""
    start, end = date(2025, 10, 26), date(2025, 10, 27)
    hours = list(utc_instants(start, end, HOUR))
    assert len(hours) == 25
    values = [reading(h, 2000, hourly=True) for h in hours]  # 2 kWh each hour
    # quarters 10, 20, 30, 41 öre: mean 25.25 öre/kWh
    quarters = ["10", "20", "30", "41"]
    prices = [quarter_price(h + q * QUARTER, p) for h in hours for q, p in enumerate(quarters)]

    rating = rate(
        terms=PriceTerms(ContractKind.DYNAMIC),
        start=start,
        end=end,
        values=values,
        prices=prices,
        bidding_zone="SE3",
    )

    (energy,) = rating.lines
    assert energy.quantity == Decimal("50.000")
    assert energy.amount == Decimal("12.63")  # 25 h × 2 kWh × 25.25 öre = 1 262.5 öre, half up
    assert energy.unit_price == Decimal("0.252500")


def test_quarter_meter_under_hourly_prices_uses_the_hours_price_for_each_quarter() -> None:
    start, end = date(2025, 1, 15), date(2025, 1, 16)
    hours = list(utc_instants(start, end, HOUR))
    values = [reading(h + q * QUARTER, 100 * (q + 1)) for h in hours for q in range(4)]
    prices = [hour_price(h, "80") if h.hour % 2 else hour_price(h, "20") for h in hours]

    rating = rate(
        terms=PriceTerms(ContractKind.DYNAMIC),
        start=start,
        end=end,
        values=values,
        prices=prices,
        bidding_zone="SE4",
    )

    # 1 kWh per hour; 12 hours at 80 öre and 12 at 20 öre: 1 200 öre
    (energy,) = rating.lines
    assert (energy.quantity, energy.amount) == (Decimal("24.000"), Decimal("12.00"))


def test_prices_may_switch_from_hourly_to_quarter_inside_a_period() -> None:
    start, end = date(2025, 9, 30), date(2025, 10, 2)
    cutover = datetime(2025, 9, 30, 22, tzinfo=UTC)  # local midnight of 1 October
    hours = list(utc_instants(start, end, HOUR))
    values = [reading(h, 1000, hourly=True) for h in hours]
    prices = [hour_price(h, "30") for h in hours if h < cutover] + [
        quarter_price(h + q * QUARTER, "50") for h in hours if h >= cutover for q in range(4)
    ]

    rating = rate(
        terms=PriceTerms(ContractKind.DYNAMIC),
        start=start,
        end=end,
        values=values,
        prices=prices,
        bidding_zone="SE3",
    )

    assert rating.lines[0].amount == Decimal("19.20")  # 24 h × 30 öre + 24 h × 50 öre


# --- refusals ------------------------------------------------------------------------------------


def one_day_of_quarters(day: date, wh: int = 100) -> list[MeterReading]:
    return [reading(s, wh) for s in utc_instants(day, day + timedelta(days=1), QUARTER)]


def dynamic(
    values: list[MeterReading], prices: list[SpotPrice], day: date = date(2025, 3, 30)
) -> None:
    rate(
        terms=PriceTerms(ContractKind.DYNAMIC),
        start=day,
        end=day + timedelta(days=1),
        values=values,
        prices=prices,
        bidding_zone="SE1",
    )


def test_missing_price_for_an_interval_with_consumption_is_refused_and_named() -> None:
    day = date(2025, 3, 30)
    values = one_day_of_quarters(day)
    gap = datetime(2025, 3, 30, 1, 15, tzinfo=UTC)  # 03:15 local summer time
    prices = [quarter_price(v.start, "40") for v in values if v.start != gap]

    with pytest.raises(AppError) as caught:
        dynamic(values, prices)

    assert caught.value.code == "missing_spot_price"
    assert "2025-03-30 03:15–03:30 CEST" in caught.value.detail
    assert "2025-03-30T01:15Z" in caught.value.detail


def test_missing_price_is_no_problem_without_consumption() -> None:
    day = date(2025, 3, 30)
    gap = datetime(2025, 3, 30, 1, 15, tzinfo=UTC)
    values = [reading(v.start, 0 if v.start == gap else 100) for v in one_day_of_quarters(day)]
    prices = [quarter_price(v.start, "40") for v in values if v.start != gap]

    rating = rate(
        terms=PriceTerms(ContractKind.DYNAMIC),
        start=day,
        end=day + timedelta(days=1),
        values=values,
        prices=prices,
        bidding_zone="SE1",
    )

    assert rating.lines[0].amount == Decimal("3.64")  # 91 quarters × 0.1 kWh × 40 öre


def test_hourly_meter_with_one_quarter_price_missing_is_refused_naming_that_quarter() -> None:
    day = date(2025, 2, 3)
    hours = list(utc_instants(day, day + timedelta(days=1), HOUR))
    values = [reading(h, 1000, hourly=True) for h in hours]
    gap = hours[5] + 2 * QUARTER
    prices = [quarter_price(h + q * QUARTER, "40") for h in hours for q in range(4)]
    prices = [p for p in prices if p.start != gap]

    with pytest.raises(AppError) as caught:
        dynamic(values, prices, day)

    assert caught.value.code == "missing_spot_price"
    assert "2025-02-03T04:30Z" in caught.value.detail


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("gap", "incomplete_meter_values"),
        ("missing_quality", "incomplete_meter_values"),
        ("outside_period", "incomplete_meter_values"),
        ("duplicate", "incomplete_meter_values"),
        ("negative", "invalid_meter_value"),
        ("off_grid", "invalid_meter_value"),
        ("naive", "invalid_meter_value"),
        ("daily", "invalid_meter_value"),
    ],
)
def test_meter_values_that_do_not_tile_the_period_exactly_are_refused(
    change: str, code: str
) -> None:
    day = date(2025, 5, 5)
    values = one_day_of_quarters(day)
    prices = [quarter_price(v.start, "40") for v in values]
    first = values[10]
    changed = {
        "gap": [],
        "missing_quality": [reading(first.start, 0, quality=Quality.MISSING)],
        "outside_period": [first, reading(values[0].start - QUARTER, 100)],
        "duplicate": [first, first],
        "negative": [reading(first.start, -1)],
        "off_grid": [reading(first.start + timedelta(minutes=5), 100)],
        "naive": [reading(first.start.replace(tzinfo=None), 100)],
        "daily": [MeterReading(first.start, Resolution.P1D, 100, Quality.MEASURED)],
    }[change]

    with pytest.raises(AppError) as caught:
        dynamic([*values[:10], *changed, *values[11:]], prices, day)

    assert caught.value.code == code


@pytest.mark.parametrize("kind", ["duplicate", "overlap", "off_grid", "resolution"])
def test_inconsistent_prices_are_refused(kind: str) -> None:
    day = date(2025, 5, 5)
    values = one_day_of_quarters(day)
    prices = [quarter_price(v.start, "40") for v in values]
    hour = values[4].start
    extra = {
        "duplicate": quarter_price(hour, "41"),
        "overlap": hour_price(hour, "41"),
        "off_grid": hour_price(hour + QUARTER, "41"),
        "resolution": SpotPrice(hour, "P1D", Decimal("41")),
    }[kind]

    with pytest.raises(AppError) as caught:
        dynamic(values, [*prices, extra], day)

    assert caught.value.code == "invalid_spot_price"


def test_estimated_values_are_rated_but_the_invoice_is_not_based_on_actual_consumption() -> None:
    """SUP-10 applies only to invoices based on actual consumption."""
    day = date(2025, 5, 5)
    values = one_day_of_quarters(day)
    values[3] = reading(values[3].start, 100, quality=Quality.ESTIMATED)

    rating = rate(
        terms=PriceTerms(ContractKind.FIXED, fixed_price=Decimal("50")),
        start=day,
        end=day + timedelta(days=1),
        values=values,
        bidding_zone="SE3",
    )

    assert not rating.based_on_actual


# --- the other contracts -------------------------------------------------------------------------


def weighted_inputs() -> tuple[list[MeterReading], list[SpotPrice]]:
    """Jan and Feb 2025, hourly. Even UTC hours: 1 kWh; odd: 3 kWh. Prices Jan 10/30, Feb 20/40."""
    values, prices = [], []
    for start in utc_instants(date(2025, 1, 1), date(2025, 3, 1), HOUR):
        odd = start.hour % 2
        values.append(reading(start, 3000 if odd else 1000, hourly=True))
        january = start.astimezone(STOCKHOLM).month == 1
        price = (30 if odd else 10) if january else (40 if odd else 20)
        prices.append(hour_price(start, Decimal(price)))
    return values, prices


def test_variable_contract_uses_each_months_consumption_weighted_average() -> None:
    """(10·1 + 30·3) / 4 = 25 öre in January, (20·1 + 40·3) / 4 = 35 öre in February."""
    values, prices = weighted_inputs()

    rating = rate(
        terms=PriceTerms(ContractKind.VARIABLE, markup=Decimal("5")),
        start=date(2025, 1, 1),
        end=date(2025, 3, 1),
        values=values,
        prices=prices,
        bidding_zone="SE3",
    )

    january, february, markup = rating.lines
    # January: 744 hours = 372 pairs of 4 kWh; February: 672 hours = 336 pairs
    assert (january.quantity, january.unit_price, january.amount) == (
        Decimal("1488.000"),
        Decimal("0.250000"),
        Decimal("372.00"),
    )
    assert january.description == "Elenergi, rörligt pris januari 2025, 25,00 öre/kWh"
    assert (february.quantity, february.unit_price, february.amount) == (
        Decimal("1344.000"),
        Decimal("0.350000"),
        Decimal("470.40"),
    )
    assert (markup.quantity, markup.amount) == (Decimal("2832.000"), Decimal("141.60"))


def test_default_contract_is_priced_like_variable_with_its_own_markup() -> None:
    values, prices = weighted_inputs()

    rating = rate(
        terms=PriceTerms(ContractKind.DEFAULT, markup=Decimal("9.5")),
        start=date(2025, 1, 1),
        end=date(2025, 2, 1),
        values=[v for v in values if v.start.astimezone(STOCKHOLM).month == 1],
        prices=prices,
        bidding_zone="SE3",
    )

    energy, markup = rating.lines
    assert energy.amount == Decimal("372.00")
    assert "anvisat avtal" in energy.description
    assert "anvisat avtal" in energy.explanation
    assert markup.amount == Decimal("141.36")  # 1 488 kWh × 9.5 öre


def test_fixed_contract_needs_no_spot_prices() -> None:
    day = date(2025, 5, 5)
    rating = rate(
        terms=PriceTerms(ContractKind.FIXED, fixed_price=Decimal("89.99")),
        start=day,
        end=day + timedelta(days=1),
        values=one_day_of_quarters(day, wh=123),
        bidding_zone="SE3",
    )

    (energy,) = rating.lines
    assert energy.quantity == Decimal("11.808")  # 96 × 123 Wh
    assert energy.unit_price == Decimal("0.8999")
    assert energy.amount == Decimal("10.63")  # 11.808 × 89.99 öre = 1 062.60… öre
    assert energy.description == "Elenergi, fast pris 89,99 öre/kWh"


@pytest.mark.parametrize(
    ("kind", "fixed_price"),
    [(ContractKind.FIXED, None), (ContractKind.VARIABLE, Decimal("50"))],
)
def test_price_terms_refuse_a_fixed_price_on_the_wrong_contract(
    kind: ContractKind, fixed_price: Decimal | None
) -> None:
    with pytest.raises(AppError) as caught:
        PriceTerms(kind, fixed_price=fixed_price)
    assert caught.value.code == "invalid_price_terms"


def test_monthly_fee_of_partial_months_is_pro_rata_by_days() -> None:
    """15 Mar–9 May 2025: 17/31 of March, all of April, 9/31 of May = 57/31 months."""
    start, end = date(2025, 3, 15), date(2025, 5, 10)
    values = [reading(s, 0, hourly=True) for s in utc_instants(start, end, HOUR)]

    rating = rate(
        terms=PriceTerms(ContractKind.FIXED, fixed_price=Decimal("50"), monthly_fee=Decimal("39")),
        start=start,
        end=end,
        values=values,
        bidding_zone="SE3",
    )

    fee = line(rating.lines, LineKind.MONTHLY_FEE)
    assert fee.quantity == Decimal("1.8387")
    assert fee.amount == Decimal("71.71")  # 39 × 57 / 31 = 71.709…
    assert "mars 2025: 17 av 31 dagar" in fee.explanation
    assert "april 2025: hel månad" in fee.explanation


def test_amounts_round_half_öre_away_from_zero() -> None:
    """0.5 öre (0.005 kr) rounds up; so does −0.5 öre, away from zero."""
    assert round_ore(Decimal("0.005")) == Decimal("0.01")
    assert round_ore(Decimal("-0.005")) == Decimal("-0.01")
    assert round_ore(Decimal("0.00499")) == Decimal("0.00")
    day = date(2025, 5, 5)
    values = [reading(v.start, 0) for v in one_day_of_quarters(day)]
    values[0] = reading(values[0].start, 1000)
    rating = rate(
        terms=PriceTerms(ContractKind.FIXED, fixed_price=Decimal("0.5")),
        start=day,
        end=day + timedelta(days=1),
        values=values,
        bidding_zone="SE3",
    )
    assert rating.lines[0].amount == Decimal("0.01")


# --- billing intervals (SUP-7) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 1, 1), date(2025, 2, 1), 1),
        (date(2025, 1, 15), date(2025, 4, 15), 3),
        (date(2025, 1, 15), date(2025, 4, 16), 4),
        (date(2025, 2, 1), date(2025, 5, 1), 3),
        (date(2025, 1, 31), date(2025, 5, 1), 4),
        (date(2025, 3, 1), date(2025, 3, 2), 1),
        (date(2024, 1, 1), date(2025, 1, 1), 12),
    ],
)
def test_interval_months_counts_calendar_months_rounded_up(
    start: date, end: date, months: int
) -> None:
    assert interval_months(start, end) == months


def test_sup_7_remote_read_meters_are_invoiced_at_least_quarterly() -> None:
    check_interval(3, remote_read=True)
    with pytest.raises(AppError) as caught:
        check_interval(4, remote_read=True)
    assert caught.value.code == "invalid_billing_interval"


def test_sup_7_other_meters_are_invoiced_at_least_yearly() -> None:
    check_interval(12, remote_read=False)
    for months in (13, 0):
        with pytest.raises(AppError) as caught:
            check_interval(months, remote_read=False)
        assert caught.value.code == "invalid_billing_interval"


def test_a_period_must_end_after_it_starts() -> None:
    with pytest.raises(InvalidBillingPeriod):
        interval_months(date(2025, 3, 1), date(2025, 3, 1))
    with pytest.raises(InvalidBillingPeriod):
        rate(
            terms=PriceTerms(ContractKind.DYNAMIC),
            start=date(2025, 3, 2),
            end=date(2025, 3, 1),
            values=[],
            bidding_zone="SE1",
        )


def test_month_shares_of_a_leap_february() -> None:
    assert month_shares(date(2024, 2, 10), date(2024, 3, 3)) == {
        date(2024, 2, 1): Fraction(20, 29),
        date(2024, 3, 1): Fraction(2, 31),
    }


def test_stored_day_ahead_prices_can_be_rated_directly() -> None:
    """The billing run passes ``DayAheadPrice`` rows as they are read (PT60M, öre/kWh)."""
    day = date(2025, 5, 5)
    hours = list(utc_instants(day, day + timedelta(days=1), HOUR))
    rows: list[DayAheadInterval] = [
        DayAheadPrice(
            zone="SE3",
            start=h,
            resolution="PT60M",
            price_ore_per_kwh=Decimal("12.3456789"),
            source_price=Decimal("10.76"),
            currency="EUR",
        )
        for h in hours
    ]

    rating = rate(
        terms=PriceTerms(ContractKind.DYNAMIC),
        start=day,
        end=day + timedelta(days=1),
        values=one_day_of_quarters(day, wh=250),
        prices=rows,
        bidding_zone="SE3",
    )

    assert rating.lines[0].amount == Decimal("2.96")  # 24 kWh × 12.3456789 öre = 296.296… öre
