"""Push subscriptions and the outbox: subscribe, queue a notification, deliver what is due."""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, insert, or_, select, update

from ..jobs import LEASE, any_claimable, claim_rows, renew
from ..models import PushMessage, PushSubscription
from . import sender

log = logging.getLogger("dera.push")

# Messages per claim: each claim is one short write, and the database's writes are what several
# workers share (SQLite has one writer), so a claim takes more than one round trip's worth.
PUSH_BATCH = 50
# Sends in flight at once per worker process (``DERA_PUSH_AT_ONCE``): the push services answer in their own time.
AT_ONCE = 32
# A round keeps taking full batches for up to this many seconds, then lets the other tasks run.
ROUND_SECONDS = 10.0
# Answers from the push services are written at least this often (seconds).
RECORD_EVERY = 0.25

# The Web Push urgencies, most pressing first: a help request's push (``high``) is claimed and sent
# before a bulk of everyday reminders queued ahead of it.
URGENCIES = ("high", "normal", "low", "very-low")
_RANK = {name: rank for rank, name in enumerate(URGENCIES)}
_URGENT_FIRST = case(_RANK, value=PushMessage.urgency, else_=len(URGENCIES))

# Waits before each retry when the push service is busy or down; then the message fails.
BACKOFF = [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30), timedelta(hours=2)]


def _owned_by(owner):
    if owner.is_staff:
        return PushSubscription.staff_id == owner.id
    return PushSubscription.survivor_id == owner.id


def subscriptions_of(session, owner) -> list[PushSubscription]:
    return list(session.scalars(select(PushSubscription).where(_owned_by(owner))))


def push_refused(session, owner) -> bool:
    """Whether a push service refuses one of ``owner``'s browsers (staff see it on her page)."""
    return session.scalar(select(func.count(PushSubscription.id)).where(_owned_by(owner), PushSubscription.problem.is_not(None))) > 0


def save_subscription(session, owner, endpoint: str, p256dh: str, auth: str, now: datetime) -> PushSubscription:
    """Remember this browser's subscription for ``owner`` (a browser that changed hands moves with it)."""
    fields = {
        "survivor_id": owner.id if owner.is_survivor else None,
        "staff_id": owner.id if owner.is_staff else None,
        "p256dh": p256dh,
        "auth": auth,
    }
    subscription = session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint, created_at=now, **fields)
        session.add(subscription)
    else:
        for name, value in fields.items():
            setattr(subscription, name, value)
    return subscription


def remove_subscription(session, owner, endpoint: str) -> bool:
    result = session.execute(delete(PushSubscription).where(_owned_by(owner), PushSubscription.endpoint == endpoint))
    return result.rowcount > 0


def queue_notification(
    session, owner, payload: dict, now: datetime, ttl: int = 3600, urgency: str = "normal",
    expires_at: datetime | None = None, topic: str | None = None, subscriptions=None,
) -> int:
    """Put a notification for each of ``owner``'s browsers in the outbox, in the caller's transaction.

    ``expires_at``: the moment it becomes useless (its TTL then counts down to it on every
    try); ``topic``: a newer message with the same topic replaces an undelivered older one;
    ``subscriptions``: the owner's subscriptions when the caller has loaded them already.
    """
    if subscriptions is None:
        subscriptions = subscriptions_of(session, owner)
    rows = outbox_rows(subscriptions, payload, now, ttl, urgency, expires_at, topic)
    session.add_all(PushMessage(subscription=subscription, **row) for subscription, row in zip(subscriptions, rows))
    return len(rows)


def outbox_rows(subscriptions, payload: dict, now: datetime, ttl: int = 3600, urgency: str = "normal",
                expires_at: datetime | None = None, topic: str | None = None) -> list[dict]:
    """The outbox rows of one notification to each of ``subscriptions``, for ``queue_rows``."""
    data = sender.encode_payload(payload)
    return [
        {"subscription_id": subscription.id, "payload": data, "ttl": ttl, "urgency": urgency, "created_at": now,
         "next_attempt_at": now, "expires_at": expires_at, "topic": topic}
        for subscription in subscriptions
    ]


def queue_rows(session, rows: list[dict]) -> None:
    """Put many outbox rows in at once (one statement), in the caller's transaction."""
    if rows:
        session.execute(insert(PushMessage.__table__), rows)  # the table, not the entity: no per-row ORM work


@dataclass(frozen=True)
class _Outgoing:
    """What one send needs, copied out of the database rows."""

    id: int
    subscription_id: int
    info: dict
    data: str
    ttl: int
    urgency: str
    topic: str
    attempts: int


def _subscription_column(column):
    return select(column).where(PushSubscription.id == PushMessage.subscription_id).scalar_subquery()


# What a send needs, handed back by the claim itself (the subscription's keys as subqueries).
_CLAIM_RETURNS = (
    PushMessage.subscription_id, PushMessage.payload, PushMessage.ttl, PushMessage.urgency, PushMessage.topic,
    PushMessage.attempts, PushMessage.expires_at, _subscription_column(PushSubscription.endpoint),
    _subscription_column(PushSubscription.p256dh), _subscription_column(PushSubscription.auth),
)


def _outgoing(row, now: datetime) -> _Outgoing | None:
    """The claimed message ready to send at ``now``, or None when it has expired."""
    message_id, subscription_id, payload, ttl, urgency, topic, attempts, expires_at, endpoint, p256dh, auth = row
    if expires_at is not None:
        left = int((expires_at - now).total_seconds())
        if left <= 0:
            return None
        ttl = min(ttl, left)
    info = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
    return _Outgoing(message_id, subscription_id, info, sender.with_id(payload, message_id), ttl, urgency, topic or f"m{message_id}", attempts)


def _urgency_rank(item: _Outgoing) -> tuple[int, int]:
    """The order of a claim's sends: the most urgent first, then the oldest."""
    return _RANK.get(item.urgency, len(URGENCIES)), item.id


def _settle(session, message_ids, **values) -> None:
    if message_ids:
        session.execute(update(PushMessage.__table__).where(PushMessage.id.in_(message_ids)).values(claimed_by=None, claimed_at=None, **values))


def _record(session, results: list[tuple[_Outgoing, sender.Result]], now: datetime, counts: dict[str, int]) -> None:
    """Write what the push services answered: the usual case (sent) in two statements for the lot."""
    sent = [(item, result) for item, result in results if result.outcome is sender.Outcome.SENT]
    if sent:
        for code in {result.status_code for _, result in sent}:
            ids = [item.id for item, result in sent if result.status_code == code]
            _settle(session, ids, status="sent", sent_at=now, attempts=PushMessage.attempts + 1, last_status_code=code)
        # Rows this round has marked already are left alone (a phone gets many messages in a round).
        session.execute(
            update(PushSubscription.__table__)
            .where(PushSubscription.id.in_({item.subscription_id for item, _ in sent}),
                   or_(PushSubscription.last_sent_at.is_(None), PushSubscription.last_sent_at < now, PushSubscription.problem.is_not(None)))
            .values(last_sent_at=now, problem=None, problem_at=None)
        )
    for item, result in results:
        counts[result.outcome.value] += 1
        if result.outcome is sender.Outcome.SENT:
            continue
        if result.outcome is sender.Outcome.GONE:
            session.execute(delete(PushSubscription).where(PushSubscription.id == item.subscription_id))
            continue
        attempts = item.attempts + 1
        values = {"attempts": attempts, "last_status_code": result.status_code}
        if result.outcome is sender.Outcome.RETRY and attempts <= len(BACKOFF):
            wait = BACKOFF[attempts - 1]
            if result.retry_after:
                wait = max(wait, timedelta(seconds=min(result.retry_after, 6 * 3600)))
            _settle(session, [item.id], status="retry", next_attempt_at=now + wait, **values)
        else:
            _settle(session, [item.id], status="failed", **values)
        if result.outcome is sender.Outcome.REFUSED:
            session.execute(
                update(PushSubscription).where(PushSubscription.id == item.subscription_id)
                .values(problem="refused", problem_at=now).execution_options(synchronize_session=False)
            )


async def _send(pusher: sender.Pusher, item: _Outgoing, vapid: sender.VapidHeaders, answers: list, arrived: asyncio.Event) -> None:
    """Send one message and put its answer in ``answers``; an unexpected error (a malformed key, say) is a failure."""
    try:
        result = await pusher.send(item.info, item.data, vapid, item.ttl, item.urgency, topic=item.topic)
    except Exception as error:  # one broken subscription must not stop the batch
        # The error's type only: its text may carry the endpoint, a secret of her browser.
        log.error("push send failed: %s", type(error).__name__)
        result = sender.Result(sender.Outcome.FAILED)
    answers.append((item, result))
    arrived.set()


def deliver_due_messages(
    session, now: datetime, vapid, subject: str, limit: int = PUSH_BATCH, lease: timedelta = LEASE,
    at_once: int = AT_ONCE, budget: float = ROUND_SECONDS, feed=None,
) -> dict[str, int]:
    """Send the queued messages that are due; safe to run in several processes at once.

    Messages are claimed in batches of ``limit``, each in one statement that returns what
    the sends need, and sent from one event loop, up to ``at_once`` at a time; the
    next batch is claimed as soon as fewer than ``at_once`` sends are out, so the
    push services never wait on the database. What they answered so far is written
    in the same transaction as the next claim (one commit per batch), and at least
    every ``RECORD_EVERY`` seconds; the claims still out are renewed every third of
    the lease, so no other worker takes them over while this one lives. Claiming
    stops when a batch comes back short, or after ``budget`` seconds with ``more``
    counted (more is due).

    ``feed(session, now)``, when given, queues more messages in the transaction of
    each claim (the reminders falling due, a batch at a time) and says whether it
    has more; it is called until it has none, or until the budget is spent. It is
    called once before the first claim, which takes what it queued and nothing
    more, so the first push leaves before the next batch is decided; then
    first in each claim's transaction, before anything is written, and may commit a
    claim of its own there (the reminders' claim, so no write lock is held while
    they are decided).
    """
    counts = {outcome.value: 0 for outcome in sender.Outcome} | {"expired": 0}
    if vapid is None:
        return counts
    feeding = feed is not None and feed(session, now)
    if not feeding and not any_claimable(session, PushMessage, due_messages(now), now, lease):
        session.commit()  # nothing to send: no event loop, threads or connections this round
        return counts
    run_coroutine(_deliver(session, now, sender.VapidHeaders(vapid, subject), limit, lease, at_once, budget, counts, feed if feeding else None))
    return counts


def due_messages(now: datetime):
    """The outbox rows due to be sent at ``now``."""
    return and_(PushMessage.status.in_(("queued", "retry")), PushMessage.next_attempt_at <= now)


def run_coroutine(coroutine):
    """Run ``coroutine`` in an event loop of its own, also when the caller's thread already runs one; its result."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # Code that drives its own loop in this thread (a browser-driving test harness, say) cannot
    # start another here: the coroutine gets a thread of its own, with this thread's context.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(contextvars.copy_context().run, asyncio.run, coroutine).result()


def _write_and_claim(session, answered: list, claim: bool, feed, now: datetime, due_by: datetime, limit: int, lease: timedelta,
                     counts: dict[str, int]) -> tuple[str | None, int, list[_Outgoing], bool]:
    """One transaction: let ``feed`` queue more, write what the push services answered, and claim the next batch when ``claim``.

    The claim takes the messages due by ``due_by``: the round's clock moved on, so what another
    worker queued meanwhile is taken too. Returns the claim's token, how many rows it took, those
    still worth sending (the expired are settled), and whether the feed has more.
    """
    feeding = feed is not None and feed(session, now)  # first: it commits its own claim before it decides
    if answered:
        _record(session, answered, now, counts)
    token, rows, ready = None, [], []
    if claim:
        token, rows = claim_rows(session, PushMessage, due_messages(due_by), now, limit, lease, _CLAIM_RETURNS, first=(_URGENT_FIRST,))
        outgoing = [_outgoing(row, now) for row in rows]
        expired = [row[0] for row, item in zip(rows, outgoing) if item is None]
        _settle(session, expired, status="expired")
        counts["expired"] += len(expired)
        ready = sorted((item for item in outgoing if item is not None), key=_urgency_rank)
    session.commit()
    return token, len(rows), ready, feeding


async def _deliver(session, now: datetime, vapid: sender.VapidHeaders, limit: int, lease: timedelta, at_once: int, budget: float,
                   counts: dict[str, int], feed) -> None:
    # The database is used from another thread (one call at a time), so that the sends in flight go
    # on while it answers; the sends themselves all run here.
    answers: list = []  # (message, result), put there by the sends as they finish
    arrived = asyncio.Event()
    answered: list = []  # (message, result) not yet written
    out: dict[int, str] = {}  # message id -> the claim's token, for the sends not answered yet
    sending: set[asyncio.Task] = set()  # held here: the event loop keeps only weak references to tasks
    renew_every = (lease / 3).total_seconds()
    started = renewed = written = time.monotonic()

    def moved_on() -> datetime:
        """The round's clock, moved on by the time the round has taken."""
        return now + timedelta(seconds=time.monotonic() - started)

    more = True
    # The caller fed the round's first batch just now: its push is claimed at once, before the feed decides the next.
    fed = feed is not None
    session.commit()  # start from a fresh transaction, holding no read lock (and keep what the feed queued)
    async with sender.Pusher(at_once) as pusher:
        while True:
            for item, _ in answers:
                del out[item.id]
            answered += answers
            answers.clear()
            claiming = (more or feed is not None) and len(out) < at_once
            if claiming or (answered and (not out or time.monotonic() - written >= RECORD_EVERY)):
                feeding_now = feed if claiming and not fed else None
                token, claimed, ready, feeding = await asyncio.to_thread(
                    _write_and_claim, session, answered, claiming, feeding_now, now, moved_on(), limit, lease, counts)
                answered, written = [], time.monotonic()
                if claiming:
                    more, fed = claimed == limit, False
                    if feeding_now is not None:
                        feed = feed if feeding else None
                    if (more or feed is not None) and time.monotonic() - started >= budget:
                        more, feed, counts["more"] = False, None, 1  # the worker's next round starts at once
                    for item in ready:
                        out[item.id] = token
                        task = asyncio.create_task(_send(pusher, item, vapid, answers, arrived))
                        sending.add(task)
                        task.add_done_callback(sending.discard)
                    continue
            if not out and not answered:
                break
            if out and not answers:
                # The sends run while this waits for the first answer (or the time to write or renew).
                arrived.clear()
                try:
                    async with asyncio.timeout(min(renew_every, RECORD_EVERY)):
                        await arrived.wait()
                except TimeoutError:
                    pass
            if out and time.monotonic() - renewed >= renew_every:
                await asyncio.to_thread(renew, session, PushMessage, set(out.values()), moved_on())
                renewed = time.monotonic()


def purge_old_messages(session, now: datetime, days: int = 7) -> int:
    """Sent, expired and failed messages are kept a week, for troubleshooting."""
    return session.execute(
        delete(PushMessage).where(PushMessage.status.in_(("sent", "expired", "failed")), PushMessage.created_at < now - timedelta(days=days))
    ).rowcount


def backlog(session, now: datetime) -> int:
    """How many messages are due and not yet sent (for ``/healthz``)."""
    return session.scalar(select(func.count(PushMessage.id)).where(due_messages(now)))
