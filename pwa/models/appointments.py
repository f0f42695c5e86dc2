"""Appointments a case manager schedules for a survivor, and the reminders they send."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedText
from ..extensions import db
from .people import Staff, Survivor
from .types import QUEUE_TABLE, UTCDateTime, utcnow


class Appointment(db.Model):
    """A meeting at a set time and place; the title and place are encrypted at rest."""

    # The caseload asks every person for her next appointment: the index answers without reading them all.
    __table_args__ = (Index("ix_appointment_survivor_id_starts_at", "survivor_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivor.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    title: Mapped[str] = mapped_column(EncryptedText)
    place: Mapped[str] = mapped_column(EncryptedText)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cant_come_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    # Grows with every change the staff make, so her calendar replaces the old copy (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    # The UID her calendar knows the appointment by: made at the first download, then kept, so
    # that a later file updates the same event even after the secret key has changed.
    calendar_uid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    survivor: Mapped[Survivor] = relationship()
    created_by: Mapped[Staff | None] = relationship()
    reminders: Mapped[list["AppointmentReminder"]] = relationship(
        back_populates="appointment", cascade="all, delete-orphan", passive_deletes=True, order_by="AppointmentReminder.offset_minutes.desc()"
    )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def cant_come(self) -> bool:
        return self.cant_come_at is not None


class AppointmentReminder(db.Model):
    """One reminder of one appointment, at one of the organisation's offsets.

    ``status`` is queued until the dispatcher handles it, then sent (put in the
    push outbox), skipped (cancelled, too late, or reminders off) or failed.
    """

    __table_args__ = (UniqueConstraint("appointment_id", "offset_minutes"), QUEUE_TABLE)

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id", ondelete="CASCADE"), index=True)
    offset_minutes: Mapped[int] = mapped_column()
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appointment: Mapped[Appointment] = relationship(back_populates="reminders")

    @property
    def offset(self) -> timedelta:
        return timedelta(minutes=self.offset_minutes)
