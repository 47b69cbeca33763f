"""Anläggnings-ID: 18 digits, prefix 735999, GS1 check digit."""

from __future__ import annotations

import pytest

from elkund.grid.gsrn import (
    InvalidInstallationId,
    gs1_check_digit,
    make_installation_id,
    parse_installation_id,
)


def test_gs1_check_digit_matches_the_published_algorithm() -> None:
    # GS1's worked example for a GSRN-like 17-digit body: weights 3,1,3,... from the right.
    assert gs1_check_digit("73599900000000001") == "3"
    assert make_installation_id(1) == "735999000000000013"


def test_valid_id_is_accepted_with_spaces_removed() -> None:
    assert parse_installation_id(" 735999 000000000013 ") == "735999000000000013"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("735999000000000014", "check digit"),
        ("73599900000000001", "exactly 18 digits"),
        ("73599900000000001X", "exactly 18 digits"),
        ("123456000000000013", "starts with 735999"),
    ],
)
def test_invalid_id_is_refused_with_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidInstallationId, match=reason) as caught:
        parse_installation_id(raw)
    assert caught.value.code == "invalid_installation_id"
