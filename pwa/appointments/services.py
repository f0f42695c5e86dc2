"""Appointments: scheduling, her answer, the reminders and their dispatcher.

Times are entered and shown in Europe/Tirane and stored in UTC. Each
appointment has one reminder row per organisation offset (24 and 2 hours
before, by default), made again whenever the time or the offsets change.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext
from sqlalchemy import and_, bindparam, delete, func, select, update
from sqlalchemy.orm import aliased

from ..access import visible_survivors
from ..i18n import WEEKDAY, format_date, format_time
from ..jobs import LEASE, claim_rows
from ..models import Appointment, AppointmentReminder, Organisation, PushSubscription, Staff, Survivor
from ..push.services import ROUND_SECONDS, outbox_rows, queue_notification, queue_rows

log = logging.getLogger("dera.appointments")

TIRANE = ZoneInfo("Europe/Tirane")
# An appointment still counts as upcoming for this long after it starts.
UPCOMING_GRACE = timedelta(hours=1)
# Push services keep a message at most four weeks.
MAX_TTL = 28 * 24 * 3600


# Time ------------------------------------------------------------------------------

def tirane_to_utc(day: date, at: time) -> datetime:
    """A wall-clock date and time in Tirana, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=TIRANE).astimezone(ZoneInfo("UTC"))


def tirane_day(moment: datetime) -> date:
    """The date in Tirana at ``moment``."""
    return moment.astimezone(TIRANE).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of a day in Tirana (23 or 25 hours long when the clocks change)."""
    return tirane_to_utc(day, time()), tirane_to_utc(day + timedelta(days=1), time())


# Scheduling --------------------------------------------------------------------------

def schedule_appointment(session, staff: Staff, survivor: Survivor, starts_at: datetime, title: str, place: str, now: datetime,
                         minutes: int | None = None) -> Appointment:
    """Add an appointment for ``survivor`` (``minutes`` long, else the organisation's usual length) and its reminders."""
    appointment = Appointment(
        survivor=survivor, created_by=staff, starts_at=starts_at, title=title.strip(), place=place.strip(), created_at=now, updated_at=now,
        duration_minutes=minutes or survivor.organisation.appointment_minutes,
    )
    session.add(appointment)
    sync_reminders(session, appointment, survivor.organisation.reminder_offsets, now)
    return appointment


def change_appointment(session, appointment: Appointment, starts_at: datetime, title: str, place: str, now: datetime,
                       minutes: int | None = None) -> None:
    """Change the time, length, title or place; a new time asks her again and makes the reminders again."""
    moved = starts_at != appointment.starts_at
    appointment.starts_at, appointment.title, appointment.place = starts_at, title.strip(), place.strip()
    appointment.duration_minutes = minutes or appointment.duration_minutes
    appointment.updated_at = now
    appointment.sequence = (appointment.sequence or 0) + 1
    if moved:
        appointment.cant_come_at = None
        sync_reminders(session, appointment, appointment.survivor.organisation.reminder_offsets, now)


def cancel_appointment(session, appointment: Appointment, now: datetime) -> None:
    """Cancel: she sees it is cancelled, and no reminder goes."""
    appointment.cancelled_at = appointment.updated_at = now
    appointment.sequence = (appointment.sequence or 0) + 1
    for reminder in appointment.reminders:
        if reminder.status == "queued":
            _settle(reminder, "skipped", now)


def _settle(reminder: AppointmentReminder, status: str, now: datetime | None) -> None:
    # Clearing the claim makes a worker that is handling this reminder right now drop it.
    reminder.status, reminder.handled_at = status, now
    reminder.claimed_by = reminder.claimed_at = None


def sync_reminders(session, appointment: Appointment, offsets: list[timedelta], now: datetime) -> None:
    """One reminder per offset, due that long before the start; those already past are skipped."""
    wanted = {int(offset.total_seconds() // 60) for offset in offsets}
    existing = {reminder.offset_minutes: reminder for reminder in appointment.reminders}
    for minutes, reminder in existing.items():
        if minutes not in wanted:
            appointment.reminders.remove(reminder)
    for minutes in sorted(wanted, reverse=True):
        reminder = existing.get(minutes)
        if reminder is None:
            reminder = AppointmentReminder(offset_minutes=minutes)
            appointment.reminders.append(reminder)
        reminder.due_at = appointment.starts_at - timedelta(minutes=minutes)
        if reminder.due_at > now and not appointment.is_cancelled:
            _settle(reminder, "queued", None)
        else:
            _settle(reminder, "skipped", now)


def resync_organisation(session, organisation, now: datetime) -> int:
    """After the organisation changes its reminder offsets: make the reminders of upcoming appointments again."""
    appointments = session.scalars(
        select(Appointment)
        .join(Appointment.survivor)
        .where(Survivor.organisation_id == organisation.id, Appointment.starts_at > now, Appointment.cancelled_at.is_(None))
    ).all()
    for appointment in appointments:
        sync_reminders(session, appointment, organisation.reminder_offsets, now)
    return len(appointments)


# What people see ---------------------------------------------------------------------

def upcoming_for(session, survivor: Survivor, now: datetime, limit: int | None = None) -> list[Appointment]:
    """Her appointments from now on (cancelled ones too, so she knows), soonest first."""
    query = (
        select(Appointment)
        .where(Appointment.survivor_id == survivor.id, Appointment.starts_at >= now - UPCOMING_GRACE)
        .order_by(Appointment.starts_at, Appointment.id)
        .limit(limit)
    )
    return list(session.scalars(query))


# Built once: Today runs it on every visit.
_NEXT_APPOINTMENT = (
    select(Appointment)
    .where(Appointment.survivor_id == bindparam("survivor_id"), Appointment.starts_at >= bindparam("since"), Appointment.cancelled_at.is_(None))
    .order_by(Appointment.starts_at, Appointment.id)
    .limit(1)
)


def next_appointment(session, survivor: Survivor, now: datetime) -> Appointment | None:
    """Her next appointment that is still on."""
    return session.scalar(_NEXT_APPOINTMENT, {"survivor_id": survivor.id, "since": now - UPCOMING_GRACE})


def appointments_on(session, staff: Staff, day: date) -> list[Appointment]:
    """The appointments on a day (in Tirana) of the people ``staff`` may see, by time."""
    start, end = day_bounds(day)
    visible = visible_survivors(staff).with_only_columns(Survivor.id)
    return list(
        session.scalars(
            select(Appointment)
            .where(Appointment.survivor_id.in_(visible), Appointment.starts_at >= start, Appointment.starts_at < end)
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


# Her answer --------------------------------------------------------------------------

def responsible_staff(survivor: Survivor) -> Staff:
    """Who answers for her now: the delegate while the case manager is away."""
    manager = survivor.case_manager
    if manager.away and manager.delegate is not None:
        return manager.delegate
    return manager


def say_cant_come(session, appointment: Appointment, now: datetime, default_locale: str = "sq") -> None:
    """She cannot come: her case manager sees it, and gets a neutral push."""
    if appointment.cant_come:
        return
    appointment.cant_come_at = now
    staff = responsible_staff(appointment.survivor)
    with force_locale(staff.locale or default_locale):
        payload = {
            "title": appointment.survivor.organisation.app_name,
            "body": gettext("Someone answered about an appointment"),
            "url": f"/console/appointments?day={tirane_day(appointment.starts_at).isoformat()}",
        }
    queue_notification(session, staff, payload, now, ttl=24 * 3600)


def say_can_come(session, appointment: Appointment) -> None:
    """She can come after all."""
    appointment.cant_come_at = None


# Reminders ---------------------------------------------------------------------------

def reminder_text(starts_at: datetime, now: datetime, locale: str) -> str:
    """The lock-screen text in her language: that there is a reminder, and when; never where, who or what."""
    local = starts_at.astimezone(TIRANE)
    clock = format_time(local, locale)
    days = (local.date() - tirane_day(now)).days
    with force_locale(locale):
        if days <= 0:
            return gettext("You have a reminder: today at %(time)s", time=clock)
        if days == 1:
            return gettext("You have a reminder: tomorrow at %(time)s", time=clock)
        return gettext("You have a reminder: %(day)s at %(time)s", day=format_date(local, WEEKDAY, locale), time=clock)


def reminder_payload(appointment_id: int, app_name: str, text: str) -> dict:
    """What the push carries: the neutral app name and text, and the page a tap opens."""
    return {"title": app_name, "body": text, "url": f"/appointments/{appointment_id}", "tag": f"reminder-{appointment_id}"}


def _finish(session, reminder_ids, token: str, status: str, now: datetime) -> set[int]:
    """Record the outcome of the reminders this claim still holds; the ids it held.

    A reminder whose appointment changed meanwhile had its claim cleared, so it is left alone.
    """
    if not reminder_ids:
        return set()
    rows = session.execute(
        update(AppointmentReminder.__table__)
        .where(AppointmentReminder.id.in_(reminder_ids), AppointmentReminder.claimed_by == token)
        .values(status=status, handled_at=now, claimed_by=None, claimed_at=None)
        .returning(AppointmentReminder.id)
    )
    return set(rows.scalars())


# The claim hands back the reminder's own columns; ``_load`` the rest.
_CLAIM_RETURNS = (AppointmentReminder.appointment_id, AppointmentReminder.offset_minutes, AppointmentReminder.due_at)


@dataclass(frozen=True)
class _Phone:
    """A subscription as an outbox row needs it: its id."""

    id: int


@dataclass(frozen=True)
class _Due:
    """A claimed reminder with what deciding and sending it needs."""

    id: int
    appointment_id: int
    offset: timedelta
    due_at: datetime
    starts_at: datetime
    off: bool  # cancelled, or she said she cannot come
    survivor_id: int
    locale: str | None
    app_name: str
    nearest_due: int  # the smallest offset (minutes) of the appointment's reminders due now
    phones: tuple  # her subscriptions' ids

    def why_skip(self, now: datetime) -> str | None:
        """Why this reminder must not go now, or None."""
        if self.off:
            return "not on"
        if now - self.due_at > self.offset:
            return "too late"
        # Two reminders due at once (the worker was stopped): only the nearer one goes.
        if self.nearest_due < self.offset.total_seconds() // 60:
            return "superseded"
        return None


# Reminders per claim: deciding them is quick database work, so a batch is larger than the push one
# (a batch's statements cost the same whatever its size, and each batch holds the write lock once).
REMINDER_BATCH = 200
# A round's first batch is smaller, and each one after it twice the last, up to REMINDER_BATCH: the
# first push goes out once a few reminders are decided, not a full batch (a help request's too).
REMINDER_FIRST_BATCH = 25


def _load(session, claimed, now: datetime) -> list[_Due]:
    """The claimed reminders with their appointment, her language, the app's name and her phones, in one query."""
    nearer = aliased(AppointmentReminder)
    nearest_due = (
        select(func.min(nearer.offset_minutes)).where(nearer.appointment_id == Appointment.id, nearer.due_at <= now).scalar_subquery()
    )
    query = (
        select(Appointment.id, Appointment.starts_at, Appointment.cancelled_at, Appointment.cant_come_at, Appointment.survivor_id,
               Survivor.locale, Organisation.app_name, nearest_due, PushSubscription.id)
        .join(Survivor, Survivor.id == Appointment.survivor_id)
        .join(Organisation, Organisation.id == Survivor.organisation_id)
        .outerjoin(PushSubscription, PushSubscription.survivor_id == Survivor.id)
        .where(Appointment.id.in_({row.appointment_id for row in claimed}))
    )
    appointments: dict[int, tuple] = {}
    phones: dict[int, list[int]] = {}
    for appointment_id, *fields, subscription_id in session.execute(query):
        appointments[appointment_id] = fields
        phones.setdefault(appointment_id, [])
        if subscription_id is not None:
            phones[appointment_id].append(subscription_id)
    due = []
    for reminder_id, appointment_id, minutes, due_at in claimed:
        starts_at, cancelled_at, cant_come_at, survivor_id, locale, app_name, nearest = appointments[appointment_id]
        due.append(_Due(reminder_id, appointment_id, timedelta(minutes=minutes), due_at, starts_at, cancelled_at is not None or cant_come_at is not None,
                        survivor_id, locale, app_name, nearest, tuple(phones[appointment_id])))
    return due


def _dispatch_batch(session, token: str, batch: list[_Due], now: datetime, default_locale: str) -> dict[str, int]:
    """Decide every reminder of one claimed batch and queue their push.

    The deciding and the push's text are made first; only then are the outcomes and the
    outbox written (so on SQLite the one write lock is held for the writes alone).
    """
    skip = {reminder.id for reminder in batch if reminder.why_skip(now) or not reminder.phones}
    made, failed, texts = {}, [], {}  # reminder id -> its outbox rows; the reminders that could not be made
    for reminder in batch:
        if reminder.id in skip:
            continue
        try:
            locale = reminder.locale or default_locale
            # Many reminders of a batch share a time: the text is made once for each.
            if (reminder.starts_at, locale) not in texts:
                texts[reminder.starts_at, locale] = reminder_text(reminder.starts_at, now, locale)
            made[reminder.id] = outbox_rows(
                [_Phone(subscription_id) for subscription_id in reminder.phones],
                reminder_payload(reminder.appointment_id, reminder.app_name, texts[reminder.starts_at, locale]), now,
                ttl=MAX_TTL, urgency="high" if reminder.offset <= timedelta(hours=2) else "normal",
                # The TTL counts down to the start on every try; a newer reminder replaces an undelivered older one.
                expires_at=reminder.starts_at, topic=f"reminder-{reminder.appointment_id}",
            )
        except Exception:  # one bad reminder must not stop the others
            log.exception("reminder %s failed", reminder.id)
            failed.append(reminder.id)
    skipped = _finish(session, skip, token, "skipped", now)
    held = _finish(session, list(made), token, "sent", now)
    gave_up = _finish(session, failed, token, "failed", now)
    queue_rows(session, [row for reminder_id, rows in made.items() if reminder_id in held for row in rows])
    return {"sent": len(held), "skipped": len(skipped), "failed": len(gave_up)}


def due_reminders(now: datetime):
    """The reminders due to be decided at ``now``."""
    return and_(AppointmentReminder.status == "queued", AppointmentReminder.due_at <= now)


def dispatch_due_reminders(
    session, now: datetime, limit: int = REMINDER_BATCH, default_locale: str = "sq", lease: timedelta = LEASE
) -> tuple[dict[str, int], bool]:
    """Claim one batch of the reminders that are due, decide them and queue their push.

    The claim is committed at once, so that no write lock is held while the batch is loaded
    and decided (on SQLite, the other workers write meanwhile); the outcomes and the outbox rows
    are written in a new transaction, which the caller commits. Returns the batch's counts and
    whether it was full (more may be due). Safe in several workers at once: a worker that dies
    between the two leaves its claim to lapse, and another takes the batch over.
    """
    token, rows = claim_rows(session, AppointmentReminder, due_reminders(now), now, limit, lease, _CLAIM_RETURNS)
    session.commit()
    if not rows:
        return {"sent": 0, "skipped": 0, "failed": 0}, False
    return _dispatch_batch(session, token, _load(session, rows, now), now, default_locale), len(rows) == limit


class ReminderFeed:
    """The reminders that are due, decided a batch at a time inside another task's transactions.

    Push delivery calls it before each claim of its own (``feed=`` of ``deliver_due_messages``),
    so the first reminders' push goes out while the later ones are still being decided, and
    several workers share both kinds of work instead of waiting for each other's. Calling it
    queues one batch and says whether more may be due; ``counts`` adds the batches up. The
    batches grow from ``first`` to ``limit``, doubling.
    """

    def __init__(self, default_locale: str = "sq", lease: timedelta = LEASE, limit: int = REMINDER_BATCH,
                 first: int = REMINDER_FIRST_BATCH):
        self.default_locale, self.lease, self.limit = default_locale, lease, limit
        self.next = min(first, limit)
        self.counts = {"sent": 0, "skipped": 0, "failed": 0}

    def __call__(self, session, now: datetime) -> bool:
        size, self.next = self.next, min(self.limit, self.next * 2)
        counts, full = dispatch_due_reminders(session, now, size, self.default_locale, self.lease)
        for name, value in counts.items():
            self.counts[name] += value
        return full


def send_due_reminders(
    session, now: datetime, limit: int = REMINDER_BATCH, default_locale: str = "sq", lease: timedelta = LEASE, budget: float = ROUND_SECONDS
) -> dict[str, int]:
    """Claim the reminders that are due and queue their neutral push; safe in several workers at once.

    Each batch is claimed in one statement, loaded with what it needs in one more,
    decided, queued and committed once; full batches follow one another at once, for up to ``budget``
    seconds, and then ``more`` is counted (more is due).
    """
    feed = ReminderFeed(default_locale, lease, limit, first=limit)  # no push waits for these: full batches from the start
    started = monotonic()
    session.commit()  # start from a fresh transaction, holding no read lock
    while True:
        full = feed(session, now)
        session.commit()
        if not full:
            return feed.counts
        if monotonic() - started >= budget:
            return feed.counts | {"more": 1}  # the worker's next round starts at once


# Retention ---------------------------------------------------------------------------

def purge_past_appointments(session, now: datetime) -> int:
    """Delete appointments older than each organisation's retention period (with their reminders)."""
    deleted = 0
    for organisation in session.scalars(select(Organisation)):
        cutoff = now - timedelta(days=organisation.appointment_retention_days)
        people = select(Survivor.id).where(Survivor.organisation_id == organisation.id)
        deleted += session.execute(
            delete(Appointment).where(Appointment.survivor_id.in_(people), Appointment.starts_at < cutoff)
        ).rowcount
    return deleted
