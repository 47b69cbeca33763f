"""Pieces deflated apart, joined into one gzip member without inflating them again."""

from __future__ import annotations

import gzip
import random
import struct
import zlib

import pytest

from elkund.portal.components.deflated import Deflated, crc32_combine, deflate, gzip_member

TEXTS = (b"<html><body>" * 50, "åäö ÅÄÖ 12,5 kWh\n".encode() * 20_000, b"", b"</body></html>")


def test_pieces_deflated_apart_make_one_gzip_member_of_their_texts() -> None:
    member = gzip_member(
        [deflate(text, level) for text, level in zip(TEXTS, (1, 6, 9, 1), strict=True)]
    )
    assert gzip.decompress(member) == b"".join(TEXTS)
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # one member, checked and ended
    assert inflater.decompress(member) == b"".join(TEXTS)
    assert inflater.eof
    assert inflater.unused_data == b""


def test_the_trailer_holds_the_crc_and_length_of_the_whole_text() -> None:
    member = gzip_member([deflate(text, 1) for text in TEXTS])
    joined = b"".join(TEXTS)
    assert member[-8:] == struct.pack("<II", zlib.crc32(joined), len(joined))
    assert gzip.decompress(gzip_member([])) == b""


@pytest.mark.parametrize("size", [0, 1, 7, 1_000, 65_537, 300_000])
def test_crc32_combine_equals_the_crc_of_the_joined_bytes(size: int) -> None:
    generator = random.Random(size)
    first = generator.randbytes(generator.randrange(0, 5_000))
    second = generator.randbytes(size)
    combined = crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second))
    assert combined == zlib.crc32(first + second)


def test_a_piece_inflates_to_its_text_and_is_stored_unchanged() -> None:
    for text in TEXTS:
        piece = deflate(text, 6)
        assert piece.inflate() == text
        assert (piece.crc, piece.size) == (zlib.crc32(text), len(text))
        assert Deflated.from_stored(piece.stored()) == piece
