"""TPA-9, EU-3: the customer's *Logg* also shows what their electricity supplier read, and only
the reads of values from when they held the installation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from elkund.access.customer_view import share_log
from elkund.core.db import session_scope
from elkund.grid.models import Installation, InstallationHolder
from elkund.grid.service import move_in
from elkund.parties.models import Party
from elkund.supply.billing import run_billing
from tests.factories import make_customer
from tests.supply.test_billing import MARCH, RUN_AT, seed


def test_tpa_9_a_supplier_read_is_in_the_holders_log_and_no_one_elses(
    committed: sessionmaker[Session], tmp_path: Path
) -> None:
    world = seed(committed)
    result = run_billing(
        committed, month=MARCH, supplier_org=world.supplier_org, now=RUN_AT, output=tmp_path
    )
    assert len(result.invoices) == 1  # billing read March's values through the gate
    with session_scope(committed, write=True) as session:
        installation = session.scalars(
            select(Installation).where(Installation.gsrn == world.gsrn)
        ).one()
        holder = session.scalars(
            select(InstallationHolder).where(InstallationHolder.installation_id == installation.id)
        ).one()
        newcomer = make_customer(session, name="Ny Boende")
        move_in(session, installation=installation, customer=newcomer, day=date(2025, 4, 1))
        session.flush()
        supplier = session.scalars(
            select(Party).where(Party.org_number == world.supplier_org)
        ).one()
        (line,) = share_log(session, customer_id=holder.customer_id)
        assert (line.company.id, line.basis, line.installation_id) == (
            supplier.id,
            "supplier",
            world.gsrn,
        )
        # The values read are from before the newcomer moved in: not theirs to see.
        assert share_log(session, customer_id=newcomer.id) == []
