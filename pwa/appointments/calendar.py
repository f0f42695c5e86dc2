"""An appointment as an iCalendar file for her phone's calendar, with neutral text.

The same UID every time, a SEQUENCE that grows with each change, and METHOD:CANCEL for a
cancellation, so that opening a newer file updates or removes the event instead of adding
another. A VALARM at each of the organisation's reminder times lets the phone remind her
even when a push notification does not arrive.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from .. import signing
from .services import TIRANE


def event_uid(appointment_id: int, keys: signing.Keys) -> str:
    """A UID that says nothing about the app or the record, keyed with the current secret key."""
    digest = signing.keyed_digest(keys, f"appointment:{appointment_id}".encode())
    return f"{uuid.UUID(hex=digest[:32])}@calendar.invalid"


def calendar_uid(appointment, keys: signing.Keys) -> str:
    """The appointment's UID in her calendar: made at the first download, then the same for ever (a file twice updates one event)."""
    if appointment.calendar_uid is None:
        appointment.calendar_uid = event_uid(appointment.id, keys)
    return appointment.calendar_uid


def appointment_ics(appointment, now: datetime, summary: str, uid: str, reminders: list[timedelta] = ()) -> bytes:
    """One event at the appointment's time in Europe/Tirane (with its VTIMEZONE); no place, person or title."""
    # Imported here: only this download needs it, and it costs every web process a tenth of a second at start.
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if appointment.is_cancelled else "PUBLISH")
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    starts = appointment.starts_at.astimezone(TIRANE)
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=appointment.duration_minutes))
    event.add("sequence", appointment.sequence)
    event.add("summary", summary)
    event.add("last-modified", appointment.updated_at)
    if appointment.is_cancelled:
        event.add("status", "CANCELLED")
    else:
        for offset in reminders:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            alarm.add("trigger", -offset)
            event.add_component(alarm)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
