"""Plan rules: goals and steps, stages, agreement and check-ins.

Plain functions: they take the database session and the time explicitly and
never touch the request. Text edits are checked against the ``version`` the
editor loaded (``ChangedMeanwhile`` when someone saved first); ticking a step
is a targeted update of ``done_at`` alone, so it never overwrites a text edit
and a text edit never undoes a tick.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..models import CaseEventKind, CheckIn, Goal, Plan, PlanAgreement, ServiceRecommendation, Staff, Step, Survivor, record_case_event
from .vocabulary import STAGE_ORDER, STAGES, TEMPLATES


class ChangedMeanwhile(Exception):
    """Someone else saved this text after the editor loaded it."""


# Plans ---------------------------------------------------------------------------

def find_plan(session, survivor: Survivor) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.survivor_id == survivor.id))


# Built once: My plan shows every goal with its steps, so they come in two more queries, not one per goal.
_PLAN_WITH_GOALS = (
    select(Plan).where(Plan.survivor_id == bindparam("survivor_id")).options(selectinload(Plan.goals).selectinload(Goal.steps))
)


def plan_page(session, survivor: Survivor) -> Plan:
    """``plan_for``, with her goals and their steps loaded together."""
    return session.scalar(_PLAN_WITH_GOALS, {"survivor_id": survivor.id}) or Plan(survivor_id=survivor.id, stage=STAGE_ORDER[0])


def plan_for(session, survivor: Survivor) -> Plan:
    """The survivor's plan; an empty, unsaved one when nothing has been written yet."""
    return find_plan(session, survivor) or Plan(survivor_id=survivor.id, stage=STAGE_ORDER[0])


def ensure_plan(session, survivor: Survivor, now: datetime) -> Plan:
    """The survivor's plan, created on first use (safe when two requests race to create it)."""
    plan = find_plan(session, survivor)
    if plan is not None:
        return plan
    try:
        with session.begin_nested():
            plan = Plan(survivor_id=survivor.id, stage=STAGE_ORDER[0], created_at=now)
            session.add(plan)
    except IntegrityError:
        plan = find_plan(session, survivor)
    return plan


def set_stage(session, plan: Plan, stage: str, staff: Staff, now: datetime) -> None:
    """Move the plan to ``stage`` (forward, or back after a set-back)."""
    if stage not in STAGES:
        raise ValueError(stage)
    if plan.stage != stage:
        record_case_event(session, plan.survivor, CaseEventKind.STAGE_CHANGED, now, stage=stage, previous_stage=plan.stage)
        plan.stage, plan.stage_set_at, plan.stage_set_by_id = stage, now, staff.id


# Goals ---------------------------------------------------------------------------

def _next_goal_position(session, plan: Plan) -> int:
    return (session.scalar(select(func.max(Goal.position)).where(Goal.plan_id == plan.id)) or 0) + 1


def add_goal(
    session,
    plan: Plan,
    now: datetime,
    *,
    area: str,
    stage: str,
    title: str | None,
    target_date: date | None = None,
    template: str | None = None,
    by_staff: Staff | None = None,
) -> Goal:
    """Add an active goal at the end of its stage; without ``by_staff`` the survivor added it."""
    goal = Goal(
        plan=plan,
        area=area,
        stage=stage,
        title=(title or "").strip() or None,
        template=template,
        target_date=target_date,
        status="active",
        position=_next_goal_position(session, plan),
        added_by_survivor=by_staff is None,
        added_by_staff_id=by_staff.id if by_staff else None,
        created_at=now,
    )
    session.add(goal)
    session.flush()
    return goal


def add_goal_from_template(session, plan: Plan, key: str, staff: Staff, now: datetime) -> Goal:
    """Start a goal (and its usual steps) from a template, in the template's stage or the plan's."""
    template = TEMPLATES[key]
    goal = add_goal(
        session, plan, now, area=template.area, stage=template.stage or plan.stage, title=None, template=key, by_staff=staff
    )
    for index, _text in enumerate(template.steps):
        session.add(
            Step(goal=goal, template=f"{key}.{index}", position=index + 1, added_by_staff_id=staff.id, created_at=now)
        )
    session.flush()
    return goal


def edit_goal(session, goal: Goal, version: int, *, title: str | None, area: str, stage: str, target_date: date | None) -> None:
    """Save a goal's text as edited from ``version``; ``ChangedMeanwhile`` if someone saved first.

    A ``title`` of None keeps the template's title (read in each person's language).
    """
    result = session.execute(
        update(Goal)
        .where(Goal.id == goal.id, Goal.version == version)
        .values(title=title, area=area, stage=stage, target_date=target_date, version=Goal.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(goal)
    if result.rowcount != 1:
        raise ChangedMeanwhile()


def set_goal_status(session, goal: Goal, status: str, now: datetime) -> None:
    if goal.status != status:
        goal.status, goal.status_changed_at = status, now


def _move(items: list, item, direction: str) -> None:
    """Move ``item`` one place up or down in ``items`` (in their order) and number them 1..n."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items, start=1):
        each.position = position


def move_goal(session, goal: Goal, direction: str) -> None:
    """Move a goal one place up or down among the goals of its stage."""
    siblings = session.scalars(
        select(Goal).where(Goal.plan_id == goal.plan_id, Goal.stage == goal.stage).order_by(Goal.position, Goal.id)
    ).all()
    _move(list(siblings), goal, direction)


# Steps ---------------------------------------------------------------------------

def add_step(session, goal: Goal, now: datetime, *, text: str, due_date: date | None = None, by_staff: Staff | None = None) -> Step:
    """Add a step at the end of a goal; without ``by_staff`` the survivor added it."""
    position = (session.scalar(select(func.max(Step.position)).where(Step.goal_id == goal.id)) or 0) + 1
    step = Step(
        goal=goal,
        text=text.strip(),
        due_date=due_date,
        position=position,
        added_by_survivor=by_staff is None,
        added_by_staff_id=by_staff.id if by_staff else None,
        created_at=now,
    )
    session.add(step)
    session.flush()
    return step


def edit_step(session, step: Step, version: int, *, text: str | None, due_date: date | None) -> None:
    """Save a step's text and due date as edited from ``version``; never touches whether it is done."""
    result = session.execute(
        update(Step)
        .where(Step.id == step.id, Step.version == version)
        .values(text=text, due_date=due_date, version=Step.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(step)
    if result.rowcount != 1:
        raise ChangedMeanwhile()


def mark_step(session, step: Step, done: bool, now: datetime) -> None:
    """Tick a step done or undone; only ``done_at`` changes, whatever else is being edited."""
    query = update(Step).where(Step.id == step.id).execution_options(synchronize_session=False)
    if done:
        # Ticking twice keeps the time it was first done.
        session.execute(query.where(Step.done_at.is_(None)).values(done_at=now))
    else:
        session.execute(query.values(done_at=None))
    session.expire(step)


def move_step(session, step: Step, direction: str) -> None:
    """Move a step one place up or down within its goal."""
    siblings = session.scalars(select(Step).where(Step.goal_id == step.goal_id).order_by(Step.position, Step.id)).all()
    _move(list(siblings), step, direction)


def remove_step(session, step: Step) -> None:
    session.delete(step)


# Built once: Today runs it on every visit.
_NEXT_OPEN_STEPS = (
    select(Step)
    .join(Goal, Step.goal_id == Goal.id)
    .join(Plan, Goal.plan_id == Plan.id)
    .where(Plan.survivor_id == bindparam("survivor_id"), Goal.status == "active", Step.done_at.is_(None))
    .order_by(Step.due_date.is_(None), Step.due_date, Goal.position, Goal.id, Step.position, Step.id)
    .limit(bindparam("limit"))
)


def next_open_steps(session, survivor: Survivor, limit: int = 2) -> list[Step]:
    """The survivor's next open steps in active goals: nearest due date first, then plan order."""
    return list(session.scalars(_NEXT_OPEN_STEPS, {"survivor_id": survivor.id, "limit": limit}))


# Who may touch what ---------------------------------------------------------------

def goal_of(session, survivor: Survivor, goal_id: int) -> Goal | None:
    """The goal, if it is in this survivor's plan."""
    return session.scalar(
        select(Goal).join(Plan, Goal.plan_id == Plan.id).where(Goal.id == goal_id, Plan.survivor_id == survivor.id)
    )


def step_of(session, survivor: Survivor, step_id: int) -> Step | None:
    """The step, if it is in this survivor's plan."""
    return session.scalar(
        select(Step)
        .join(Goal, Step.goal_id == Goal.id)
        .join(Plan, Goal.plan_id == Plan.id)
        .where(Step.id == step_id, Plan.survivor_id == survivor.id)
    )


# Agreement and check-ins -------------------------------------------------------

def record_agreement(session, plan: Plan, given: bool, now: datetime, staff: Staff | None = None) -> PlanAgreement | None:
    """Record agreement given or withdrawn (by staff: in person); nothing when it is already so."""
    if plan.is_agreed == given:
        return None
    row = PlanAgreement(plan=plan, given=given, at=now, in_person=staff is not None, recorded_by_id=staff.id if staff else None)
    session.add(row)
    session.flush()
    return row


def add_check_in(session, plan: Plan, staff: Staff, held_on: date, note: str | None, now: datetime) -> CheckIn:
    check_in = CheckIn(plan=plan, held_on=held_on, note=(note or "").strip() or None, staff_id=staff.id, created_at=now)
    session.add(check_in)
    session.flush()
    return check_in


def next_check_in_due(plan: Plan, organisation, today: date) -> date:
    """When the next check-in is due, by the organisation's interval for her stage (the caseload counts the same way)."""
    last = plan.last_check_in
    if last is None:
        return today
    return last.held_on + timedelta(days=organisation.checkin_interval_days(plan.stage))


def recommend_service(session, goal: Goal, service, now: datetime, by_staff, step: Step | None = None) -> ServiceRecommendation:
    """Recommend a directory service for a goal (or one of its steps); recommending it twice changes nothing."""
    for existing in goal.recommendations:
        if existing.service_id == service.id and existing.step_id == (step.id if step else None):
            return existing
    recommendation = ServiceRecommendation(service=service, step=step, added_by_staff=by_staff, created_at=now)
    goal.recommendations.append(recommendation)
    session.flush()
    return recommendation


def recommendation_of(goal: Goal, recommendation_id: int) -> ServiceRecommendation | None:
    """The recommendation, if it belongs to this goal."""
    return next((r for r in goal.recommendations if r.id == recommendation_id), None)
