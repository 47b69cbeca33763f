"""Concurrent writers of third-party access, on real transactions (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from elkund.access import service as access
from elkund.access.domain import DataType
from elkund.access.models import AccessRequest, Consent, RequestStatus
from elkund.core.db import session_scope
from elkund.core.localtime import local_date, utcnow
from elkund.customers.identity import format_number
from elkund.metering.domain import Resolution
from elkund.parties.models import Party
from tests.factories import make_customer, make_esco, make_installation


def at_once(work: Callable[[], None], times: int) -> list[BaseException]:
    """Run ``work`` in ``times`` threads started together; the errors they raised."""
    barrier = threading.Barrier(times)
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            work()
        except Exception as error:  # collected for the test to judge
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def setup(committed: sessionmaker[Session]) -> tuple[int, access.RequestDraft]:
    with session_scope(committed) as session:
        customer = make_customer(session)
        installation = make_installation(session, holder=customer)
        today = local_date(utcnow())
        draft = access.RequestDraft(
            installation_id=installation.gsrn,
            customer_identity_number=format_number(customer.identity_number),
            purpose="Energianalys",
            data_types=[DataType.CONSUMPTION],
            resolution=Resolution.PT1H,
            history_from=today - timedelta(days=10),
            valid_until=today + timedelta(days=10),
            delivery="pull",
        )
        return make_esco(session).id, draft


def submit(committed: sessionmaker[Session], esco_id: int, draft: access.RequestDraft) -> None:
    with session_scope(committed, write=True) as session:
        esco = session.get(Party, esco_id)
        assert esco is not None
        access.submit_request(session, esco=esco, draft=draft)


def test_concurrent_identical_requests_make_one_pending_request(
    committed: sessionmaker[Session],
) -> None:
    """TPA-2: no duplicate, however the submissions interleave."""
    esco_id, draft = setup(committed)
    assert at_once(lambda: submit(committed, esco_id, draft), 4) == []
    with session_scope(committed) as session:
        statuses = sorted(session.scalars(select(AccessRequest.status)))
    assert statuses == [RequestStatus.PENDING_CUSTOMER] + [RequestStatus.REFUSED] * 3


def test_concurrent_requests_with_one_idempotency_key_make_one_request(
    committed: sessionmaker[Session],
) -> None:
    esco_id, draft = setup(committed)
    keyed = replace(draft, idempotency_key="same")
    assert at_once(lambda: submit(committed, esco_id, keyed), 4) == []
    with session_scope(committed) as session:
        assert len(session.scalars(select(AccessRequest)).all()) == 1


def pending_requests(
    committed: sessionmaker[Session], esco_id: int, draft: access.RequestDraft, count: int
) -> list[str]:
    """``count`` pending requests of one ESCO, each for its own installation of one customer."""
    with session_scope(committed) as session:
        customer = make_customer(session)
        person = format_number(customer.identity_number)
        gsrns = [make_installation(session, holder=customer).gsrn for _ in range(count)]
        esco = session.get(Party, esco_id)
        assert esco is not None
        return [
            access.submit_request(
                session,
                esco=esco,
                draft=replace(draft, installation_id=gsrn, customer_identity_number=person),
            ).request.id
            for gsrn in gsrns
        ]


def approve(committed: sessionmaker[Session], request_id: str) -> None:
    with session_scope(committed, write=True) as session:
        customer = access.customer_of_request(session, request_id=request_id)
        access.approve_request(session, customer=customer, request_id=request_id, actor="person")


def test_concurrent_approvals_for_one_esco_all_succeed(committed: sessionmaker[Session]) -> None:
    """TPA-6: customers approving at the same moment never block each other into a deadlock."""
    esco_id, draft = setup(committed)
    ids = iter(pending_requests(committed, esco_id, draft, 8))
    lock = threading.Lock()

    def next_approval() -> None:
        with lock:
            request_id = next(ids)
        approve(committed, request_id)

    assert at_once(next_approval, 8) == []
    with session_scope(committed) as session:
        assert len(session.scalars(select(Consent).where(Consent.esco_id == esco_id)).all()) == 8


def test_suspension_leaves_nothing_active_whatever_runs_beside_it(
    committed: sessionmaker[Session],
) -> None:
    """A suspended ESCO can do nothing: approvals and submissions racing the suspension lose."""
    for _ in range(5):
        esco_id, draft = setup(committed)
        ids = pending_requests(committed, esco_id, draft, 6)
        fresh = pending_requests(committed, make_other_esco(committed), draft, 3)

        def suspend(esco_id: int = esco_id) -> None:
            with session_scope(committed, write=True) as session:
                esco = session.get(Party, esco_id)
                assert esco is not None
                access.suspend_esco(session, esco=esco, actor="operator")

        tasks = [
            suspend,
            *(lambda r=request_id: approve(committed, r) for request_id in ids),
            *(
                lambda d=d, e=esco_id: submit(committed, e, d)
                for d in redirected(committed, fresh, draft)
            ),
        ]
        errors = at_once_each(tasks)
        allowed = {"EscoSuspended", "RequestNotPending", "PartySuspended"}
        assert all(type(e).__name__ in allowed for e in errors), errors
        with session_scope(committed) as session:
            active = session.scalars(
                select(Consent).where(Consent.esco_id == esco_id, Consent.status == "active")
            ).all()
            pending = session.scalars(
                select(AccessRequest).where(
                    AccessRequest.esco_id == esco_id, AccessRequest.status == "pending_customer"
                )
            ).all()
        assert (active, pending) == ([], [])


def make_other_esco(committed: sessionmaker[Session]) -> int:
    with session_scope(committed) as session:
        return make_esco(session).id


def redirected(
    committed: sessionmaker[Session], request_ids: list[str], draft: access.RequestDraft
) -> list[access.RequestDraft]:
    """Drafts for the installations of other requests (other ESCO), free for this ESCO to ask."""
    with session_scope(committed) as session:
        rows = [session.get(AccessRequest, r) for r in request_ids]
        return [
            replace(draft, installation_id=row.installation_ref) for row in rows if row is not None
        ]


def at_once_each(tasks: Sequence[Callable[..., None]]) -> list[BaseException]:
    """Run every task in its own thread, all started together."""
    queue = iter(tasks)
    lock = threading.Lock()

    def next_task() -> None:
        with lock:
            task = next(queue)
        task()

    return at_once(next_task, len(tasks))
