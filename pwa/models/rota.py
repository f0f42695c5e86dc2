"""The duty rota: who shares the duty queue, by weekday and hours in the organisation's time zone."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import Staff

# Minutes in a day: a shift ending at 24:00 ends at minute 1440.
DAY_MINUTES = 24 * 60


class DutyShift(db.Model):
    """A weekly shift: every ``weekday`` (0 is Monday) from ``starts_minute``; past midnight when it ends earlier."""

    __tablename__ = "duty_shift"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]
    starts_minute: Mapped[int]
    ends_minute: Mapped[int]

    staff: Mapped[Staff] = relationship()


class DutyException(db.Model):
    """A date when the weekly shifts of one person give way: off all day, or on for the hours given."""

    __tablename__ = "duty_exception"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date] = mapped_column(Date, index=True)
    # Empty hours: off duty that day.
    starts_minute: Mapped[int | None]
    ends_minute: Mapped[int | None]

    staff: Mapped[Staff] = relationship()

    @property
    def is_off(self) -> bool:
        return self.starts_minute is None
