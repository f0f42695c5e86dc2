"""Monitoring figures for a period, from structured fields only, with small numbers hidden.

Every query here names the columns it reads: dates, stages, areas, statuses,
urgencies, reasons. None reads a note, a nickname, a title or an encrypted
column (a test records the SQL to prove it). Counts below ``THRESHOLD`` are
shown as "fewer than 5", and when a table has a total, one more cell is hidden
so that a small count cannot be worked out by subtraction.
"""
from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from ..help.labels import SETBACK_LABELS, URGENCY_LABELS
from ..help.services import escalation_delay
from ..models import (
    Appointment,
    AppointmentReminder,
    CaseEvent,
    CaseEventKind,
    CheckIn,
    ClosureReason,
    Goal,
    HelpRequest,
    Organisation,
    Plan,
    PlanAgreement,
    Step,
    Survivor,
)
from ..models.help import SETBACKS, URGENCIES
from ..plan.vocabulary import STAGE_ORDER, STAGES
from ..vocabulary import AREAS

THRESHOLD = 5
ZONE = "Europe/Tirane"

CLOSURE_REASONS = {
    # TRANSLATORS: figures: why a case was closed: the person reached her goals
    ClosureReason.GOALS_REACHED.value: _l("Goals reached"),
    # TRANSLATORS: figures: why a case was closed: the person moved to another place
    ClosureReason.MOVED_AWAY.value: _l("Moved away"),
    ClosureReason.CHOSE_TO_STOP.value: _l("Chose to stop"),
    # TRANSLATORS: figures: why a case was closed: staff could no longer reach the person
    ClosureReason.LOST_CONTACT.value: _l("Lost contact"),
    # TRANSLATORS: figures: why a case was closed: any other reason
    ClosureReason.OTHER.value: _l("Other reason"),
}


# Periods ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end`` (both included), in the organisation's time zone."""

    start: date
    end: date

    def bounds(self, zone: str = ZONE) -> tuple[datetime, datetime]:
        """The instants where the period starts and where it has ended."""
        local = ZoneInfo(zone)
        return datetime.combine(self.start, time(0), tzinfo=local), datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=local)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _month_before(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


PRESETS = ("this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year")


def preset_period(name: str, today: date) -> Period:
    """A named period around ``today``: this or last month, quarter or year."""
    if name == "this_month":
        return Period(today.replace(day=1), today)
    if name == "last_month":
        start = _month_before(today)
        return Period(start, today.replace(day=1) - timedelta(days=1))
    if name == "this_quarter":
        return Period(_quarter_start(today), today)
    if name == "last_quarter":
        end = _quarter_start(today) - timedelta(days=1)
        return Period(_quarter_start(end), end)
    if name == "this_year":
        return Period(date(today.year, 1, 1), today)
    if name == "last_year":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    raise ValueError(name)


# Figures ---------------------------------------------------------------------------------------

@dataclass
class Cell:
    """One figure: its value, and how many people or events it rests on (for hiding small ones)."""

    value: float | int | timedelta | None
    basis: int
    hidden: bool = False


@dataclass
class Line:
    key: str
    label: str  # lazily translated: the page and the CSV render it in the reader's language
    cell: Cell


@dataclass
class Table:
    """One figure with its parts: counts (with a total when the parts add up), days, times or shares."""

    key: str
    title: str
    unit: str  # count, days, duration, share
    lines: list[Line]
    total: Line | None = None
    section: str = ""

    @property
    def cells(self) -> list[Cell]:
        return [line.cell for line in self.lines] + ([self.total.cell] if self.total else [])


def _count(value: int) -> Cell:
    return Cell(value, value)


def _counts(key, title, labels: dict, counter: Counter, total_label=None, section="") -> Table:
    lines = [Line(k, label, _count(counter.get(k, 0))) for k, label in labels.items()]
    # TRANSLATORS: figures table: the last line, the sum of the lines above
    total = Line("total", total_label if total_label is not None else _l("Total"), _count(sum(counter.values())))
    return Table(key, title, "count", lines, total, section)


def _median(values: list) -> Cell:
    return Cell(statistics.median_low(values) if values else None, len(values))


def _percentile_90(values: list) -> Cell:
    """The nearest-rank 90th percentile: nine in ten waited no longer."""
    if not values:
        return Cell(None, 0)
    ordered = sorted(values)
    return Cell(ordered[math.ceil(0.9 * len(ordered)) - 1], len(ordered))


def _share(part: int, whole: int) -> Cell:
    # The basis of a share is the smaller of the part and what is left: either could be small.
    return Cell(part / whole if whole else None, min(part, whole - part) if whole else 0)


def _stage_labels() -> dict:
    return {key: STAGES[key].label for key in STAGE_ORDER}


def _case_figures(session, organisation_id: int, start: datetime, end: datetime) -> list[Table]:
    # Where each person stood when the period ended: her last opening or closing, and her last stage,
    # looked up by the database among her own milestones instead of replaying the whole history in
    # Python. Only her id narrows them: with the organisation named too, SQLite without statistics may
    # pick that index instead and read every milestone for every person. MATERIALIZED (SQLite 3.35,
    # as RETURNING; PostgreSQL 12) has each lookup run once per person, not once for every place the
    # outer query names its result.
    def last_before_end(column, *where):
        return (
            select(column)
            .where(CaseEvent.survivor_id == Survivor.id, CaseEvent.at < end, *where)
            .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    standing = (
        select(
            last_before_end(CaseEvent.kind, CaseEvent.kind.in_([CaseEventKind.OPENED.value, CaseEventKind.REOPENED.value, CaseEventKind.CLOSED.value])).label("status"),
            last_before_end(CaseEvent.stage, CaseEvent.stage.is_not(None)).label("stage"),
        )
        .where(Survivor.organisation_id == organisation_id)
        .cte("standing")
        .prefix_with("MATERIALIZED")
    )
    by_stage = Counter(
        dict(
            session.execute(
                select(standing.c.stage, func.count())
                .where(standing.c.status != CaseEventKind.CLOSED.value, standing.c.stage.is_not(None))
                .group_by(standing.c.stage)
            ).all()
        )
    )
    in_period = (CaseEvent.organisation_id == organisation_id, CaseEvent.at >= start, CaseEvent.at < end)
    enrolments = session.scalar(select(func.count(CaseEvent.id)).where(*in_period, CaseEvent.kind == CaseEventKind.OPENED.value))
    reason = func.coalesce(CaseEvent.reason, ClosureReason.OTHER.value)
    closures = Counter(
        dict(session.execute(select(reason, func.count()).where(*in_period, CaseEvent.kind == CaseEventKind.CLOSED.value).group_by(reason)).all())
    )
    days_in_stage = defaultdict(list)
    for previous, days in session.execute(
        select(CaseEvent.previous_stage, CaseEvent.days_in_previous_stage).where(
            *in_period,
            CaseEvent.kind == CaseEventKind.STAGE_CHANGED.value,
            CaseEvent.previous_stage.is_not(None),
            CaseEvent.days_in_previous_stage.is_not(None),
        )
    ):
        days_in_stage[previous].append(days)
    # TRANSLATORS: figures: heading of the figures about the people in the programme
    section = _l("People")
    return [
        _counts("people_by_stage", _l("People by stage at the end of the period"), _stage_labels(), by_stage, _l("All open cases"), section),
        Table(
            "new_enrolments",
            # TRANSLATORS: figures title: people who joined the programme in the period
            _l("New enrolments"),
            "count",
            # TRANSLATORS: figures line: how many people joined the programme (do not call people 'cases')
            [Line("opened", _l("Cases opened"), _count(enrolments))],
            None,
            section,
        ),
        _counts("closures", _l("Cases closed, by reason"), CLOSURE_REASONS, closures, _l("All closed cases"), section),
        Table(
            "days_in_stage",
            _l("Median time in each stage (cases that moved on)"),
            "days",
            [Line(key, label, _median(days_in_stage[key])) for key, label in _stage_labels().items()],
            None,
            section,
        ),
    ]


def _org_plans(organisation_id: int):
    return select(Plan.id).join(Survivor, Plan.survivor_id == Survivor.id).where(Survivor.organisation_id == organisation_id)


def _plan_figures(session, organisation_id: int, start: datetime, end: datetime) -> list[Table]:
    plans = _org_plans(organisation_id)
    goals = session.execute(
        select(Goal.area, Goal.created_at, Goal.status, Goal.status_changed_at).where(
            Goal.plan_id.in_(plans),
            ((Goal.created_at >= start) & (Goal.created_at < end))
            | ((Goal.status == "reached") & (Goal.status_changed_at >= start) & (Goal.status_changed_at < end)),
        )
    ).all()
    set_by_area = Counter(g.area for g in goals if start <= g.created_at < end)
    reached_by_area = Counter(
        g.area for g in goals if g.status == "reached" and g.status_changed_at is not None and start <= g.status_changed_at < end
    )
    steps = session.scalar(
        select(func.count(Step.id))
        .join(Goal, Step.goal_id == Goal.id)
        .where(Goal.plan_id.in_(plans), Step.done_at >= start, Step.done_at < end)
    )
    agreed = session.scalar(
        select(func.count(func.distinct(PlanAgreement.plan_id))).where(
            PlanAgreement.plan_id.in_(plans), PlanAgreement.given.is_(True), PlanAgreement.at >= start, PlanAgreement.at < end
        )
    )
    # TRANSLATORS: figures: heading of the figures about plans, goals and steps
    section = _l("Plans")
    return [
        _counts("goals_set", _l("Goals set, by area of help"), AREAS, set_by_area, _l("All goals set"), section),
        _counts("goals_reached", _l("Goals reached, by area of help"), AREAS, reached_by_area, _l("All goals reached"), section),
        Table(
            "steps",
            _l("Steps ticked done"),
            "count",
            # TRANSLATORS: figures line: how many steps of a goal were ticked done in the period
            [Line("steps", _l("Steps done"), _count(steps))],
            None,
            section,
        ),
        # TRANSLATORS: figures: how many plans the person gave her agreement (pëlqim) to
        Table("plans_agreed", _l("Plans agreed"), "count", [Line("agreed", _l("Plans agreed"), _count(agreed))], None, section),
    ]


def _help_figures(session, organisation: Organisation, start: datetime, end: datetime) -> list[Table]:
    requests = session.execute(
        select(HelpRequest.setback, HelpRequest.urgency, HelpRequest.created_at, HelpRequest.seen_at, HelpRequest.answered_at, HelpRequest.escalated_at)
        .join(Survivor, HelpRequest.survivor_id == Survivor.id)
        .where(Survivor.organisation_id == organisation.id, HelpRequest.created_at >= start, HelpRequest.created_at < end)
    ).all()
    section = _l("Help requests")
    setbacks = {key: SETBACK_LABELS[key] for key in SETBACKS}
    urgencies = {key: URGENCY_LABELS[key] for key in URGENCIES}
    times = []
    for urgency, label in urgencies.items():
        mine = [r for r in requests if r.urgency == urgency]
        seen = [r.seen_at - r.created_at for r in mine if r.seen_at is not None]
        answered = [r.answered_at - r.created_at for r in mine if r.answered_at is not None]
        times += [
            Line(f"{urgency}_seen_median", _l("%(urgency)s: median time to seen", urgency=label), _median(seen)),
            Line(f"{urgency}_seen_p90", _l("%(urgency)s: 9 in 10 seen within", urgency=label), _percentile_90(seen)),
            Line(f"{urgency}_answered_median", _l("%(urgency)s: median time to answered", urgency=label), _median(answered)),
            Line(f"{urgency}_answered_p90", _l("%(urgency)s: 9 in 10 answered within", urgency=label), _percentile_90(answered)),
        ]
    escalated = sum(1 for r in requests if r.escalated_at is not None)
    in_time = sum(
        1 for r in requests if r.answered_at is not None and r.answered_at - r.created_at <= escalation_delay(organisation, r.urgency)
    )
    return [
        _counts("requests_by_setback", _l("Help requests, by what happened"), setbacks, Counter(r.setback for r in requests), _l("All help requests"), section),
        _counts("requests_by_urgency", _l("Help requests, by how soon"), urgencies, Counter(r.urgency for r in requests), _l("All help requests"), section),
        Table("response_times", _l("Time to seen and to answered"), "duration", times, None, section),
        Table(
            "response_shares",
            _l("Escalations and answers in time"),
            "share",
            [
                Line("escalated", _l("Share sent to the duty queue"), _share(escalated, len(requests))),
                Line("answered_in_time", _l("Share answered within the organisation's time"), _share(in_time, len(requests))),
            ],
            None,
            section,
        ),
    ]


def _appointment_figures(session, organisation_id: int, start: datetime, end: datetime, now: datetime) -> list[Table]:
    # Counted by the database: a period can hold thousands of appointments.
    outcome = case(
        (Appointment.cancelled_at.is_not(None), "cancelled"),
        (Appointment.cant_come_at.is_not(None), "missed"),
        (Appointment.starts_at <= now, "kept"),
    )
    outcomes = Counter(
        dict(
            session.execute(
                select(outcome, func.count())
                .join(Survivor, Appointment.survivor_id == Survivor.id)
                .where(Survivor.organisation_id == organisation_id, Appointment.starts_at >= start, Appointment.starts_at < end)
                .group_by(outcome)
            ).all()
        )
    )
    outcomes.pop(None, None)
    reminders = session.scalar(
        select(func.count(AppointmentReminder.id))
        .join(Appointment, AppointmentReminder.appointment_id == Appointment.id)
        .join(Survivor, Appointment.survivor_id == Survivor.id)
        .where(
            Survivor.organisation_id == organisation_id,
            AppointmentReminder.status == "sent",
            AppointmentReminder.handled_at >= start,
            AppointmentReminder.handled_at < end,
        )
    )
    section = _l("Appointments")
    labels = {"kept": _l("Kept (not cancelled, and the person did not say they could not come)"), "missed": _l("Missed (the person said they could not come)"), "cancelled": _l("Cancelled")}
    return [
        _counts("appointments", _l("Appointments in the period"), labels, outcomes, _l("All past appointments"), section),
        # TRANSLATORS: figures title: appointment reminders that reached the phones
        Table("reminders", _l("Reminders delivered"), "count", [Line("sent", _l("Reminders sent to phones"), _count(reminders))], None, section),
    ]


def _check_in_figures(session, organisation: Organisation, period: Period, start: datetime, end: datetime, today: date) -> list[Table]:
    plans = _org_plans(organisation.id)
    done = session.scalar(
        select(func.count(CheckIn.id)).where(CheckIn.plan_id.in_(plans), CheckIn.held_on >= period.start, CheckIn.held_on <= period.end)
    )
    local = ZoneInfo(ZONE)
    last_day = min(period.end, today)
    _, after_last_day = Period(last_day, last_day).bounds()
    # People who joined before the period and stayed past its last day all owe the same check-ins for
    # their stage: the database counts them together, and only those who came or left within it come one by one.
    joined = case((Survivor.created_at < start, None), else_=Survivor.created_at)
    left = case((Survivor.closed_at.is_(None) | (Survivor.closed_at >= after_last_day), None), else_=Survivor.closed_at)
    groups = session.execute(
        select(joined, left, Plan.stage, func.count())
        .select_from(Survivor)
        .outerjoin(Plan, Plan.survivor_id == Survivor.id)
        .where(
            Survivor.organisation_id == organisation.id,
            Survivor.created_at < end,
            Survivor.closed_at.is_(None) | (Survivor.closed_at >= start),
        )
        .group_by(joined, left, Plan.stage)
    ).all()
    due = 0
    for came, went, stage, people in groups:
        first = period.start if came is None else max(period.start, came.astimezone(local).date())
        last = last_day if went is None else min(last_day, went.astimezone(local).date())
        if last >= first:
            due += people * (((last - first).days + 1) // organisation.checkin_interval_days(stage or STAGE_ORDER[0]))
    section = _l("Check-ins")
    return [
        Table(
            "check_ins",
            _l("Check-ins held and due"),
            "count",
            # TRANSLATORS: figures line: how many follow-up talks (bisedë) were held
            [Line("held", _l("Check-ins held"), _count(done)), Line("due", _l("Check-ins due (by each stage's interval)"), _count(due))],
            None,
            section,
        )
    ]


def compute_figures(session, organisation: Organisation, period: Period, now: datetime, today: date) -> list[Table]:
    """Every figure for ``period``, raw (not yet hidden): see ``suppress``."""
    start, end = period.bounds()
    return [
        *_case_figures(session, organisation.id, start, end),
        *_plan_figures(session, organisation.id, start, end),
        *_help_figures(session, organisation, start, end),
        *_appointment_figures(session, organisation.id, start, end, now),
        *_check_in_figures(session, organisation, period, start, end, today),
    ]


# Hiding small numbers -----------------------------------------------------------------------

def suppress(table: Table) -> Table:
    """Hide every figure resting on fewer than five, and one more where a total would give it away."""
    lines = [replace(line, cell=replace(line.cell, hidden=line.cell.basis < THRESHOLD)) for line in table.lines]
    total = replace(table.total, cell=replace(table.total.cell, hidden=table.total.cell.basis < THRESHOLD)) if table.total else None
    if total is not None and not total.cell.hidden:
        hidden = [line for line in lines if line.cell.hidden]
        shown = [line for line in lines if not line.cell.hidden]
        if len(hidden) == 1 and shown:
            # Total minus the others would give the one hidden count: hide the next smallest too.
            smallest = min(shown, key=lambda line: line.cell.basis)
            lines = [replace(line, cell=replace(line.cell, hidden=True)) if line is smallest else line for line in lines]
        elif len(hidden) == 1:
            total = replace(total, cell=replace(total.cell, hidden=True))
    return replace(table, lines=lines, total=total)


def figures_for(session, organisation: Organisation, period: Period, now: datetime, today: date) -> list[Table]:
    """The figures for ``period`` as anyone may see them: small numbers hidden."""
    return [suppress(table) for table in compute_figures(session, organisation, period, now, today)]
