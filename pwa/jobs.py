"""Claiming work safely when several worker processes run at once.

A claim writes a random token into ``claimed_by`` and the time into
``claimed_at`` in one ``UPDATE ... RETURNING`` statement, which also hands back
what the work needs. The rows are picked in a common table expression, so a
claim never takes more than it asked for: on PostgreSQL the pick holds them
with ``FOR UPDATE SKIP LOCKED`` (workers never wait on each other, and the
expression runs once, and each row is rechecked as it is locked); on SQLite the
statement runs under the database's one write lock, and the update repeats the
claimable condition besides.

Claims are small and short-lived: a worker renews its claim (``renew``) while
it works through a batch, and a claim not renewed for ``LEASE`` belongs to a
worker that died, so another worker takes the rows over within a minute.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

# A claim not renewed for this long is taken over (the worker that made it died).
LEASE = timedelta(seconds=30)
# A worker renews its claims this often while it works.
RENEW_EVERY = LEASE / 3
# Rows per claim: small, so a dead worker holds little and others share the work.
BATCH = 20


def claimable(model, condition, now: datetime, lease: timedelta = LEASE):
    """``condition``, and not claimed by a worker that is still alive."""
    return and_(condition, or_(model.claimed_at.is_(None), model.claimed_at < now - lease))


def any_claimable(session, model, condition, now: datetime, lease: timedelta = LEASE) -> bool:
    """Whether a row of ``model`` matching ``condition`` is there to claim (one small query)."""
    return session.scalar(select(model.id).where(claimable(model, condition, now, lease)).limit(1)) is not None


def claim_rows(session, model, condition, now: datetime, limit: int = BATCH, lease: timedelta = LEASE, returning=(),
               first=()) -> tuple[str, list]:
    """Claim up to ``limit`` rows of ``model`` matching ``condition`` in one statement, in the caller's transaction.

    The rows are taken in the order of ``first`` (expressions; the most pressing rows first),
    then oldest first. Returns the claim's token and, ordered by id, the claimed rows' ``id``
    with ``returning`` (columns of ``model`` or scalar subqueries correlated to it: what the work needs).

    On SQLite, Python's driver opens a transaction only before a statement that begins with
    INSERT, UPDATE or DELETE; a claim (which begins with its ``WITH``) that is the first write of
    a transaction is therefore committed at once. That is safe here: a claim only leases its rows.
    """
    token = secrets.token_hex(10)
    free = claimable(model, condition, now, lease)
    picked = select(model.id).where(free).order_by(*first, model.id).limit(limit).with_for_update(skip_locked=True).cte("picked")
    held = model.id.in_(select(picked.c.id))
    # PostgreSQL rechecks the condition on each row the pick locks; repeating it in the update there
    # only misleads the planner (a scan of every due row for each one picked).
    where = (held,) if session.get_bind().dialect.name == "postgresql" else (held, free)
    statement = update(model.__table__).where(*where).values(claimed_by=token, claimed_at=now).returning(model.id, *returning)
    return token, sorted(session.execute(statement).all(), key=lambda row: row[0])


def claim(session, model, condition, now: datetime, limit: int = BATCH, lease: timedelta = LEASE, options=()) -> list:
    """Claim up to ``limit`` rows of ``model`` matching ``condition``; return them, loaded with ``options``."""
    session.commit()  # start from a fresh transaction, holding no read lock
    token, rows = claim_rows(session, model, condition, now, limit, lease)
    session.commit()
    if not rows:
        return []
    query = select(model).where(model.claimed_by == token).order_by(model.id).options(*options)
    return list(session.scalars(query).unique())


def renew(session, model, tokens, now: datetime) -> int:
    """Extend the claims ``tokens`` (one or several) hold, on the rows they still hold; how many rows that is."""
    tokens = [tokens] if isinstance(tokens, str) else list(tokens)
    result = session.execute(
        update(model).where(model.claimed_by.in_(tokens)).values(claimed_at=now).execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount
