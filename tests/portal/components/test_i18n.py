from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.requests import Request

from elkund.metering.domain import AggregateQuality, Quality, Resolution
from elkund.portal.components.i18n import (
    LANGUAGES,
    MESSAGES,
    chosen_language,
    error_text,
    language_of,
    other_language,
    translate,
)

TEMPLATES = Path(__file__).parents[3] / "src" / "elkund" / "portal" / "templates"


def _request(query: str = "", cookie: str | None = None) -> Request:
    headers = [(b"cookie", cookie.encode())] if cookie is not None else []
    scope = {"type": "http", "method": "GET", "path": "/", "query_string": query.encode()}
    return Request(scope | {"headers": headers})


def test_every_message_has_every_language() -> None:
    for key, words in MESSAGES.items():
        assert set(words) == set(LANGUAGES), key
        assert all(word.strip() for word in words.values()), key


def test_translate_is_swedish_first_with_english() -> None:
    assert translate("consumption", "sv") == "Förbrukning"
    assert translate("consumption", "en") == "Consumption"
    assert translate("third_party_access", "sv") == "Tredjepartsåtkomst"
    assert translate("approve", "en") == "Approve"
    assert translate("sign_out", "sv") == "Logga ut"


def test_unknown_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        translate("no_such_word", "sv")


def test_every_quality_and_resolution_has_a_word() -> None:
    assert translate("quality_contains_estimated", "sv") == "innehåller uppskattade värden"
    for lang in LANGUAGES:
        for quality in AggregateQuality:
            translate(f"quality_{quality.value}", lang)
        for resolution in Resolution:
            translate(f"resolution_{resolution.value}", lang)
            translate(f"per_resolution_{resolution.value}", lang)
    assert {q.label for q in Quality} == {"measured", "estimated", "missing"}


@pytest.mark.parametrize(
    ("query", "cookie", "expected"),
    [
        ("", None, "sv"),
        ("lang=en", None, "en"),
        ("", "lang=en", "en"),
        ("lang=sv", "lang=en", "sv"),
        ("lang=en", "lang=sv", "en"),
        ("lang=de", "lang=en", "en"),
        ("lang=de", "lang=xx", "sv"),
        ("lang=EN", None, "sv"),
    ],
)
def test_language_of_prefers_query_then_cookie_then_swedish(
    query: str, cookie: str | None, expected: str
) -> None:
    assert language_of(_request(query, cookie)) == expected


def test_translate_fills_in_the_params() -> None:
    assert translate("request_from", "sv", company="Wattkollen AB") == "Begäran från Wattkollen AB"
    assert translate("request_from", "en", company="{x}") == "Request from {x}"
    assert (
        translate("chart_summary_missing", "en")
        == "{count} of {total} bars lack some or all values."
    )


def test_every_word_a_template_asks_for_is_in_the_catalogue() -> None:
    """A key misspelt in a template would only fail when that page is shown."""
    asked = {
        key
        for template in TEMPLATES.rglob("*.html")
        for key in re.findall(r"\bt\('([A-Za-z0-9_]+)'[,)]", template.read_text())
    }
    assert len(asked) > 100
    assert sorted(asked - set(MESSAGES)) == []


def test_error_texts_are_found_by_code_or_by_their_swedish_wording() -> None:
    # by the error's code: a domain error's English detail becomes the customer's text
    assert error_text("No such consent of yours.", "sv", code="consent_not_found") == (
        "Inget sådant medgivande från dig."
    )
    assert error_text("No such consent.", "en", code="consent_not_found") == (
        "There is no such consent of yours."
    )
    # by the Swedish text raised (a code shared by several messages, like "forbidden")
    swedish = translate("error_no_longer_acting_for", "sv")
    assert error_text(swedish, "en", code="forbidden") == "You can no longer act for this customer."
    assert error_text(swedish, "sv", code="forbidden") == swedish
    # anything else is shown as it came
    assert error_text("Något helt annat.", "en", code="invalid") == "Något helt annat."


def test_error_texts_have_one_swedish_wording_each() -> None:
    """The Swedish text finds its entry again, so no two error entries may share one."""
    details = [w["sv"] for k, w in MESSAGES.items() if k.startswith("error_") and "title" not in k]
    assert len(details) == len(set(details))


@pytest.mark.parametrize(
    ("query", "expected"), [("lang=en", "en"), ("lang=sv", "sv"), ("lang=xx", None), ("", None)]
)
def test_only_a_known_language_is_a_choice(query: str, expected: str | None) -> None:
    assert chosen_language(_request(query)) == expected


def test_the_toggle_offers_the_other_language() -> None:
    assert (other_language("sv"), other_language("en")) == ("en", "sv")
