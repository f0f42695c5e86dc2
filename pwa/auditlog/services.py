"""The audit log as supervisors read it: filtered, a page at a time, and its retention.

An audit event says only who (a staff member), whose record, what kind of
action and when: never a note or anything she wrote.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import aliased

from ..models import AuditEvent, Organisation, Staff, Survivor

ZONE = "Europe/Tirane"

# Every action the code writes, in the words a supervisor reads.
ACTIONS: dict[str, str] = {
    "view": _l("Opened the record"),
    # TRANSLATORS: audit log action: the staff member enrolled the person (started the app for her)
    "enrol": _l("Enrolled"),
    "new_code": _l("Made a new phone code"),
    "new_code_view": _l("Asked for a new phone code"),
    "plan_edit": _l("Changed the plan"),
    "appointment_new": _l("Added an appointment"),
    "appointment_edit": _l("Changed an appointment"),
    "appointment_cancel": _l("Cancelled an appointment"),
    "help_view": _l("Opened a help request"),
    "help_seen": _l("Marked a help request seen"),
    "help_answered": _l("Answered a help request"),
    "help_resolved": _l("Closed a help request"),
    "deleted_by_person": _l("The person deleted their data"),
}


def action_label(action: str) -> str:
    """The action in words; an action this list does not know yet shows as its key."""
    return str(ACTIONS.get(action, action))


@dataclass(frozen=True)
class LogFilter:
    """What a supervisor asks for: any of one person (or nicknames holding a text), one staff member, a date range and a kind of action."""

    survivor_id: int | None = None
    nickname: str | None = None
    staff_id: int | None = None
    start: date | None = None
    end: date | None = None
    action: str | None = None


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone))


def events_query(organisation_id: int, wanted: LogFilter, zone: str = ZONE) -> Select:
    """The organisation's events matching ``wanted``, newest first, with the staff member and the person."""
    staff = aliased(Staff)
    survivor = aliased(Survivor)
    query = (
        select(AuditEvent.id, AuditEvent.at, AuditEvent.action, staff.first_name.label("staff_name"), survivor.nickname.label("nickname"))
        .outerjoin(staff, AuditEvent.staff_id == staff.id)
        .outerjoin(survivor, AuditEvent.survivor_id == survivor.id)
        .where(or_(staff.organisation_id == organisation_id, survivor.organisation_id == organisation_id))
    )
    if wanted.survivor_id:
        query = query.where(AuditEvent.survivor_id == wanted.survivor_id)
    if wanted.nickname:
        query = query.where(survivor.nickname.icontains(wanted.nickname, autoescape=True))
    if wanted.staff_id:
        query = query.where(AuditEvent.staff_id == wanted.staff_id)
    if wanted.start:
        query = query.where(AuditEvent.at >= _local_midnight(wanted.start, zone))
    if wanted.end:
        query = query.where(AuditEvent.at < _local_midnight(wanted.end + timedelta(days=1), zone))
    if wanted.action:
        query = query.where(AuditEvent.action == wanted.action)
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def _cell(value: str) -> str:
    # A spreadsheet would run a cell that starts like a formula.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def events_csv(session, organisation_id: int, wanted: LogFilter, headings: list[str], deleted: str, zone: str = ZONE) -> str:
    """Every matching event as CSV: local time, staff member, person, action."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    local = ZoneInfo(zone)
    for row in session.execute(events_query(organisation_id, wanted, zone)):
        writer.writerow(
            [
                row.at.astimezone(local).strftime("%Y-%m-%d %H:%M"),
                _cell(row.staff_name or deleted),
                _cell(row.nickname or deleted),
                _cell(action_label(row.action)),
            ]
        )
    return out.getvalue()


def purge_old_events(session, now: datetime, orphan_days: int) -> int:
    """Delete events older than their organisation's audit retention; events of no organisation after ``orphan_days``."""
    deleted = 0
    for organisation in session.scalars(select(Organisation)):
        staff_ids = select(Staff.id).where(Staff.organisation_id == organisation.id)
        survivor_ids = select(Survivor.id).where(Survivor.organisation_id == organisation.id)
        deleted += session.execute(
            delete(AuditEvent).where(
                AuditEvent.at < now - timedelta(days=organisation.audit_retention_days),
                or_(AuditEvent.staff_id.in_(staff_ids), AuditEvent.survivor_id.in_(survivor_ids)),
            )
        ).rowcount
    deleted += session.execute(
        delete(AuditEvent).where(
            AuditEvent.at < now - timedelta(days=orphan_days), AuditEvent.staff_id.is_(None), AuditEvent.survivor_id.is_(None)
        )
    ).rowcount
    return deleted
