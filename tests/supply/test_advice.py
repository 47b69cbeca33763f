"""SUP-10 (2): contact details for independent energy-efficiency advice in the municipality."""

from __future__ import annotations

import pytest

from elkund.core.errors import AppError
from elkund.grid.municipalities import municipalities
from elkund.supply.advice import NATIONAL_FINDER_URL, LocalAdviser, advice_contact

UPPSALA = LocalAdviser(
    name="Energi- och klimatrådgivningen i Uppsala",
    url="https://example.se/energiradgivning",
    phone="018-000 00 00",
    email="energiradgivning@example.se",
)


def test_without_a_configured_adviser_the_national_finder_is_named_with_the_municipality() -> None:
    contact = advice_contact("0180")

    assert (contact.municipality, contact.url, contact.is_local) == (
        "Stockholm",
        NATIONAL_FINDER_URL,
        False,
    )
    assert contact.phone is None
    assert "Stockholm" in contact.text
    assert NATIONAL_FINDER_URL in contact.text
    assert "kostnadsfria och opartiska" in contact.text


def test_a_configured_local_adviser_is_used_for_its_municipality_only() -> None:
    local = {"0380": UPPSALA}

    uppsala = advice_contact("0380", local)
    gothenburg = advice_contact("1480", local)

    assert (uppsala.name, uppsala.phone, uppsala.email, uppsala.is_local) == (
        UPPSALA.name,
        UPPSALA.phone,
        UPPSALA.email,
        True,
    )
    assert "018-000 00 00" in uppsala.text
    assert "Uppsala" in uppsala.text
    assert (gothenburg.municipality, gothenburg.is_local) == ("Göteborg", False)


def test_every_one_of_the_290_municipalities_has_a_contact() -> None:
    codes = list(municipalities())
    assert len(codes) == 290
    assert all(advice_contact(code).url == NATIONAL_FINDER_URL for code in codes)


@pytest.mark.parametrize("code", ["9999", "180", "", "0180 "])
def test_an_unknown_municipality_code_is_refused(code: str) -> None:
    with pytest.raises(AppError) as caught:
        advice_contact(code)
    assert caught.value.code == "unknown_municipality"
