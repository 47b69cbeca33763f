"""The portal's words in Swedish (the default) and English: a plain catalogue, no gettext.

Keys are stable snake_case identifiers; templates ask for ``t("consumption")`` and get the word in
the visitor's language. A missing key is a programming error and raises ``KeyError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, Protocol, TypeGuard

Lang = Literal["sv", "en"]
LANGUAGES: Final[tuple[Lang, ...]] = ("sv", "en")
DEFAULT_LANG: Final[Lang] = "sv"
LANG_COOKIE: Final = "lang"
LANG_PARAM: Final = "lang"

MESSAGES: Final[Mapping[str, Mapping[Lang, str]]] = {
    # Pages and navigation
    "my_pages": {"sv": "Mina sidor", "en": "My pages"},
    "overview": {"sv": "Översikt", "en": "Overview"},
    "installation": {"sv": "Anläggning", "en": "Installation"},
    "installations": {"sv": "Anläggningar", "en": "Installations"},
    "consumption": {"sv": "Förbrukning", "en": "Consumption"},
    "download": {"sv": "Ladda ner", "en": "Download"},
    "third_party_access": {"sv": "Tredjepartsåtkomst", "en": "Third-party access"},
    "pending_requests": {"sv": "Begäranden att hantera", "en": "Requests to handle"},
    "active_consents": {
        "sv": "Aktiva tredjepartsmedgivanden",
        "en": "Active third-party consents",
    },
    "inactive_consents": {"sv": "Inaktiva medgivanden", "en": "Inactive consents"},
    "companies_with_access": {"sv": "Företag med åtkomst", "en": "Companies with access"},
    "log": {"sv": "Logg", "en": "Log"},
    "my_account": {"sv": "Mitt konto", "en": "My account"},
    "skip_to_content": {"sv": "Hoppa till innehållet", "en": "Skip to content"},
    "language_switch": {"sv": "In English", "en": "På svenska"},
    # Actions
    "approve": {"sv": "Godkänn", "en": "Approve"},
    "reject": {"sv": "Neka", "en": "Reject"},
    "terminate": {"sv": "Avsluta", "en": "End"},
    "confirm": {"sv": "Bekräfta", "en": "Confirm"},
    "cancel": {"sv": "Avbryt", "en": "Cancel"},
    "sign_in": {"sv": "Logga in", "en": "Sign in"},
    "sign_out": {"sv": "Logga ut", "en": "Sign out"},
    "show": {"sv": "Visa", "en": "Show"},
    "download_csv": {"sv": "Ladda ner CSV", "en": "Download CSV"},
    "download_xlsx": {"sv": "Ladda ner Excel", "en": "Download Excel"},
    # Aggregate quality of a bucket (metering.domain.AggregateQuality)
    "quality_complete": {"sv": "komplett", "en": "complete"},
    "quality_contains_estimated": {
        "sv": "innehåller uppskattade värden",
        "en": "contains estimated values",
    },
    "quality_missing": {"sv": "saknas", "en": "missing"},
    # Quality of one stored value (metering.domain.Quality)
    "value_measured": {"sv": "uppmätt", "en": "measured"},
    "value_estimated": {"sv": "uppskattat", "en": "estimated"},
    "value_missing": {"sv": "saknas", "en": "missing"},
    # Resolutions (metering.domain.Resolution)
    "resolution_PT15M": {"sv": "kvart", "en": "quarter-hour"},
    "resolution_PT1H": {"sv": "timme", "en": "hour"},
    "resolution_P1D": {"sv": "dag", "en": "day"},
    "resolution_P1W": {"sv": "vecka", "en": "week"},
    "resolution_P1M": {"sv": "månad", "en": "month"},
    "resolution_P1Y": {"sv": "år", "en": "year"},
    "per_resolution_PT15M": {"sv": "per kvart", "en": "per quarter-hour"},
    "per_resolution_PT1H": {"sv": "per timme", "en": "per hour"},
    "per_resolution_P1D": {"sv": "per dag", "en": "per day"},
    "per_resolution_P1W": {"sv": "per vecka", "en": "per week"},
    "per_resolution_P1M": {"sv": "per månad", "en": "per month"},
    "per_resolution_P1Y": {"sv": "per år", "en": "per year"},
    "week_label": {"sv": "vecka", "en": "week"},
    "week_short": {"sv": "v.", "en": "wk"},
    # Consumption chart and table
    "period": {"sv": "Period", "en": "Period"},
    "from": {"sv": "Från", "en": "From"},
    "to": {"sv": "Till", "en": "To"},
    "quality": {"sv": "Kvalitet", "en": "Quality"},
    "utc_offset": {"sv": "UTC-förskjutning", "en": "UTC offset"},
    "resolution": {"sv": "Upplösning", "en": "Resolution"},
    "kwh": {"sv": "kWh", "en": "kWh"},
    "energy_kwh": {"sv": "Energi (kWh)", "en": "Energy (kWh)"},
    "this_period": {"sv": "Vald period", "en": "Selected period"},
    "same_period_last_year": {"sv": "Samma period förra året", "en": "Same period last year"},
    "last_year_kwh": {"sv": "Förra året (kWh)", "en": "Last year (kWh)"},
    "change": {"sv": "Förändring", "en": "Change"},
    "total": {"sv": "Totalt", "en": "Total"},
    "consumption_chart": {"sv": "Diagram över förbrukning", "en": "Consumption chart"},
    "meter_values": {"sv": "Mätvärden", "en": "Meter values"},
    "no_values": {"sv": "Inga värden för perioden", "en": "No values for the period"},
    "chart_summary_estimated": {
        "sv": "{count} av {total} staplar innehåller uppskattade värden.",
        "en": "{count} of {total} bars contain estimated values.",
    },
    "chart_summary_missing": {
        "sv": "{count} av {total} staplar saknar värden helt eller delvis.",
        "en": "{count} of {total} bars lack some or all values.",
    },
}


def is_lang(value: object) -> TypeGuard[Lang]:
    return value in LANGUAGES


def translate(key: str, lang: Lang) -> str:
    """The word for ``key`` in ``lang``; raises ``KeyError`` for an unknown key."""
    return MESSAGES[key][lang]


class LanguageSource(Protocol):
    """What ``language_of`` needs from a request (a Starlette ``Request`` fits)."""

    @property
    def query_params(self) -> Mapping[str, str]: ...

    @property
    def cookies(self) -> Mapping[str, str]: ...


def language_of(request: LanguageSource) -> Lang:
    """``?lang=`` wins over the ``lang`` cookie; anything unknown falls back to Swedish."""
    for candidate in (request.query_params.get(LANG_PARAM), request.cookies.get(LANG_COOKIE)):
        if is_lang(candidate):
            return candidate
    return DEFAULT_LANG
