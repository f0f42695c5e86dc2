"""Web push: the subscriptions of people's devices, the outbox of messages to send, the worker's heartbeat."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, event, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .types import QUEUE_TABLE, UTCDateTime, utcnow


class PushSubscription(db.Model):
    """One browser's push subscription, for a survivor or a staff member."""

    __table_args__ = (
        CheckConstraint("(survivor_id IS NULL) != (staff_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int | None] = mapped_column(ForeignKey("survivor.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the push service refuses this subscription (403: it does not accept our VAPID
    # subject or key), so a supervisor sees that the phone gets no notifications; cleared on success.
    problem: Mapped[str | None] = mapped_column(String(20))
    problem_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    messages: Mapped[list["PushMessage"]] = relationship(back_populates="subscription", cascade="all, delete-orphan", passive_deletes=True)

    def info(self) -> dict:
        """The subscription as pywebpush and the Push API describe it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushMessage(db.Model):
    """A notification waiting to be sent to one subscription (the outbox).

    It is written in the same transaction as what it announces, and the worker
    sends it, retrying with backoff when the push service is busy. A message that
    is useless after a moment (a reminder after the appointment starts) has
    ``expires_at``: its TTL is recomputed on every try and past that moment it is
    dropped (status ``expired``), never sent. ``topic`` lets the push service
    replace an undelivered older message with the same topic.
    """

    __table_args__ = QUEUE_TABLE

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("push_subscription.id", ondelete="CASCADE"), index=True)
    payload: Mapped[str] = mapped_column(Text)
    ttl: Mapped[int] = mapped_column(default=3600)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status_code: Mapped[int | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    topic: Mapped[str | None] = mapped_column(String(32))

    subscription: Mapped[PushSubscription] = relationship(back_populates="messages")


class WorkerHeartbeat(db.Model):
    """One row per worker process: when it last finished a round, and what that round did.

    ``/healthz`` reads the newest ``beat_at`` to tell whether the worker runs.
    It holds counts only, nothing about any person.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    worker: Mapped[str] = mapped_column(String(40), unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    rounds: Mapped[int] = mapped_column(default=0)
    interval_seconds: Mapped[int] = mapped_column(default=15)
    last_round: Mapped[str] = mapped_column(Text, default="")


# A transaction that adds or changes a row of these tables (a help request's push, an appointment's
# reminders) gives the worker something to do: on PostgreSQL it signals WORK_CHANNEL (NOTIFY,
# delivered at its commit), so a waiting worker starts its round at once (``pwa.worker.Changes``).
# On SQLite the worker reads the database's change counter instead.
WORK_CHANNEL = "dera_work"
_WORK_TABLES = frozenset({"push_message", "appointment_reminder"})
_QUEUED = "dera.work_queued"


def _queues_work(session) -> bool:
    return any(getattr(record, "__tablename__", None) in _WORK_TABLES for record in (*session.new, *session.dirty))


@event.listens_for(Session, "before_flush")
def _note_queued_work(session, flush_context, instances) -> None:
    if not session.info.get(_QUEUED) and _queues_work(session):
        session.info[_QUEUED] = True


@event.listens_for(Session, "before_commit")
def _signal_queued_work(session) -> None:
    if (session.info.pop(_QUEUED, False) or _queues_work(session)) and session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {WORK_CHANNEL}"))


@event.listens_for(Session, "after_rollback")
def _forget_queued_work(session) -> None:
    session.info.pop(_QUEUED, None)
