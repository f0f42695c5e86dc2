"""The organisation that runs a Dera deployment, and its settings."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

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
    # Renewed in the same transaction as any change a page could show (see ``_new_view_version``):
    # a page kept rendered under an older version is never served again (``kept_pages``).
    view_version: Mapped[str | None] = mapped_column(String(32), default=lambda: uuid.uuid4().hex)

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


_FIRST_ORGANISATION = select(Organisation).order_by(Organisation.id).limit(1)


def default_organisation() -> Organisation | None:
    """The deployment's organisation for pages shown before anyone signs in."""
    return db.session.scalar(_FIRST_ORGANISATION)


# Rows no kept page shows: written when staff read a record (the audit log), by the worker as it
# sends (the push queue, reminders' progress, when a phone was last reached: only a person's record
# shows that, and it is never kept), or for the worker's own bookkeeping. Changing them keeps pages
# as they are, so sending does not empty every kept page.
_NOT_SHOWN = frozenset({
    "audit_event", "push_message", "push_subscription", "appointment_reminder", "worker_heartbeat", "directory_state",
})
_CHANGED = "dera_view_changed"


def _shows(table_name: str | None) -> bool:
    return table_name not in _NOT_SHOWN


def _changes_shown(session) -> bool:
    return any(_shows(getattr(record, "__tablename__", None)) for record in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(Session, "before_flush")
def _note_flushed_change(session, flush_context, instances) -> None:
    if not session.info.get(_CHANGED) and _changes_shown(session):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state) -> None:
    """A bulk ``update``, ``delete`` or ``insert`` run through the session counts like a flushed change."""
    if (state.is_insert or state.is_update or state.is_delete) and _shows(getattr(getattr(state.statement, "table", None), "name", None)):
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _new_view_version(session) -> None:
    """Any change pages could show gives every organisation a new view version, last in its transaction.

    Last, so that the organisation's row is locked only for the moment before the commit: two
    transactions never wait for each other in opposite order. Every organisation, because a
    deployment has one or a few, and a change written in bulk does not say whose it is.
    """
    if session.info.get(_CHANGED) or _changes_shown(session):
        # Pending changes are flushed first, then the version is renewed.
        session.execute(update(Organisation).values(view_version=uuid.uuid4().hex))
        session.info.pop(_CHANGED, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_change(session) -> None:
    """After the transaction, the next one starts with nothing changed (a savepoint's end is not this)."""
    session.info.pop(_CHANGED, None)
