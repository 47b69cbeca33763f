"""The little SQL of the demo loader: how much is already there."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from elkund.customers.models import Customer
from elkund.grid.models import Installation
from elkund.metering.models import MeterValue
from elkund.supply.billing_models import Invoice


def counts(session: Session) -> tuple[int, int, int]:
    """Customers, installations and current meter values in the database."""
    return (
        session.scalar(select(func.count()).select_from(Customer)) or 0,
        session.scalar(select(func.count()).select_from(Installation)) or 0,
        session.scalar(select(func.count()).select_from(MeterValue)) or 0,
    )


def invoice_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Invoice)) or 0
