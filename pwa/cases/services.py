"""A case's life and the caseload: moving, closing and reopening cases; what needs attention first.

Plain functions: they take the database session and the time explicitly.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Date, DateTime, Select, and_, bindparam, case, delete, func, or_, select, update
from sqlalchemy.orm import aliased

from ..access import Visible
from ..appointments.services import cancel_appointment, tirane_day
from ..auth.services import issue_enrolment_code
from ..help.services import responder_for
from ..models import (
    Appointment,
    CaseEventKind,
    CheckIn,
    ClosureReason,
    EnrolmentCode,
    HelpRequest,
    Organisation,
    Plan,
    PushSubscription,
    Staff,
    Survivor,
    audit,
    record_case_event,
)
from ..models.help import OPEN_STATUSES, URGENCIES
from ..pagination import PAGE_SIZE, Page, Paged, paged, read_page

STAGES = ("crisis", "transition", "inclusion")


# The caseload ---------------------------------------------------------------------------

@dataclass
class CaseRow:
    """One line of the caseload: what a case manager needs to see to decide whom to call first."""

    id: int
    nickname: str
    case_manager: str
    stage: str | None
    enrolled: bool
    locked: bool
    open_requests: int
    oldest_urgency: str | None
    oldest_request_at: datetime | None
    next_appointment: datetime | None
    last_check_in: date | None
    check_in_due: bool
    last_active_on: datetime | None
    closed_at: datetime | None
    closure_pending: bool

    @property
    def needs_attention(self) -> bool:
        return bool(self.open_requests or self.check_in_due or self.closure_pending)


def _check_in_due(stage, last_check_in, opened_at):
    """A SQL condition: the last check-in (or the opening, if none) is older than her stage's interval.

    The cut-off days (and their midnights) are bound at each run: see ``_cutoffs``.
    """
    cutoff_day = case(
        (stage == "transition", bindparam("cutoff_transition", type_=Date)),
        (stage == "inclusion", bindparam("cutoff_inclusion", type_=Date)),
        else_=bindparam("cutoff_crisis", type_=Date),
    )
    cutoff_moment = case(
        (stage == "transition", bindparam("cutoff_transition_moment", type_=DateTime)),
        (stage == "inclusion", bindparam("cutoff_inclusion_moment", type_=DateTime)),
        else_=bindparam("cutoff_crisis_moment", type_=DateTime),
    )
    return or_(
        and_(last_check_in.is_(None), opened_at <= cutoff_moment),
        last_check_in <= cutoff_day,
    )


def _cutoffs(organisation: Organisation, today: date) -> dict:
    """The values ``_check_in_due`` binds: for each stage, the day before which a check-in is owed, and its midnight."""
    values = {}
    for name in STAGES:
        day = today - timedelta(days=organisation.checkin_interval_days(name))
        values[f"cutoff_{name}"], values[f"cutoff_{name}_moment"] = day, datetime.combine(day, datetime.min.time())
    return values


@functools.cache
def _caseload_statements(visible: Select, stage: str | None, attention: bool, closed: bool) -> Paged:
    """The caseload's count and page for one shape of visibility and filters, built once.

    ``now`` and the cut-offs are bound at each run, with the visibility's own values.
    """
    people = visible.subquery()
    manager = aliased(Staff)

    open_requests = (
        select(HelpRequest.survivor_id, func.count().label("n"), func.min(HelpRequest.created_at).label("oldest"))
        .where(HelpRequest.status.in_(OPEN_STATUSES))
        .group_by(HelpRequest.survivor_id)
        .subquery()
    )
    oldest_urgency = (
        select(HelpRequest.urgency)
        .where(HelpRequest.survivor_id == people.c.id, HelpRequest.status.in_(OPEN_STATUSES))
        .order_by(HelpRequest.created_at, HelpRequest.id)
        .limit(1)
        .correlate(people)
        .scalar_subquery()
    )
    last_check_in = (
        select(func.max(CheckIn.held_on)).where(CheckIn.plan_id == Plan.id).correlate(Plan).scalar_subquery()
    )
    # Each person's figures are worked out once, in a materialised step: the order below reads
    # them several times, and a database that inlined them would run each subquery per mention.
    facts = (
        select(
            people.c.id,
            people.c.nickname,
            manager.first_name.label("case_manager"),
            Plan.stage,
            people.c.pin_hash.is_not(None).label("enrolled"),
            people.c.locked_at.is_not(None).label("locked"),
            func.coalesce(open_requests.c.n, 0).label("open_requests"),
            oldest_urgency.label("oldest_urgency"),
            open_requests.c.oldest,
            last_check_in.label("last_check_in"),
            people.c.created_at,
            people.c.last_active_on,
            people.c.closed_at,
            people.c.closure_requested_at,
        )
        .select_from(people)
        .join(manager, manager.id == people.c.case_manager_id)
        .outerjoin(Plan, Plan.survivor_id == people.c.id)
        .outerjoin(open_requests, open_requests.c.survivor_id == people.c.id)
        .where(people.c.closed_at.is_not(None) if closed else people.c.closed_at.is_(None))
    )
    if stage is not None:
        facts = facts.where(Plan.stage == stage if stage != "crisis" else or_(Plan.stage == stage, Plan.stage.is_(None)))
    row = facts.cte("caseload_facts").prefix_with("MATERIALIZED")
    due = _check_in_due(row.c.stage, row.c.last_check_in, row.c.created_at)
    pending = and_(row.c.closure_requested_at.is_not(None), row.c.closed_at.is_(None))
    needs_attention = or_(row.c.open_requests > 0, and_(row.c.closed_at.is_(None), due), pending)
    urgency_rank = case(*[(row.c.oldest_urgency == name, rank) for rank, name in enumerate(URGENCIES)], else_=len(URGENCIES))
    attention_rank = case((needs_attention, 0), else_=1).label("attention_rank")
    pending_rank = case((pending, 0), else_=1).label("pending_rank")
    query = select(
        row.c.id,
        row.c.nickname,
        row.c.case_manager,
        row.c.stage,
        row.c.enrolled,
        row.c.locked,
        row.c.open_requests,
        row.c.oldest_urgency,
        row.c.oldest,
        row.c.last_check_in,
        and_(row.c.closed_at.is_(None), due).label("check_in_due"),
        row.c.last_active_on,
        row.c.closed_at,
        pending.label("closure_pending"),
        attention_rank,
        pending_rank,
        urgency_rank.label("urgency_rank"),
    )
    if attention:
        query = query.where(needs_attention)
    return paged(
        query.order_by(*_caseload_order(attention_rank, pending_rank, urgency_rank, row.c)),
        # Without the attention filter, counting needs none of the figures.
        count=None if attention else facts.with_only_columns(people.c.id),
        around=_with_next_appointment,
    )


def _caseload_order(attention_rank, pending_rank, urgency_rank, columns) -> tuple:
    """Who needs attention first: pending closures, the most urgent and oldest request, the check-in owed longest."""
    return (
        attention_rank,
        pending_rank,
        urgency_rank,
        columns.oldest,
        columns.last_check_in.is_not(None),
        columns.last_check_in,
        columns.closed_at.desc(),
        func.lower(columns.nickname),
        columns.id,
    )


def _with_next_appointment(page) -> Select:
    """One page of the caseload with each person's next appointment: looked up for the page's rows only, since no order needs it."""
    next_appointment = (
        select(func.min(Appointment.starts_at))
        .where(Appointment.survivor_id == page.c.id, Appointment.starts_at >= bindparam("now"), Appointment.cancelled_at.is_(None))
        .correlate(page)
        .scalar_subquery()
    )
    c = page.c
    return select(
        c.id, c.nickname, c.case_manager, c.stage, c.enrolled, c.locked, c.open_requests, c.oldest_urgency, c.oldest,
        next_appointment, c.last_check_in, c.check_in_due, c.last_active_on, c.closed_at, c.closure_pending,
    ).order_by(*_caseload_order(c.attention_rank, c.pending_rank, c.urgency_rank, c))


def caseload(
    session,
    visible: Visible,
    organisation: Organisation,
    now: datetime,
    *,
    stage: str | None = None,
    attention: bool = False,
    closed: bool = False,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> Page:
    """The people in ``visible``, most in need of attention first, one page at a time.

    Two queries whatever the size of the organisation (``read_page``): one counts, one reads the
    page with every figure computed by the database. Their statements are built once per shape.
    """
    statements = _caseload_statements(visible.query, stage if stage in STAGES else None, attention, closed)
    params = {**visible.params, **_cutoffs(organisation, tirane_day(now)), "now": now}
    found = read_page(session, statements, page, page_size, params=params)
    found.items = [_row(values) for values in found.items]
    return found


def _row(values) -> CaseRow:
    (id_, nickname, manager, stage, enrolled, locked, n, urgency, oldest, next_at, last, due, active, closed_at, pending) = values
    return CaseRow(
        id_, nickname, manager, stage, bool(enrolled), bool(locked), n, urgency, oldest, next_at, last, bool(due), active,
        closed_at, bool(pending),
    )


# Moving --------------------------------------------------------------------------------

def move_cases(session, by: Staff, survivors: list[Survivor], to: Staff, now: datetime) -> int:
    """Hand ``survivors`` to case manager ``to`` in one step; their open requests follow. Returns how many moved.

    Plan, appointments and reminders belong to her record, so they follow by themselves; the old
    worker no longer sees her (access follows ``case_manager_id``).
    """
    moved = 0
    for survivor in survivors:
        if survivor.case_manager_id == to.id or survivor.organisation_id != to.organisation_id:
            continue
        survivor.case_manager = to
        session.flush()
        holder = responder_for(survivor)
        for help_request in session.scalars(
            select(HelpRequest).where(HelpRequest.survivor_id == survivor.id, HelpRequest.status.in_(OPEN_STATUSES))
        ):
            if help_request.escalated_at is None or holder is not None:
                help_request.assigned_to = holder
        record_case_event(session, survivor, CaseEventKind.MOVED, now, stage=survivor.plan.stage if survivor.plan else None)
        audit.record(by, survivor, "move_case")
        moved += 1
    return moved


def caseload_of(session, staff: Staff) -> list[Survivor]:
    """Everyone, open or closed, whose case manager is ``staff``."""
    return list(session.scalars(select(Survivor).where(Survivor.case_manager_id == staff.id)))


# Closing and reopening ------------------------------------------------------------------

def _stage_of(survivor: Survivor) -> str | None:
    return survivor.plan.stage if survivor.plan else None


def request_closure(session, by: Staff, survivor: Survivor, reason: ClosureReason, now: datetime) -> bool:
    """Close the case, or ask a supervisor to when the organisation wants closures approved. True when closed now."""
    if survivor.organisation.closure_needs_approval and not by.is_supervisor:
        survivor.closure_requested_at = now
        survivor.closure_requested_by = by
        survivor.closure_reason = ClosureReason(reason).value
        audit.record(by, survivor, "ask_close_case")
        return False
    close_case(session, by, survivor, reason, now)
    return True


def close_case(session, by: Staff, survivor: Survivor, reason: ClosureReason, now: datetime) -> None:
    """Close: her phone sign-in ends, no reminder or push goes to her, her record waits for the retention."""
    survivor.closed_at = now
    survivor.closure_reason = ClosureReason(reason).value
    survivor.closure_requested_at = survivor.closure_requested_at or now
    survivor.closure_requested_by = survivor.closure_requested_by or by
    survivor.end_sessions()
    session.execute(delete(PushSubscription).where(PushSubscription.survivor_id == survivor.id))
    # A code handed out before the closure must not bind a phone to a closed case.
    session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.survivor_id == survivor.id, EnrolmentCode.used_at.is_(None), EnrolmentCode.expires_at > now)
        .values(expires_at=now)
    )
    for appointment in session.scalars(
        select(Appointment).where(Appointment.survivor_id == survivor.id, Appointment.starts_at >= now, Appointment.cancelled_at.is_(None))
    ):
        cancel_appointment(session, appointment, now)
    record_case_event(session, survivor, CaseEventKind.CLOSED, now, stage=_stage_of(survivor), reason=reason)
    audit.record(by, survivor, "close_case")


def approve_closure(session, by: Staff, survivor: Survivor, now: datetime) -> None:
    """A supervisor agrees to the closure a case manager asked for."""
    close_case(session, by, survivor, ClosureReason(survivor.closure_reason), now)


def decline_closure(session, by: Staff, survivor: Survivor) -> None:
    """A supervisor keeps the case open."""
    survivor.closure_requested_at = None
    survivor.closure_requested_by = None
    survivor.closure_reason = None
    audit.record(by, survivor, "keep_case_open")


def reopen_case(session, by: Staff, survivor: Survivor, now: datetime, hours: int) -> str:
    """Reopen a closed case; she binds her phone again with the new one-time code returned."""
    survivor.closed_at = None
    survivor.closure_reason = None
    survivor.closure_requested_at = None
    survivor.closure_requested_by = None
    record_case_event(session, survivor, CaseEventKind.REOPENED, now, stage=_stage_of(survivor))
    code = issue_enrolment_code(session, survivor, by, now, hours)
    audit.record(by, survivor, "reopen_case")
    return code


def deleted_on(survivor: Survivor) -> datetime | None:
    """When a closed case's record goes, unless it is reopened first."""
    if survivor.closed_at is None:
        return None
    return survivor.closed_at + timedelta(days=survivor.organisation.closed_case_retention_days)


def purge_closed_cases(session, now: datetime) -> int:
    """Delete the records of cases closed longer than their organisation's retention; return how many went."""
    gone = 0
    for organisation in session.scalars(select(Organisation)):
        cutoff = now - timedelta(days=organisation.closed_case_retention_days)
        for survivor in session.scalars(
            select(Survivor).where(Survivor.organisation_id == organisation.id, Survivor.closed_at <= cutoff)
        ).all():
            session.delete(survivor)
            gone += 1
    return gone
