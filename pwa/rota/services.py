"""The duty rota: weekly shifts and exceptions for a date, read in the organisation's time zone.

Hours are wall-clock times where the organisation works (Europe/Tirane), so a
shift from 22:00 to 06:00 covers those hours also on the nights the clocks
change: it lasts seven hours in March and nine in October. A shift belongs to
the day it starts on; an exception for a date replaces that day's shifts.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, Select, bindparam, delete, null, select, type_coerce, union_all
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import remembered
from ..models import DutyException, DutyShift, Role, Staff
from ..models.rota import DAY_MINUTES

ZONE = "Europe/Tirane"


@dataclass(frozen=True)
class Hours:
    """From ``starts`` to ``ends`` minutes after midnight; past midnight when ``ends`` is not later."""

    starts: int
    ends: int

    @property
    def length(self) -> int:
        return self.ends - self.starts if self.ends > self.starts else self.ends + DAY_MINUTES - self.starts

    def covers(self, minute: int) -> bool:
        """Whether the shift covers ``minute``, counted from the midnight of the day it starts (up to two days)."""
        return self.starts <= minute < self.starts + self.length


def parse_time(text: str) -> int | None:
    """``"22:30"`` → 1350 minutes; ``"24:00"`` → 1440; None when it is not a time of day."""
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
    except (AttributeError, ValueError):
        return None
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def normalise_hours(starts: int, ends: int) -> Hours:
    """Hours as a person types them: an end at midnight ("00:00") is the end of the day."""
    return Hours(starts % DAY_MINUTES, ends if ends else DAY_MINUTES)


def local_moment(at: datetime, zone: str = ZONE) -> tuple[date, int]:
    """The local date and minute after midnight of the instant ``at``."""
    local = at.astimezone(ZoneInfo(zone))
    return local.date(), local.hour * 60 + local.minute


def _day_hours(shifts, exceptions, staff_id: int, day: date) -> list[Hours]:
    """The hours that start on ``day`` for one person: the exception's if there is one, else the week's."""
    if (staff_id, day) in exceptions:
        # Empty hours: off duty that day (as ``DutyException.is_off`` says).
        return [Hours(e.starts_minute, e.ends_minute) for e in exceptions[(staff_id, day)] if e.starts_minute is not None]
    return [Hours(s.starts_minute, s.ends_minute) for s in shifts[(staff_id, day.weekday())]]


def on_duty_ids(session, organisation_id: int, at: datetime, zone: str = ZONE) -> frozenset[int]:
    """Ids of the people whose rota puts them on duty at the instant ``at`` (whether or not away)."""
    day, minute = local_moment(at, zone)
    # A staff page asks several times (navigation, who she may see, the duty queue): read the rota once.
    return remembered(session, ("on_duty", organisation_id, day, minute, zone), lambda: _on_duty_ids(session, organisation_id, day, minute))


# The rota of two days (a night shift from yesterday may still run) in one statement, built once
# and bound at each read: the week's shifts (no date) and the exceptions (dated).
_ROTA_OF_TWO_DAYS = union_all(
    select(
        DutyShift.staff_id, DutyShift.weekday, type_coerce(null(), Date).label("on_date"), DutyShift.starts_minute, DutyShift.ends_minute
    ).where(
        DutyShift.organisation_id == bindparam("organisation_id"),
        DutyShift.weekday.in_([bindparam("weekday"), bindparam("yesterday_weekday")]),
    ),
    select(
        DutyException.staff_id, type_coerce(null(), Integer), DutyException.on_date, DutyException.starts_minute, DutyException.ends_minute
    ).where(
        DutyException.organisation_id == bindparam("organisation_id"),
        DutyException.on_date.in_([bindparam("day"), bindparam("yesterday")]),
    ),
)


def _on_duty_ids(session, organisation_id: int, day: date, minute: int) -> frozenset[int]:
    yesterday = day - timedelta(days=1)
    params = {
        "organisation_id": organisation_id, "weekday": day.weekday(), "yesterday_weekday": yesterday.weekday(), "day": day, "yesterday": yesterday,
    }
    shifts, exceptions = defaultdict(list), defaultdict(list)
    for entry in session.execute(_ROTA_OF_TWO_DAYS, params):
        if entry.on_date is None:
            shifts[(entry.staff_id, entry.weekday)].append(entry)
        else:
            exceptions[(entry.staff_id, entry.on_date)].append(entry)
    people = {staff_id for staff_id, _ in shifts} | {staff_id for staff_id, _ in exceptions}
    return frozenset(
        staff_id
        for staff_id in people
        if any(h.covers(minute) for h in _day_hours(shifts, exceptions, staff_id, day))
        or any(h.covers(minute + DAY_MINUTES) for h in _day_hours(shifts, exceptions, staff_id, yesterday))
    )


def staff_on_duty(session, organisation_id: int, at: datetime, zone: str = ZONE) -> list[Staff]:
    """The case managers on duty at ``at``: on the rota, active and not away."""
    ids = on_duty_ids(session, organisation_id, at, zone)
    # The console's navigation and the staff list both show them: read them once too. Read also
    # when nobody is on duty, so that a page runs the same statements at every hour.
    return remembered(
        session,
        ("staff_on_duty", ids),
        lambda: list(
            session.scalars(
                select(Staff)
                .where(Staff.id.in_(ids), Staff.role == Role.CASE_MANAGER, Staff.active.is_(True), Staff.away.is_(False))
                .order_by(Staff.first_name, Staff.id)
            )
        ),
    )


def is_on_duty(session, staff: Staff, at: datetime, zone: str = ZONE) -> bool:
    """Whether the rota puts ``staff`` on duty at ``at`` (and she is here to take it)."""
    if not staff.active or staff.away or staff.is_supervisor:
        return False
    return staff.id in on_duty_ids(session, staff.organisation_id, at, zone)


# What supervisors see and change ---------------------------------------------------------------

def rota_staff(session, organisation_id: int) -> list[Staff]:
    """The people a supervisor can put on the rota: active case managers."""
    return list(
        session.scalars(
            select(Staff)
            .where(Staff.organisation_id == organisation_id, Staff.role == Role.CASE_MANAGER, Staff.active.is_(True))
            .order_by(Staff.first_name, Staff.id)
        )
    )


def week(session, organisation_id: int) -> dict[int, list[DutyShift]]:
    """The week's grid: each weekday's shifts, by start time."""
    grid: dict[int, list[DutyShift]] = {weekday: [] for weekday in range(7)}
    for shift in session.scalars(
        select(DutyShift)
        .join(Staff, DutyShift.staff_id == Staff.id)
        .where(DutyShift.organisation_id == organisation_id)
        .options(contains_eager(DutyShift.staff))
        .order_by(DutyShift.weekday, DutyShift.starts_minute, Staff.first_name)
    ):
        grid[shift.weekday].append(shift)
    return grid


def upcoming_exceptions(organisation_id: int, today: date) -> Select:
    """Exceptions from today on, soonest first, each with its staff member."""
    return (
        select(DutyException)
        .where(DutyException.organisation_id == organisation_id, DutyException.on_date >= today)
        .options(joinedload(DutyException.staff))
        .order_by(DutyException.on_date, DutyException.starts_minute, DutyException.id)
    )


def add_shift(session, staff: Staff, weekdays, hours: Hours) -> list[DutyShift]:
    """Put ``staff`` on duty on each of ``weekdays`` for ``hours``."""
    shifts = [
        DutyShift(organisation_id=staff.organisation_id, staff_id=staff.id, weekday=weekday, starts_minute=hours.starts, ends_minute=hours.ends)
        for weekday in sorted(set(weekdays))
    ]
    session.add_all(shifts)
    return shifts


def add_exception(session, staff: Staff, on_date: date, hours: Hours | None) -> DutyException:
    """On ``on_date``, ``staff`` is off (no hours) or on duty for ``hours`` instead of the week's shifts."""
    exception = DutyException(
        organisation_id=staff.organisation_id,
        staff_id=staff.id,
        on_date=on_date,
        starts_minute=hours.starts if hours else None,
        ends_minute=hours.ends if hours else None,
    )
    session.add(exception)
    return exception


def purge_past_exceptions(session, today: date) -> int:
    """Exceptions for days gone by are no longer needed."""
    return session.execute(delete(DutyException).where(DutyException.on_date < today - timedelta(days=1))).rowcount
