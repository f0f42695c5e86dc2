"""Appointments: scheduling, her answer, the reminders and their dispatcher.

Times are entered and shown in Europe/Tirane and stored in UTC. Each
appointment has one reminder row per organisation offset (24 and 2 hours
before, by default), made again whenever the time or the offsets change.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from time import monotonic
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext
from sqlalchemy import and_, bindparam, delete, select, update
from sqlalchemy.orm import joinedload

from ..access import visible_survivors
from ..i18n import WEEKDAY, format_date, format_time
from ..jobs import LEASE, claim
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


def reminder_payload(reminder: AppointmentReminder, now: datetime, default_locale: str) -> dict:
    """What the push carries: the neutral app name and text, and the page a tap opens."""
    appointment = reminder.appointment
    survivor = appointment.survivor
    return {
        "title": survivor.organisation.app_name,
        "body": reminder_text(appointment.starts_at, now, survivor.locale or default_locale),
        "url": f"/appointments/{appointment.id}",
        "tag": f"reminder-{appointment.id}",
    }


def _why_skip(reminder: AppointmentReminder, now: datetime) -> str | None:
    """Why this reminder must not go now, or None (the appointment's reminders are loaded with it)."""
    appointment = reminder.appointment
    if appointment.is_cancelled or appointment.cant_come:
        return "not on"
    if now - reminder.due_at > reminder.offset:
        return "too late"
    # Two reminders due at once (the worker was stopped): only the nearer one goes.
    if any(other.offset_minutes < reminder.offset_minutes and other.due_at <= now for other in appointment.reminders):
        return "superseded"
    return None


def _finish(session, reminder_ids, token: str, status: str, now: datetime) -> set[int]:
    """Record the outcome of the reminders this claim still holds; the ids it held.

    A reminder whose appointment changed meanwhile had its claim cleared, so it is left alone.
    """
    if not reminder_ids:
        return set()
    rows = session.execute(
        update(AppointmentReminder)
        .where(AppointmentReminder.id.in_(reminder_ids), AppointmentReminder.claimed_by == token)
        .values(status=status, handled_at=now, claimed_by=None, claimed_at=None)
        .returning(AppointmentReminder.id)
        .execution_options(synchronize_session=False)
    )
    return set(rows.scalars())


# Everything a batch of reminders needs, loaded with the claim in a few queries (not the
# encrypted title and place, which a reminder never shows).
_REMINDER_LOAD = (
    joinedload(AppointmentReminder.appointment).defer(Appointment.title).defer(Appointment.place),
    joinedload(AppointmentReminder.appointment).selectinload(Appointment.reminders),
    joinedload(AppointmentReminder.appointment).joinedload(Appointment.survivor).joinedload(Survivor.organisation),
)
# Reminders per claim: deciding them is quick database work, so a batch is larger than the push one.
REMINDER_BATCH = 50


def _subscriptions_by_survivor(session, survivor_ids) -> dict[int, list[PushSubscription]]:
    found: dict[int, list[PushSubscription]] = {survivor_id: [] for survivor_id in survivor_ids}
    if survivor_ids:
        for subscription in session.scalars(select(PushSubscription).where(PushSubscription.survivor_id.in_(survivor_ids))):
            found[subscription.survivor_id].append(subscription)
    return found


def _dispatch_batch(session, batch: list[AppointmentReminder], now: datetime, default_locale: str) -> dict[str, int]:
    """Decide every reminder of one claimed batch, queue their push, and commit once."""
    token = batch[0].claimed_by
    phones = _subscriptions_by_survivor(session, {reminder.appointment.survivor_id for reminder in batch})
    skip = {reminder.id for reminder in batch if _why_skip(reminder, now) or not phones[reminder.appointment.survivor_id]}
    going = [reminder for reminder in batch if reminder.id not in skip]
    skipped = _finish(session, skip, token, "skipped", now)
    held = _finish(session, [reminder.id for reminder in going], token, "sent", now)
    counts = {"sent": 0, "skipped": len(skipped), "failed": 0}
    rows = []
    for reminder in going:
        if reminder.id not in held:
            continue
        appointment = reminder.appointment
        try:
            rows += outbox_rows(
                phones[appointment.survivor_id], reminder_payload(reminder, now, default_locale), now,
                ttl=MAX_TTL, urgency="high" if reminder.offset <= timedelta(hours=2) else "normal",
                # The TTL counts down to the start on every try; a newer reminder replaces an undelivered older one.
                expires_at=appointment.starts_at, topic=f"reminder-{appointment.id}",
            )
            counts["sent"] += 1
        except Exception:  # one bad reminder must not stop the others
            log.exception("reminder %s failed", reminder.id)
            session.execute(update(AppointmentReminder).where(AppointmentReminder.id == reminder.id).values(status="failed"))
            counts["failed"] += 1
    queue_rows(session, rows)
    session.commit()
    return counts


def send_due_reminders(
    session, now: datetime, limit: int = REMINDER_BATCH, default_locale: str = "sq", lease: timedelta = LEASE, budget: float = ROUND_SECONDS
) -> dict[str, int]:
    """Claim the reminders that are due and queue their neutral push; safe in several workers at once.

    Each batch is claimed and loaded in one go and committed once; full batches
    follow one another at once, for up to ``budget`` seconds.
    """
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    due = and_(AppointmentReminder.status == "queued", AppointmentReminder.due_at <= now)
    started = monotonic()
    while True:
        batch = claim(session, AppointmentReminder, due, now, limit, lease, options=_REMINDER_LOAD)
        if not batch:
            break
        for name, value in _dispatch_batch(session, batch, now, default_locale).items():
            counts[name] += value
        if len(batch) < limit or monotonic() - started > budget:
            break
    return counts


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
