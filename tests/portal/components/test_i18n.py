from __future__ import annotations

import pytest
from starlette.requests import Request

from elkund.metering.domain import AggregateQuality, Quality, Resolution
from elkund.portal.components.i18n import LANGUAGES, MESSAGES, language_of, translate


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
