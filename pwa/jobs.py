"""Claiming work safely when several worker processes run at once.

A row is claimed by writing a random token into ``claimed_by`` in one UPDATE.
On PostgreSQL the rows are picked with ``FOR UPDATE SKIP LOCKED``, so workers
never wait on each other; on SQLite the single UPDATE statement takes the
database's write lock, so two workers cannot claim the same row. A claim older
than the lease (a worker that died mid-way) can be taken over.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

LEASE = timedelta(minutes=5)


def claim(session, model, condition, now: datetime, limit: int = 50, lease: timedelta = LEASE) -> list:
    """Claim up to ``limit`` rows of ``model`` matching ``condition``; return them."""
    session.commit()  # start from a fresh transaction, holding no read lock
    token = secrets.token_hex(10)
    claimable = and_(condition, or_(model.claimed_at.is_(None), model.claimed_at < now - lease))
    candidates = select(model.id).where(claimable).order_by(model.id).limit(limit).with_for_update(skip_locked=True)
    session.execute(
        update(model)
        .where(model.id.in_(candidates.scalar_subquery()), claimable)
        .values(claimed_by=token, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return list(session.scalars(select(model).where(model.claimed_by == token).order_by(model.id)))
