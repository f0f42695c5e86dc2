"""Help requests: what a person asked for, who answers, and how far it got."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedText
from ..extensions import db
from .people import Staff, Survivor
from .types import UTCDateTime, utcnow

# The three questions' answers: keys in code, labels in templates (translated).
SETBACKS = (
    "money_or_job",
    "health",
    "mental_health",
    "family_conflict",
    "violence_at_home",
    "neighbours_or_community",
    "safety_and_threats",
    "legal_process",
    "housing",
    "end_of_support",
    "something_else",
)
URGENCIES = ("now", "today", "week")
CONTACTS = ("call", "message", "meet")

# sent → seen → answered, then resolved by staff or withdrawn by her.
OPEN_STATUSES = ("sent", "seen", "answered")
CLOSED_STATUSES = ("resolved", "withdrawn")


class HelpRequest(db.Model):
    """One request for help, made with a key from the phone so that a retry never makes a second one."""

    __table_args__ = (UniqueConstraint("survivor_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique constraint, which starts with it.
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivor.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(36))
    setback: Mapped[str] = mapped_column(String(30))
    urgency: Mapped[str] = mapped_column(String(10))
    contact: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(EncryptedText)
    status: Mapped[str] = mapped_column(String(12), default="sent", index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    escalate_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_how: Mapped[str | None] = mapped_column(String(10))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    outcome: Mapped[str | None] = mapped_column(EncryptedText)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survivor: Mapped[Survivor] = relationship()
    assigned_to: Mapped[Staff | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def state_key(self) -> str:
        """Changes whenever what she sees of the request changes (the page polls with it)."""
        return f"{self.status}-{self.assigned_to_id or 0}"
