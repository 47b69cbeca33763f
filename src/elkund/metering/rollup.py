"""Daily sums of a batch of meter values, computed with numpy. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from elkund.metering.domain import Quality
from elkund.metering.localdays import day_numbers
from elkund.metering.validation import ValidRow

DayGroups = tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]


def day_groups(installation: npt.NDArray[np.int64], start: npt.NDArray[np.int64]) -> DayGroups:
    """One int64 key per (installation, local day ordinal), sorted, and each row's index into
    them: day ordinals stay below 2**20 until the year 2870."""
    keys, group_of = np.unique(installation << 20 | day_numbers(start), return_inverse=True)
    return keys, group_of


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch of valid rows as columns: installation, start (epoch s), minutes, Wh, quality."""

    columns: npt.NDArray[np.int64]  # shape (5, n)

    @classmethod
    def of(cls, rows: Sequence[ValidRow]) -> Batch:
        return cls(np.array(rows, dtype=np.int64).reshape(-1, 5).T)

    def installations(self) -> list[int]:
        return [int(i) for i in np.unique(self.columns[0])]

    def span(self) -> tuple[int, int]:
        starts = self.columns[1]
        return int(starts.min()), int(starts.max())

    def day_groups(self) -> DayGroups:
        return day_groups(self.columns[0], self.columns[1])

    def day_sums(
        self, groups: DayGroups | None = None
    ) -> list[tuple[int, int, int, int, int, int]]:
        """Per (installation, local day ordinal): Wh, minutes present, estimated, missing."""
        _, _, minutes, wh, quality = self.columns
        keys, group_of = groups or self.day_groups()
        present = quality != Quality.MISSING
        sums = [
            np.bincount(group_of, weights=column, minlength=len(keys)).astype(np.int64).tolist()
            for column in (
                np.where(present, wh, 0),
                np.where(present, minutes, 0),
                quality == Quality.ESTIMATED,
                ~present,
            )
        ]
        return [
            (key >> 20, key & 0xFFFFF, *(column[g] for column in sums))
            for g, key in enumerate(keys.tolist())
        ]
