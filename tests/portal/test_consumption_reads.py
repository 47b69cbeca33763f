"""The two reads of every Förbrukning view besides the session: whether the acting customer holds
the installation (``held_with_move_in``, EU-5) and the version of its values (``days_version``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from elkund.grid.repository import held_with_move_in
from elkund.grid.service import move_in, move_out
from elkund.metering.formats import FileFormat
from elkund.metering.repository import days_version
from elkund.metering.service import ingest_file
from tests.factories import fake_personnummer, make_customer, make_installation
from tests.integration.helpers import day_file

SINCE = date(2024, 5, 1)


def test_the_holder_gets_the_installation_and_the_move_in_day(session: Session) -> None:
    customer = make_customer(session, identity_number=fake_personnummer("19800101", 986))
    installation = make_installation(session, holder=customer, since=SINCE)
    held = held_with_move_in(session, customer.id, installation.gsrn, SINCE)
    assert held == (installation, SINCE)


def test_another_customers_installation_is_not_held(session: Session) -> None:
    customer = make_customer(session, identity_number=fake_personnummer("19800101", 987))
    stranger = make_customer(session, identity_number=fake_personnummer("19700101", 988))
    theirs = make_installation(session, holder=stranger, since=SINCE)
    make_installation(session, holder=customer, since=SINCE)
    assert held_with_move_in(session, customer.id, theirs.gsrn, date(2025, 1, 1)) is None
    assert held_with_move_in(session, customer.id, "735999000000000000", date(2025, 1, 1)) is None


def test_an_installation_is_held_from_move_in_until_the_day_before_move_out(
    session: Session,
) -> None:
    before = make_customer(session, identity_number=fake_personnummer("19800101", 989))
    after = make_customer(session, identity_number=fake_personnummer("19700101", 990))
    installation = make_installation(session, holder=before, since=SINCE)
    move_out(session, installation=installation, day=date(2025, 1, 1))
    move_in(session, installation=installation, customer=after, day=date(2025, 1, 1))
    gsrn = installation.gsrn

    assert held_with_move_in(session, before.id, gsrn, date(2024, 4, 30)) is None
    assert held_with_move_in(session, before.id, gsrn, date(2024, 12, 31)) == (installation, SINCE)
    assert held_with_move_in(session, before.id, gsrn, date(2025, 1, 1)) is None
    assert held_with_move_in(session, after.id, gsrn, date(2024, 12, 31)) is None
    moved_in = (installation, date(2025, 1, 1))
    assert held_with_move_in(session, after.id, gsrn, date(2025, 1, 1)) == moved_in


def test_the_version_changes_when_values_of_the_days_are_stored_or_corrected(
    session: Session,
) -> None:
    installation = make_installation(session)
    other = make_installation(session)

    def version() -> tuple[int, ...]:
        return days_version(
            session, installation_id=installation.id, first=date(2025, 3, 1), end=date(2025, 3, 3)
        )

    def store(gsrn: str, first: date, end: date, wh: int) -> None:
        report = ingest_file(
            session, data=day_file(gsrn, first, end, wh), file_format=FileFormat.CSV
        )
        assert report.rejected == []

    assert version() == (0, -1, -1, -1, -1, -1)
    store(installation.gsrn, date(2025, 3, 1), date(2025, 3, 3), wh=100)
    stored = version()
    assert stored[0] == 2  # two days
    assert stored[2] == 2 * 96 * 100  # their watt-hours

    store(installation.gsrn, date(2025, 3, 3), date(2025, 3, 4), wh=100)  # a day after the range
    store(other.gsrn, date(2025, 3, 1), date(2025, 3, 3), wh=300)  # another installation
    assert version() == stored

    store(installation.gsrn, date(2025, 3, 2), date(2025, 3, 3), wh=101)  # a correction
    corrected = version()
    assert corrected != stored
    assert corrected[2] == 96 * 100 + 96 * 101
