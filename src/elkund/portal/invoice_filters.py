"""Jinja filters of the invoice pages and the consumption statement, in the visitor's language.

Registered on the portal's one template environment (as ``tpa`` registers its own); each takes
the language from the template's ``lang``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from babel.dates import format_date as babel_format_date
from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from elkund.portal.auth.pages import context_lang
from elkund.portal.components.formatting import (
    LOCALES,
    NBSP,
    format_kwh,
    format_number,
    percent,
    quantity,
    unit_name,
    unit_price,
)
from elkund.portal.components.i18n import Lang


def month_name(month: date, lang: Lang) -> str:
    """``mars 2025`` / ``March 2025``."""
    return babel_format_date(month, format="LLLL y", locale=LOCALES[lang])


def kwh_decimal(kwh: Decimal, lang: Lang) -> str:
    """kWh as stored on an invoice (a Decimal), with three decimals: ``4 458,000 kWh``."""
    return format_number(kwh, lang, decimals=3) + f"{NBSP}kWh"


def plain_decimal(value: Decimal, lang: Lang) -> str:
    """A figure with exactly the decimals it has: ``371,99`` / ``371.99``."""
    exponent = value.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, lang, decimals=min(decimals, 9))


def wh_number(wh: int, lang: Lang) -> str:
    """Integer Wh as a kWh number without the unit, for a column headed kWh."""
    return format_kwh(wh, lang, unit=False)


_FILTERS: dict[str, Callable[..., str]] = {
    "month_name": month_name,
    "kwh_dec": kwh_decimal,
    "quantity": quantity,
    "unit_name": unit_name,
    "unit_price": unit_price,
    "percent": percent,
    "plain_decimal": plain_decimal,
    "wh_number": wh_number,
}


def _in_lang(function: Callable[..., str]) -> Callable[..., str]:
    @pass_context
    def jinja_filter(context: Context, value: Any, *args: Any) -> str:
        return function(value, *args, context_lang(context))

    return jinja_filter


def install_invoice_filters(env: Environment) -> None:
    for name, function in _FILTERS.items():
        env.filters[name] = _in_lang(function)
