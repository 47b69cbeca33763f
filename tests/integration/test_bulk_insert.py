"""``insert_rows``: many rows in one COPY (PostgreSQL) or executemany (SQLite), stored exactly as
an ORM insert of the same values stores them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from elkund.core.bulk import insert_rows
from elkund.core.jobs.models import JobRow
from elkund.supply.models import Product, ProductKind
from tests.factories import make_supplier

RUN_AT = datetime(2025, 12, 3, 5, 0, tzinfo=UTC)


def _product_row(supplier_id: int, n: int, price: Decimal | None) -> dict[str, Any]:
    return {
        "supplier_id": supplier_id,
        "code": f"BULK-{n}",
        "name": 'Fast elpris – 12 mån, "kvartspris"\tmed tabb\\n',  # COPY's special characters
        "kind": ProductKind.FIXED,  # a StrEnum in a String column
        "energy_price_ore_per_kwh": price,
        "term_months": None,
        "markup_ore_per_kwh": None,
        "certificate_ore_per_kwh": Decimal("0.6123"),
        "monthly_fee_sek": Decimal("-39.5"),
        "price_resolution": None,
        "terms_url": "https://elhandel.example/villkor",
        "termination_text": "Rad ett\nrad två",
        "termination_free": n % 2 == 0,
    }


def _stored(session: Session, model: type[Any], order: Any) -> list[dict[str, Any]]:
    """Each row as stored, read back through the model's types, without its id and creation."""
    rows = session.scalars(select(model).order_by(order)).all()
    columns = [c.key for c in model.__table__.columns if c.key not in ("id", "created_at")]
    return [{key: getattr(row, key) for key in columns} for row in rows]


def test_rows_are_stored_as_an_orm_insert_stores_them(session: Session) -> None:
    """Scaled decimals (negative, None), text with tabs, quotes, backslashes and newlines, and
    booleans come back equal to the same rows inserted through the ORM."""
    supplier = make_supplier(session)
    rows = [_product_row(supplier.id, n, Decimal("89.5") if n else None) for n in range(3)]
    insert_rows(session, Product, rows)
    bulk = _stored(session, Product, Product.code)
    session.execute(text("DELETE FROM products"))
    session.add_all(Product(**row) for row in rows)
    session.flush()
    session.expire_all()  # read what the ORM stored, not the objects it holds
    assert bulk == _stored(session, Product, Product.code)
    assert [p["energy_price_ore_per_kwh"] for p in bulk] == [None, Decimal("89.5"), Decimal("89.5")]


def test_left_out_columns_get_their_python_defaults_and_json_its_json(session: Session) -> None:
    """A job row given only kind, payload and run_at gets attempts 0, max_attempts 10 and a
    created_at of now, as an INSERT would; its payload is stored as JSON."""
    before = datetime.now(UTC).replace(microsecond=0)  # SQLite keeps seconds
    payload = {"invoice": 7, "output": "/var/lib/elkund/fakturor", "tal": [1.5, None, "å"]}
    insert_rows(session, JobRow, [{"kind": "render", "payload": payload, "run_at": RUN_AT}])
    job = session.scalars(select(JobRow)).one()
    assert (job.kind, job.payload, job.run_at) == ("render", payload, RUN_AT)
    assert (job.attempts, job.max_attempts, job.locked_by, job.result) == (0, 10, None, None)
    assert before <= job.created_at <= datetime.now(UTC)


def test_json_none_is_stored_as_an_insert_stores_it(session: Session) -> None:
    """A nullable JSON column given None holds JSON ``null`` after a Core INSERT (SQLAlchemy's
    default, ``none_as_null=False``), and after ``insert_rows`` too."""
    row = {"kind": "render", "payload": {"n": 1}, "run_at": RUN_AT, "result": None}
    insert_rows(session, JobRow, [row])
    session.execute(insert(JobRow), [row | {"kind": "core"}])
    stored = session.execute(
        text("SELECT kind, result IS NULL, CAST(result AS TEXT) FROM jobs ORDER BY kind")
    ).all()
    assert stored[0][1:] == stored[1][1:]


def test_a_default_sql_computes_is_refused(session: Session) -> None:
    """A column whose default SQL computes (or that needs the INSERT's context) cannot be filled
    by COPY: refused before anything is sent, rather than stored as NULL."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite inserts with an ordinary INSERT, which computes such defaults")
    with pytest.raises(TypeError, match="stamped"):
        insert_rows(session, cast(Any, _Stamped), [{"id": 1}])
    with pytest.raises(TypeError, match="counted"):
        insert_rows(session, cast(Any, _Counted), [{"id": 1}])


class _Other(DeclarativeBase):
    """Models outside the application's metadata: never created, only refused."""


class _Stamped(_Other):
    __tablename__ = "stamped"
    id: Mapped[int] = mapped_column(primary_key=True)
    stamped: Mapped[datetime] = mapped_column(default=func.now())


class _Counted(_Other):
    __tablename__ = "counted"
    id: Mapped[int] = mapped_column(primary_key=True)
    counted: Mapped[int] = mapped_column(
        default=lambda context: context.get_current_parameters()["id"] * 2
    )


def test_nothing_to_insert_sends_nothing(session: Session) -> None:
    insert_rows(session, JobRow, [])
    assert session.scalars(select(JobRow)).all() == []


def test_a_value_a_column_cannot_hold_is_refused_whole(session: Session) -> None:
    """A price with more decimals than its scale fails the column's own bind processing before
    any row is sent: no row of the batch is stored and the transaction goes on."""
    supplier = make_supplier(session)
    rows = [_product_row(supplier.id, 1, Decimal("1.5")), _product_row(supplier.id, 2, None)]
    rows[1]["monthly_fee_sek"] = Decimal("0.123456789")
    with pytest.raises((ValueError, StatementError), match="decimals"):
        insert_rows(session, Product, rows)
    assert session.scalars(select(Product)).all() == []
