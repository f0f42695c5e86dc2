"""Help requests: asking, routing, the staff inbox, escalation to the duty queue, retention.

Plain functions: they take the database session and the time explicitly and
never touch ``request`` or templates. A request is stored in the same
transaction that queues its notifications; the caller commits once.
"""
from __future__ import annotations

import functools
import statistics
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature
from sqlalchemy import Select, bindparam, case, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, joinedload

from ..access import Visible
from ..jobs import claim
from ..models import HelpRequest, Organisation, Role, Staff, Survivor
from ..models.help import CONTACTS, OPEN_STATUSES, URGENCIES
from ..pagination import Page, Paged, paged, read_page
from ..push.services import queue_notification
from ..rota.services import staff_on_duty
from .. import signing

# Where a tap on a staff notification leads (the worker has no request to build URLs from).
INBOX_PATH = "/console/inbox"
DUTY_PATH = "/console/duty"

# How long a push service may hold a notification, and how urgently it delivers it. A request for
# today is time-sensitive too: its push wakes the phone, and the worker sends it before everyday
# reminders queued ahead of it (``push.services.URGENCIES``).
PUSH_TTL = {"now": 2 * 3600, "today": 12 * 3600, "week": 2 * 24 * 3600}
PUSH_URGENCY = {"now": "high", "today": "high", "week": "normal"}

# Most urgent first in every list staff see.
URGENCY_ORDER = case({"now": 0, "today": 1}, value=HelpRequest.urgency, else_=2)


def new_key() -> str:
    """A fresh idempotency key for a help form."""
    return str(uuid.uuid4())


def normalise_key(key: str | None) -> str | None:
    """The key as a canonical UUID string, or None when it is not one."""
    try:
        return str(uuid.UUID(str(key)))
    except ValueError:
        return None


# Routing ------------------------------------------------------------------------------

def responder_for(survivor: Survivor) -> Staff | None:
    """Who answers her requests now: her case manager, or the delegate while she is away."""
    manager = survivor.case_manager
    if manager.active and not manager.away:
        return manager
    delegate = manager.delegate if manager.away else None
    if delegate is not None and delegate.active and not delegate.away and delegate.organisation_id == manager.organisation_id:
        return delegate
    return None


def escalation_delay(organisation: Organisation, urgency: str) -> timedelta:
    """How long a request may wait unseen before it goes to the duty queue."""
    return {
        "now": timedelta(minutes=organisation.help_escalate_now_minutes),
        "today": timedelta(hours=organisation.help_escalate_today_hours),
        "week": timedelta(days=organisation.help_escalate_week_days),
    }[urgency]


def duty_staff(session, organisation_id: int, now: datetime) -> list[Staff]:
    """The duty queue's people at ``now``: active supervisors and whoever the rota puts on duty."""
    supervisors = session.scalars(
        select(Staff).where(Staff.organisation_id == organisation_id, Staff.active.is_(True), Staff.role == Role.SUPERVISOR)
    )
    return sorted([*supervisors, *staff_on_duty(session, organisation_id, now)], key=lambda staff: staff.id)


def notify_staff(session, staff: Staff, organisation: Organisation, urgency: str, now: datetime, path: str = INBOX_PATH) -> int:
    """Queue the neutral "New request in your inbox" for each of the staff member's devices."""
    with force_locale(staff.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        payload = {"title": organisation.app_name, "body": _("New request in your inbox"), "url": path, "tag": "dera-inbox"}
    return queue_notification(session, staff, payload, now, ttl=PUSH_TTL[urgency], urgency=PUSH_URGENCY[urgency])


def _escalate(session, help_request: HelpRequest, now: datetime) -> None:
    help_request.escalated_at = now
    organisation = help_request.survivor.organisation
    for staff in duty_staff(session, organisation.id, now):
        if staff.id != help_request.assigned_to_id:
            notify_staff(session, staff, organisation, help_request.urgency, now, DUTY_PATH)


# Asking -------------------------------------------------------------------------------

def find_request(session, survivor_id: int, key: str) -> HelpRequest | None:
    return session.scalar(select(HelpRequest).where(HelpRequest.survivor_id == survivor_id, HelpRequest.idempotency_key == key))


def create_help_request(
    session, survivor: Survivor, key: str, setback: str, urgency: str, contact: str, note: str | None, now: datetime
) -> tuple[HelpRequest, bool]:
    """Store her request, route it and queue the notifications; return it and whether it is new.

    The same key always gives the same request: a double tap, a retry or a
    replay from the phone's queue finds the one already stored. When two
    arrive at once, the database's unique constraint lets one in and the
    other finds it. On a conflict the session is rolled back, so call this
    before adding anything else to the transaction.
    """
    existing = find_request(session, survivor.id, key)
    if existing is not None:
        return existing, False
    responder = responder_for(survivor)
    help_request = HelpRequest(
        survivor=survivor,
        idempotency_key=key,
        setback=setback,
        urgency=urgency,
        contact=contact,
        note=(note or "").strip() or None,
        status="sent",
        assigned_to=responder,
        created_at=now,
        escalate_at=now + escalation_delay(survivor.organisation, urgency),
    )
    session.add(help_request)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return find_request(session, survivor.id, key), False
    if responder is None:
        # Nobody to route to (away without a delegate): the duty queue answers at once.
        _escalate(session, help_request, now)
    else:
        notify_staff(session, responder, survivor.organisation, urgency, now)
    return help_request, True


def withdraw(help_request: HelpRequest, now: datetime) -> bool:
    """She is fine now: the request is closed; staff see that she withdrew it."""
    if not help_request.is_open:
        return False
    help_request.status, help_request.closed_at = "withdrawn", now
    return True


def requests_of(session, survivor: Survivor) -> list[HelpRequest]:
    """Her requests, newest first (closed ones until retention deletes them)."""
    return list(session.scalars(select(HelpRequest).where(HelpRequest.survivor_id == survivor.id).order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())))


# Built once: Today and Ask for help run it on every visit.
_LATEST_OPEN_REQUEST = (
    select(HelpRequest)
    .where(HelpRequest.survivor_id == bindparam("survivor_id"), HelpRequest.status.in_(OPEN_STATUSES))
    .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
    .limit(1)
)


def latest_open_request(session, survivor: Survivor) -> HelpRequest | None:
    return session.scalar(_LATEST_OPEN_REQUEST, {"survivor_id": survivor.id})


# The phone's queue ----------------------------------------------------------------------

def _serializer(keys: signing.Keys):
    # Checked with the earlier secret keys too: a phone offline across a rotation still sends.
    return signing.serializer(keys, salt="dera-help-queue")


def make_queue_token(keys: signing.Keys, survivor: Survivor) -> str:
    """A token the phone keeps with a queued request: it lets the request be sent later, without the PIN."""
    return _serializer(keys).dumps({"s": survivor.id})


def survivor_id_from_token(keys: signing.Keys, token, max_age_days: int | None) -> int | None:
    """The survivor a queue token was made for, or None when it is forged or too old."""
    if not isinstance(token, str):
        return None
    try:
        data = _serializer(keys).loads(token, max_age=max_age_days * 24 * 3600 if max_age_days else None)
    except BadSignature:
        return None
    return data.get("s") if isinstance(data, dict) and isinstance(data.get("s"), int) else None


def _named_in(keys: signing.Keys, token) -> int | None:
    """The person a queue token names, at any age, even when the key it was signed with has been retired."""
    if not isinstance(token, str):
        return None
    _, data = _serializer(keys).loads_unsafe(token)
    return data.get("s") if isinstance(data, dict) and isinstance(data.get("s"), int) else None


def queue_sender(keys: signing.Keys, token, fresh, max_age_days: int) -> int | None:
    """Who sends a queued request: its own token's person, if recent or renewed by a fresh token of hers.

    A token too old, or signed with a secret key since retired, is renewed by a fresh one of the
    person it names: the fresh token alone already lets her page ask for help, and the name keeps
    a request written by someone else on this phone from being sent as hers.
    """
    survivor_id = survivor_id_from_token(keys, token, max_age_days)
    if survivor_id is not None:
        return survivor_id
    written_by = _named_in(keys, token)
    if written_by is not None and written_by == survivor_id_from_token(keys, fresh, max_age_days):
        return written_by
    return None


# Staff: inbox, acknowledging, answering, resolving ---------------------------------------

def _open_requests_of(visible: Select):
    survivor_ids = visible.with_only_columns(Survivor.id).order_by(None)
    return (HelpRequest.survivor_id.in_(survivor_ids)) & HelpRequest.status.in_(OPEN_STATUSES)


# A list of requests shows each person's nickname and who answers: loaded with the requests,
# not one query per row, and only what a row shows (her note and the outcome, decrypted on
# loading, are read on the request's own page).
_WITH_PEOPLE = (
    joinedload(HelpRequest.survivor).load_only(Survivor.nickname),
    joinedload(HelpRequest.assigned_to).load_only(Staff.first_name),
    defer(HelpRequest.note),
    defer(HelpRequest.outcome),
)


@functools.cache
def _inbox_query(visible: Select) -> Select:
    """Open requests of the people in ``visible`` (a shared visibility statement), most urgent and oldest first: built once."""
    return (
        select(HelpRequest)
        .where(_open_requests_of(visible))
        .options(*_WITH_PEOPLE)
        .order_by(URGENCY_ORDER, HelpRequest.created_at, HelpRequest.id)
    )


@functools.cache
def _inbox_statements(visible: Select) -> Paged:
    # Counting needs only the matching ids, not every column of the requests.
    return paged(_inbox_query(visible), count=select(HelpRequest.id).where(_open_requests_of(visible)))


def inbox_page(session, visible: Visible, page: int) -> Page:
    """One page of the open requests of the people in ``visible``, most urgent and oldest first."""
    return read_page(session, _inbox_statements(visible.query), page, scalars=True, params=visible.params)


def inbox(session, visible: Visible) -> list[HelpRequest]:
    """The whole inbox as a list (see ``inbox_page``)."""
    return list(session.scalars(_inbox_query(visible.query), visible.params).unique())


@functools.cache
def _count_open_statement(visible: Select) -> Select:
    return select(func.count(HelpRequest.id)).where(_open_requests_of(visible))


def count_open(session, visible: Visible) -> int:
    """How many open requests the people in ``visible`` have."""
    return session.scalar(_count_open_statement(visible.query), visible.params)


def acknowledge(help_request: HelpRequest, staff: Staff, now: datetime) -> bool:
    """Staff have seen it (she then sees "seen"); whoever acknowledges answers it."""
    if help_request.status != "sent":
        return False
    help_request.status, help_request.seen_at, help_request.assigned_to = "seen", now, staff
    return True


def mark_answered(help_request: HelpRequest, staff: Staff, how: str, now: datetime) -> bool:
    """Staff reached her (by phone, message or in person)."""
    if not help_request.is_open or how not in CONTACTS:
        return False
    help_request.seen_at = help_request.seen_at or now
    help_request.status, help_request.answered_at, help_request.answered_how = "answered", now, how
    help_request.assigned_to = staff
    return True


def resolve(help_request: HelpRequest, staff: Staff, outcome: str, now: datetime) -> bool:
    """Close the request with a few words on how it ended."""
    if not help_request.is_open:
        return False
    help_request.seen_at = help_request.seen_at or now
    help_request.status, help_request.closed_at, help_request.outcome = "resolved", now, outcome.strip()
    if help_request.assigned_to_id is None:
        help_request.assigned_to = staff
    return True


# Away and the duty queue ------------------------------------------------------------------

def set_away(session, staff: Staff, away: bool, delegate: Staff | None, now: datetime) -> int:
    """Mark ``staff`` away with a delegate, or back; the open requests of her caseload follow.

    Going away, they go to the delegate (who is told if any is still unseen);
    coming back, they come back to her. Returns how many requests moved.
    """
    staff.away = away
    if away:
        staff.delegate = delegate
    holder = delegate if away else staff
    if holder is None:
        return 0
    caseload = select(Survivor.id).where(Survivor.case_manager_id == staff.id)
    moved = list(
        session.scalars(
            select(HelpRequest).where(
                HelpRequest.survivor_id.in_(caseload),
                HelpRequest.status.in_(OPEN_STATUSES),
                (HelpRequest.assigned_to_id != holder.id) | HelpRequest.assigned_to_id.is_(None),
            )
        )
    )
    for help_request in moved:
        help_request.assigned_to = holder
    unseen = [r for r in moved if r.status == "sent"]
    if away and unseen:
        most_urgent = min((r.urgency for r in unseen), key=URGENCIES.index)
        notify_staff(session, holder, staff.organisation, most_urgent, now)
    return len(moved)


def escalate_overdue_requests(session, now: datetime, limit: int = 50) -> int:
    """Send requests nobody has seen in time to the duty queue, once; safe in several workers at once."""
    overdue = (HelpRequest.status == "sent") & HelpRequest.escalated_at.is_(None) & (HelpRequest.escalate_at <= now)
    escalated = 0
    for help_request in claim(session, HelpRequest, overdue, now, limit):
        if help_request.status == "sent" and help_request.escalated_at is None:
            _escalate(session, help_request, now)
            escalated += 1
        help_request.claimed_by = help_request.claimed_at = None
        session.commit()
    return escalated


def duty_queue_query(organisation_id: int) -> Select:
    """Escalated requests that nobody has seen yet, most urgent and oldest first."""
    return (
        select(HelpRequest)
        .join(Survivor, HelpRequest.survivor_id == Survivor.id)
        .where(Survivor.organisation_id == organisation_id, HelpRequest.status == "sent", HelpRequest.escalated_at.is_not(None))
        .options(*_WITH_PEOPLE)
        .order_by(URGENCY_ORDER, HelpRequest.created_at, HelpRequest.id)
    )


def duty_queue(session, organisation_id: int) -> list[HelpRequest]:
    """The whole duty queue as a list (see ``duty_queue_query``)."""
    return list(session.scalars(duty_queue_query(organisation_id)))


@dataclass
class WaitingTimes:
    urgency: str
    requests: int
    escalated: int
    waiting: int
    median_wait: timedelta | None
    longest_wait: timedelta | None


def waiting_times(session, organisation_id: int, now: datetime, days: int = 30) -> list[WaitingTimes]:
    """For each urgency, over the last ``days``: how long requests waited before staff saw them."""
    rows = session.execute(
        select(HelpRequest.urgency, HelpRequest.created_at, HelpRequest.seen_at, HelpRequest.escalated_at, HelpRequest.status)
        .join(Survivor, HelpRequest.survivor_id == Survivor.id)
        .where(Survivor.organisation_id == organisation_id, HelpRequest.created_at >= now - timedelta(days=days))
    ).all()
    figures = []
    for urgency in URGENCIES:
        mine = [r for r in rows if r.urgency == urgency]
        waits = [r.seen_at - r.created_at for r in mine if r.seen_at is not None]
        figures.append(
            WaitingTimes(
                urgency=urgency,
                requests=len(mine),
                escalated=sum(1 for r in mine if r.escalated_at is not None),
                waiting=sum(1 for r in mine if r.status == "sent"),
                median_wait=statistics.median_low(waits) if waits else None,
                longest_wait=max(waits) if waits else None,
            )
        )
    return figures


# Retention -----------------------------------------------------------------------------------

def purge_closed_requests(session, now: datetime) -> int:
    """Delete resolved and withdrawn requests older than each organisation's retention period."""
    deleted = 0
    for organisation in session.scalars(select(Organisation)):
        cutoff = now - timedelta(days=organisation.help_retention_days)
        people = select(Survivor.id).where(Survivor.organisation_id == organisation.id)
        deleted += session.execute(
            delete(HelpRequest).where(
                HelpRequest.survivor_id.in_(people),
                HelpRequest.status.in_(("resolved", "withdrawn")),
                HelpRequest.closed_at < cutoff,
            )
        ).rowcount
    return deleted
