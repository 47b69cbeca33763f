"""Numbers, money, dates and periods as the portal shows them, in Swedish or English (Babel).

Instants arrive as aware datetimes (UTC from storage, or already local) and are always shown in
Europe/Stockholm. A wall-clock time that occurs twice (the last Sunday of October) carries its
UTC offset so the two hours can be told apart. Energy is stored as integer Wh and shown as kWh
with three decimals, which is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from typing import Any, Final

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_interval, get_date_format, get_month_names
from babel.numbers import (
    format_currency,
    get_decimal_symbol,
    get_group_symbol,
)
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from elkund.core.localtime import STOCKHOLM
from elkund.metering.domain import Resolution, bucket_start, next_bucket
from elkund.portal.components.i18n import DEFAULT_LANG, Lang, is_lang, translate

LOCALES: Final[dict[Lang, str]] = {"sv": "sv_SE", "en": "en_GB"}
NBSP: Final = "\N{NO-BREAK SPACE}"

_TIME_PREFIX: Final[dict[Lang, str]] = {"sv": " 'kl.' ", "en": ", "}
_SEK_FORMAT: Final[dict[Lang, str | None]] = {"sv": None, "en": f"¤{NBSP}#,##0.00"}
_ORE = Decimal("0.01")


def kwh_of(wh: int) -> Decimal:
    """Exact kWh of an integer number of Wh."""
    return Decimal(wh).scaleb(-3)


def format_number(value: Decimal | int, lang: Lang, *, decimals: int) -> str:
    """A number with the language's separators and exactly ``decimals`` decimals.

    The same text as Babel's ``format_decimal`` with the pattern ``#,##0.000…`` (a test holds
    them equal), built from Babel's symbols for the locale: a Förbrukning page formats thousands
    of numbers, and asking Babel for each took most of the page's time.
    """
    exact = Decimal(value).quantize(_STEPS[decimals], rounding=ROUND_HALF_EVEN)
    group, point = _number_symbols(lang)
    text = f"{abs(exact):,f}".translate({ord(","): group, ord("."): point})
    # A pattern's minus is a plain hyphen, and Babel keeps it on what rounds to zero (-0,4 → -0).
    return "-" + text if exact.is_signed() else text


_STEPS: Final = {decimals: Decimal(1).scaleb(-decimals) for decimals in range(10)}


@cache
def _number_symbols(lang: Lang) -> tuple[str, str]:
    return get_group_symbol(LOCALES[lang]), get_decimal_symbol(LOCALES[lang])


def format_kwh(wh: int, lang: Lang, *, unit: bool = True) -> str:
    """``1234567`` Wh → ``1 234,567 kWh`` (sv) or ``1,234.567 kWh`` (en); no-break spaces.

    The same text as ``format_number(kwh_of(wh), lang, decimals=3)`` (a test holds them equal),
    in integer arithmetic: a year's Förbrukning page formats some two thousand of them.
    """
    if isinstance(wh, int):
        group, point = _number_symbols(lang)
        whole, fraction = divmod(abs(wh), 1000)
        number = f"{whole:,}".replace(",", group) + f"{point}{fraction:03d}"
        if wh < 0:
            number = "-" + number
    else:  # a template may hand over a Decimal number of Wh
        number = format_number(kwh_of(wh), lang, decimals=3)
    return f"{number}{NBSP}kWh" if unit else number


def format_sek(amount: Decimal, lang: Lang) -> str:
    """``1 234,50 kr`` (sv) or ``SEK 1,234.50`` (en); rounded half up to whole öre."""
    rounded = amount.quantize(_ORE, rounding=ROUND_HALF_UP)
    return format_currency(rounded, "SEK", format=_SEK_FORMAT[lang], locale=LOCALES[lang])


def format_change(percent: Decimal, lang: Lang) -> str:
    """A signed percentage with one decimal: ``+12,3 %`` (sv) or ``-4.0%`` (en)."""
    rounded = percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    # Babel's ``+#,##0.0;-#,##0.0`` (a test holds them equal), without asking Babel each time.
    sign = "-" if rounded.is_signed() else "+"  # Babel keeps the minus of -0.04 → -0,0
    number = sign + format_number(abs(rounded), lang, decimals=1)
    return f"{number}{NBSP}%" if lang == "sv" else f"{number}%"


def quantity(value: Decimal, unit: str, lang: Lang) -> str:
    """kWh always with three decimals (exact to the Wh); whole months without decimals."""
    whole = unit != "kWh" and value == value.to_integral_value()
    return format_number(value, lang, decimals=0 if whole else 3)


def unit_name(unit: str, lang: Lang) -> str:
    return translate("unit_month", lang) if unit == "mån" else unit


def unit_price(value: Decimal, unit: str, lang: Lang) -> str:
    """Energy prices in öre/kWh (as Swedish price lists show them); fees in kronor per unit."""
    if unit == "kWh":
        return format_number(value * 100, lang, decimals=2) + f"{NBSP}öre/kWh"
    return f"{format_sek(value, lang)}/{unit_name(unit, lang)}"


def percent(value: Decimal, lang: Lang) -> str:
    """``25,00 %`` (sv) or ``25.00 %`` (en)."""
    return format_number(value, lang, decimals=2) + f"{NBSP}%"


def to_local(instant: datetime) -> datetime:
    """The instant in Europe/Stockholm; naive datetimes are refused."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime: every instant must carry a time zone")
    return instant.astimezone(STOCKHOLM)


def format_date(day: date | datetime, lang: Lang) -> str:
    """``30 mars 2025`` / ``30 March 2025``; an instant is first moved to Stockholm."""
    if isinstance(day, datetime):
        day = to_local(day).date()
    return babel_format_date(day, format="long", locale=LOCALES[lang])


def format_datetime(instant: datetime, lang: Lang) -> str:
    """``30 mars 2025 kl. 03:00`` / ``30 March 2025, 03:00`` in Stockholm time."""
    local = to_local(instant)
    pattern = "d MMMM y" + _TIME_PREFIX[lang] + "HH:mm"
    return babel_format_datetime(local, pattern, locale=LOCALES[lang]) + _offset_note(local)


def format_time(instant: datetime, lang: Lang) -> str:
    """``03:00`` in Stockholm time, with the offset when the wall-clock time is ambiguous."""
    local = to_local(instant)
    return babel_format_datetime(local, "HH:mm", locale=LOCALES[lang]) + _offset_note(local)


def utc_offset(instant: datetime) -> str:
    """``+01:00`` or ``+02:00``: the Stockholm offset at that instant."""
    return to_local(instant).isoformat()[-6:]


@lru_cache(maxsize=65_536)  # pure; the same buckets recur on every page view
def format_period(start: datetime, end: datetime, resolution: Resolution, lang: Lang) -> str:
    """The name of one bucket ``[start, end)``.

    Quarter-hours and hours: ``30 mars 2025 kl. 03:00``; days: ``30 mars 2025``; weeks: ``vecka 13
    2025``; months: ``mars 2025``; years: ``2025``. A calendar bucket cut short by the edge of the
    chosen period is shown as its dates instead (``26–30 mars 2025``).
    """
    if resolution.is_metered:
        return format_datetime(start, lang)
    first, stop = to_local(start).date(), to_local(end).date()
    if resolution is not Resolution.P1D and (
        bucket_start(first, resolution) != first or next_bucket(first, resolution) != stop
    ):
        return format_date_range(first, stop, lang)
    locale = LOCALES[lang]
    if resolution is Resolution.P1D:
        return _long_date(first, lang)
    if resolution is Resolution.P1W:
        year, week, _ = first.isocalendar()
        return f"{translate('week_label', lang)} {week} {year}"
    if resolution is Resolution.P1M:
        return babel_format_date(first, format="LLLL y", locale=locale)
    return str(first.year)


def _long_date(day: date, lang: Lang) -> str:
    """Babel's ``long`` date (``5 december 2025``; a test holds them equal), from its month names:
    a year by day asks for hundreds of dates, each some tens of µs in Babel."""
    if _LONG_DATE_PATTERNS[lang] != "d MMMM y":  # some other locale data: ask Babel
        return babel_format_date(day, format="long", locale=LOCALES[lang])
    return f"{day.day} {_month_names(lang)[day.month]} {day.year}"


_LONG_DATE_PATTERNS: Final[dict[Lang, str]] = {
    lang: get_date_format("long", locale=locale).pattern for lang, locale in LOCALES.items()
}


@cache
def _month_names(lang: Lang) -> dict[int, str]:
    return dict(get_month_names("wide", context="format", locale=LOCALES[lang]).items())


def format_date_range(first: date, end: date, lang: Lang) -> str:
    """Local dates ``[first, end)`` as ``26–30 mars 2025``; one date when the range is one day."""
    last = end - timedelta(days=1)
    if last <= first:
        return babel_format_date(first, format="d MMM y", locale=LOCALES[lang])
    # Newer CLDR data puts thin spaces around the en dash in English only; keep both alike.
    text = format_interval(first, last, "yMMMd", locale=LOCALES[lang])
    return text.replace("\N{THIN SPACE}–\N{THIN SPACE}", "–")


@lru_cache(maxsize=65_536)
def format_short_period(start: datetime, resolution: Resolution, lang: Lang) -> str:
    """A compact axis label: ``03:00``, ``30``, ``v. 13``, ``mars``, ``2025``."""
    local = to_local(start)
    if resolution.is_metered:
        return format_time(local, lang)
    if resolution is Resolution.P1D:
        return str(local.day)
    if resolution is Resolution.P1W:
        return f"{translate('week_short', lang)} {local.isocalendar()[1]}"
    if resolution is Resolution.P1M:
        return babel_format_date(local.date(), format="LLL", locale=LOCALES[lang])
    return str(local.year)


def _offset_note(local: datetime) -> str:
    """`` (UTC+02:00)`` when the same wall-clock time also occurs at another offset."""
    if local.replace(fold=1 - local.fold).utcoffset() == local.utcoffset():
        return ""
    return f" (UTC{local.isoformat()[-6:]})"


def _context_lang(context: Context) -> Lang:
    lang = context.get("lang", DEFAULT_LANG)
    return lang if is_lang(lang) else DEFAULT_LANG


def _with_lang(function: Callable[..., str]) -> Callable[..., str]:
    """A Jinja filter taking the language from ``lang=`` or from the template's ``lang``."""

    @pass_context
    def jinja_filter(context: Context, value: Any, *args: Any, lang: Lang | None = None) -> str:
        return function(value, *args, lang or _context_lang(context))

    return jinja_filter


def install_filters(env: Environment) -> None:
    """Register ``kwh``, ``sek``, ``date``, ``datetime``, ``period`` and ``t`` in ``env``.

    Each uses the template variable ``lang`` unless given ``lang=``:
    ``{{ bucket.wh | kwh }}``, ``{{ b.start | period(b.end, series.resolution) }}``,
    ``{{ "consumption" | t }}``.
    """
    env.filters["kwh"] = _with_lang(format_kwh)
    env.filters["sek"] = _with_lang(format_sek)
    env.filters["date"] = _with_lang(format_date)
    env.filters["datetime"] = _with_lang(format_datetime)
    env.filters["period"] = _with_lang(format_period)
    env.filters["t"] = _with_lang(translate)
    env.globals["t"] = pass_context(
        lambda context, key, lang=None: translate(key, lang or _context_lang(context))
    )
