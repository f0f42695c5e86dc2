"""The audit log: which staff member looked at or changed which survivor's record."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    """One staff action on a survivor's record (no content, only what and when)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"), index=True)
    survivor_id: Mapped[int | None] = mapped_column(ForeignKey("survivor.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40))


def record(staff, survivor, action: str) -> AuditEvent:
    """Add an audit event to the session (committed with the request's work)."""
    event = AuditEvent(staff_id=staff.id, survivor_id=survivor.id if survivor else None, action=action)
    db.session.add(event)
    return event
