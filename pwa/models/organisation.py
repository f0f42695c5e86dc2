"""The organisation that runs a Dera deployment, and its settings."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..config import ORGANISATION_DEFAULTS
from ..extensions import db
from .types import UTCDateTime, utcnow


class Organisation(db.Model):
    """An NGO or social-services office; holds the settings its supervisors choose."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    app_name: Mapped[str] = mapped_column(String(40), default=ORGANISATION_DEFAULTS["app_name"])
    exit_url: Mapped[str] = mapped_column(String(500), default=ORGANISATION_DEFAULTS["exit_url"])
    idle_lock_survivor_minutes: Mapped[int] = mapped_column(
        default=ORGANISATION_DEFAULTS["idle_lock_survivor_minutes"]
    )
    idle_lock_staff_minutes: Mapped[int] = mapped_column(default=ORGANISATION_DEFAULTS["idle_lock_staff_minutes"])
    helpline: Mapped[str | None] = mapped_column(String(30))
    reminder_hours: Mapped[str] = mapped_column(String(40), default=ORGANISATION_DEFAULTS["reminder_hours"])
    appointment_retention_days: Mapped[int] = mapped_column(default=ORGANISATION_DEFAULTS["appointment_retention_days"])
    appointment_minutes: Mapped[int] = mapped_column(default=ORGANISATION_DEFAULTS["appointment_minutes"])
    calendar_text: Mapped[str | None] = mapped_column(String(40))
    help_escalate_now_minutes: Mapped[int] = mapped_column(default=ORGANISATION_DEFAULTS["help_escalate_now_minutes"])
    help_escalate_today_hours: Mapped[int] = mapped_column(default=ORGANISATION_DEFAULTS["help_escalate_today_hours"])
    help_escalate_week_days: Mapped[int] = mapped_column(default=ORGANISATION_DEFAULTS["help_escalate_week_days"])
    help_retention_days: Mapped[int] = mapped_column(default=ORGANISATION_DEFAULTS["help_retention_days"])
    checkin_interval_crisis_days: Mapped[int] = mapped_column(default=ORGANISATION_DEFAULTS["checkin_interval_crisis_days"])
    checkin_interval_transition_days: Mapped[int] = mapped_column(
        default=ORGANISATION_DEFAULTS["checkin_interval_transition_days"]
    )
    checkin_interval_inclusion_days: Mapped[int] = mapped_column(
        default=ORGANISATION_DEFAULTS["checkin_interval_inclusion_days"]
    )
    closed_case_retention_days: Mapped[int] = mapped_column(default=ORGANISATION_DEFAULTS["closed_case_retention_days"])
    closure_needs_approval: Mapped[bool] = mapped_column(default=ORGANISATION_DEFAULTS["closure_needs_approval"])
    case_manager_two_factor: Mapped[bool] = mapped_column(default=ORGANISATION_DEFAULTS["case_manager_two_factor"])
    audit_retention_days: Mapped[int] = mapped_column(default=ORGANISATION_DEFAULTS["audit_retention_days"])
    paper_consent: Mapped[bool] = mapped_column(default=ORGANISATION_DEFAULTS["paper_consent"])
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def checkin_interval_days(self, stage: str | None) -> int:
        """Days between check-ins owed to a person in ``stage`` (crisis when she has no plan yet)."""
        return {
            "transition": self.checkin_interval_transition_days,
            "inclusion": self.checkin_interval_inclusion_days,
        }.get(stage or "crisis", self.checkin_interval_crisis_days)

    @property
    def reminder_offsets(self) -> list[timedelta]:
        """How long before an appointment each reminder goes, longest first."""
        return parse_reminder_hours(self.reminder_hours)


def parse_reminder_hours(text: str | None) -> list[timedelta]:
    """``"24, 2"`` → [24 hours, 2 hours]: distinct, longest first; raises ValueError on anything else."""
    parts = [part for part in (text or "").replace(" ", "").split(",") if part]
    # At most a few digits each: a longer number is not an hour count and would overflow a timedelta.
    if any(not (part.isascii() and part.isdigit() and len(part) <= 4) for part in parts):
        raise ValueError("reminder hours are whole numbers of hours")
    hours = {int(part) for part in parts}
    if any(h <= 0 for h in hours):
        raise ValueError("reminder hours must be positive")
    return [timedelta(hours=h) for h in sorted(hours, reverse=True)]


def default_organisation() -> Organisation | None:
    """The deployment's organisation for pages shown before anyone signs in."""
    return db.session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
