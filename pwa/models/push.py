"""Web push: the subscriptions of people's devices, and the outbox of messages to send."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


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

    messages: Mapped[list["PushMessage"]] = relationship(back_populates="subscription", cascade="all, delete-orphan", passive_deletes=True)

    def info(self) -> dict:
        """The subscription as pywebpush and the Push API describe it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushMessage(db.Model):
    """A notification waiting to be sent to one subscription (the outbox).

    It is written in the same transaction as what it announces, and the worker
    sends it, retrying with backoff when the push service is busy.
    """

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

    subscription: Mapped[PushSubscription] = relationship(back_populates="messages")
