"""Local days and daily sums of a batch, as the bulk path computes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from elkund.core.localtime import local_date
from elkund.metering.localdays import day_number, day_numbers
from elkund.metering.rollup import Batch


def test_day_numbers_match_local_dates_across_both_dst_changes() -> None:
    start = datetime(2025, 3, 29, tzinfo=UTC)
    instants = [start + timedelta(minutes=15 * i) for i in range(4 * 24 * 3)]
    instants += [
        datetime(2025, 10, 25, 21, 45, tzinfo=UTC) + timedelta(minutes=15 * i) for i in range(12)
    ]
    epochs = np.array([int(t.timestamp()) for t in instants], dtype=np.int64)
    expected = [local_date(t).toordinal() for t in instants]
    assert [day_number(int(e)) for e in epochs] == expected
    assert day_numbers(epochs).tolist() == expected


def test_day_sums_split_by_installation_and_local_day() -> None:
    midnight = int(datetime(2025, 6, 1, 22, tzinfo=UTC).timestamp())  # 00:00 on 2 June in Stockholm
    rows = [
        (1, midnight - 900, 15, 10, 0),  # 1 June, 23:45
        (1, midnight, 15, 20, 1),  # 2 June, estimated
        (1, midnight + 900, 15, 0, 2),  # 2 June, missing
        (2, midnight, 60, 400, 0),
    ]
    june_1, june_2 = date(2025, 6, 1).toordinal(), date(2025, 6, 2).toordinal()
    assert Batch.of(rows).day_sums() == [
        (1, june_1, 10, 15, 0, 0),
        (1, june_2, 20, 15, 1, 1),
        (2, june_2, 400, 60, 0, 0),
    ]
