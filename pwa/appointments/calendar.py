"""An appointment as an iCalendar file for her phone's calendar, with neutral text."""
from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import datetime

from icalendar import Calendar, Event

from .services import TIRANE


def event_uid(appointment_id: int, secret: str) -> str:
    """A stable UID that says nothing about the app or the record (the same file twice updates one event)."""
    digest = hmac.new(secret.encode(), f"appointment:{appointment_id}".encode(), hashlib.sha256).digest()
    return f"{uuid.UUID(bytes=digest[:16])}@calendar.invalid"


def appointment_ics(appointment, now: datetime, summary: str, secret: str) -> bytes:
    """One event at the appointment's time in Europe/Tirane (with its VTIMEZONE); no place, person or title."""
    calendar = Calendar()
    calendar.add("prodid", "-//Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", event_uid(appointment.id, secret))
    event.add("dtstamp", now)
    event.add("dtstart", appointment.starts_at.astimezone(TIRANE))
    event.add("summary", summary)
    event.add("last-modified", appointment.updated_at)
    if appointment.is_cancelled:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
