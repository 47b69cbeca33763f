"""Pieces of a page kept deflated and joined into one gzip stream without inflating them again.

A long Förbrukning page is mostly its chart and table (a year by day is ~270 kB of HTML), rendered
ahead of time and stored compressed. Inflating that, putting it into the page and gzipping the
whole page again was about a fifth of a first view's server time (ADR 0021). Instead each piece
is a raw deflate stream (RFC 1951) flushed to a byte boundary without a final block
(``Z_SYNC_FLUSH``), so pieces compressed apart may simply follow each other: every piece has its
own compressor, so its back-references stay inside it. A gzip member (RFC 1952) around them
needs only the CRC-32 and length of the whole, which come from the pieces' own, combined as
zlib's ``crc32_combine`` does (so the pieces need not be read again).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

_RAW: Final = -zlib.MAX_WBITS  # deflate data with no zlib or gzip wrapping
_FINAL_BLOCK: Final = zlib.compressobj(wbits=_RAW).flush()  # an empty last block
_GZIP_HEADER: Final = bytes((0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF))  # deflate, no name, OS unknown
_STORED: Final = struct.Struct(">II")  # CRC-32 and length ahead of the data, as stored
_POLYNOMIAL: Final = 0xEDB88320  # CRC-32's, bits reversed


@dataclass(frozen=True, slots=True)
class Deflated:
    """UTF-8 text as raw deflate data ending on a byte boundary, with the text's CRC-32 and
    length."""

    data: bytes
    crc: int
    size: int

    def inflate(self) -> bytes:
        """The text's UTF-8 bytes (the stream has no final block, so zlib must not insist)."""
        decompressor = zlib.decompressobj(wbits=_RAW)
        return decompressor.decompress(self.data) + decompressor.flush()

    def stored(self) -> bytes:
        """As kept in the database: the CRC-32 and length, then the data."""
        return _STORED.pack(self.crc, self.size) + self.data

    @classmethod
    def from_stored(cls, stored: bytes) -> Deflated:
        """The piece ``stored`` gave."""
        crc, size = _STORED.unpack_from(stored)
        return cls(stored[_STORED.size :], crc, size)


def deflate(text: bytes, level: int) -> Deflated:
    """``text`` as a piece that others may follow (zlib's ``level``, 1 fastest to 9 smallest)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, _RAW)
    data = compressor.compress(text) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return Deflated(data, zlib.crc32(text), len(text))


def gzip_member(pieces: Sequence[Deflated]) -> bytes:
    """One gzip member whose content is the pieces' texts one after another."""
    crc, size = (pieces[0].crc, pieces[0].size) if pieces else (0, 0)
    for piece in pieces[1:]:
        crc = crc32_combine(crc, piece.crc, piece.size)
        size += piece.size
    trailer = struct.pack("<II", crc, size & 0xFFFFFFFF)
    return b"".join((_GZIP_HEADER, *(piece.data for piece in pieces), _FINAL_BLOCK, trailer))


def crc32_combine(first: int, second: int, second_size: int) -> int:
    """The CRC-32 of two byte strings one after the other from each one's CRC-32 and the second
    one's length: ``first`` moved on by ``second_size`` zero bytes (multiplying by x^(8n)
    modulo the polynomial), then ``second`` added, as in zlib's ``crc32_combine``."""
    return _times_modulo(_x_to_8n(second_size), first) ^ second


def _times_modulo(a: int, b: int) -> int:
    """a × b modulo the CRC-32 polynomial, in its bit-reversed representation."""
    product = 0
    bit = 1 << 31
    while a:
        if a & bit:
            product ^= b
            a ^= bit
        bit >>= 1
        b = (b >> 1) ^ _POLYNOMIAL if b & 1 else b >> 1
    return product


def _powers() -> tuple[int, ...]:
    """x^(2^k) modulo the polynomial for k = 0…31."""
    powers = [1 << 30]  # x^1
    for _ in range(31):
        powers.append(_times_modulo(powers[-1], powers[-1]))
    return tuple(powers)


_X_TO_2_TO_K: Final = _powers()


def _x_to_8n(n: int) -> int:
    """x^(8n) modulo the polynomial: the move over n zero bytes."""
    power = 1 << 31  # x^0
    k = 3  # 8n = n × 2^3
    while n:
        if n & 1:
            power = _times_modulo(_X_TO_2_TO_K[k & 31], power)
        n >>= 1
        k += 1
    return power
