"""Fast mapping of UTC epoch seconds to Stockholm local dates, for bulk paths."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from elkund.core.localtime import STOCKHOLM

_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


@lru_cache(maxsize=65536)
def _offset_for_hour(hour: int) -> int:
    # Stockholm's offset changes only on whole UTC hours, so one lookup per hour is exact.
    utcoffset = datetime.fromtimestamp(hour * 3600, UTC).astimezone(STOCKHOLM).utcoffset()
    assert utcoffset is not None
    return int(utcoffset.total_seconds())


def day_number(epoch: int) -> int:
    """The proleptic ordinal (``date.toordinal``) of the local date of an instant."""
    return (epoch + _offset_for_hour(epoch // 3600)) // 86400 + _EPOCH_ORDINAL


def day_numbers(epochs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``day_number`` for a whole array at once: one offset lookup per distinct hour."""
    hours, inverse = np.unique(epochs // 3600, return_inverse=True)
    offsets = np.fromiter((_offset_for_hour(int(h)) for h in hours), np.int64, len(hours))
    result: npt.NDArray[np.int64] = (epochs + offsets[inverse]) // 86400 + _EPOCH_ORDINAL
    return result
