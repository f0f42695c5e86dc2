"""A fixture organisation whose January 2027 figures are worked out by hand in the tests."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from pwa.extensions import db
from pwa.models import (
    Appointment,
    AppointmentReminder,
    CaseEvent,
    CheckIn,
    Goal,
    HelpRequest,
    PlanAgreement,
    Role,
    Step,
)
from tests import factories

UTC = timezone.utc
NOW = datetime(2027, 2, 10, 9, 0, tzinfo=UTC)
JAN = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)


@dataclass
class Fixture:
    org: object
    supervisor: object
    manager: object
    people: list


def _event(org, survivor, kind, at, **fields):
    db.session.add(CaseEvent(organisation_id=org.id, survivor_id=survivor.id, kind=kind, at=at, **fields))


@pytest.fixture
def january(app, org):
    """Eight people: five moved to transition in January, one closed, one enrolled in December.

    Hand-worked January figures: people by stage crisis 2, transition 5, total 7; 7 enrolments;
    1 closure; median days in crisis 30 (10, 20, 30, 40, 50). Goals set: housing 6, legal 2;
    reached: housing 5. Steps done 7; plans agreed 5. Help requests: 6 "now" (5 health, 1 housing),
    seen after 5, 10, 15, 20, 25, 60 minutes (median 15, 9 in 10 within 60), answered after 10, 20,
    30, 40, 50, 120 minutes (median 30, 9 in 10 within 120), 1 escalated. Appointments: 6 kept,
    2 missed, 5 cancelled. Reminders sent 5. Check-ins held 6, due 25.
    """
    supervisor = factories.staff(org, "sokol", Role.SUPERVISOR)
    manager = factories.staff(org, "mira")
    people = [factories.survivor(manager, f"P{n}", pin=None) for n in range(1, 9)]
    for person in people[:7]:
        person.created_at = datetime(2027, 1, 1, 10, 0, tzinfo=UTC)
        _event(org, person, "opened", person.created_at, stage="crisis")
    people[7].created_at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    _event(org, people[7], "opened", people[7].created_at, stage="crisis")
    for days, person in zip((10, 20, 30, 40, 50), people[:5]):
        _event(org, person, "stage_changed", JAN, stage="transition", previous_stage="crisis", days_in_previous_stage=days)
        factories.plan(person, "transition")
    for person in people[5:]:
        factories.plan(person, "crisis")
    people[6].closed_at = datetime(2027, 1, 16, 10, 0, tzinfo=UTC)
    people[6].closure_reason = "goals_reached"
    _event(org, people[6], "closed", people[6].closed_at, reason="goals_reached")

    plans = [person.plan for person in people]
    for n in range(8):
        goal = Goal(plan=plans[n % 5], area="housing" if n < 6 else "legal", stage="crisis", title="Strehim i sigurt", created_at=JAN)
        if n < 5:
            goal.status, goal.status_changed_at = "reached", JAN + timedelta(days=10)
        db.session.add(goal)
        if n == 0:
            goal.steps = [Step(text="Hap sekret", position=k, done_at=JAN + timedelta(days=1)) for k in range(7)]
    for plan in plans[:5]:
        db.session.add(PlanAgreement(plan=plan, given=True, at=JAN))
    for n, (seen, answered) in enumerate(zip((5, 10, 15, 20, 25, 60), (10, 20, 30, 40, 50, 120))):
        db.session.add(
            HelpRequest(
                survivor_id=people[n].id, idempotency_key=f"00000000-0000-0000-0000-00000000000{n}", setback="health" if n < 5 else "housing",
                urgency="now", contact="call", note="Shënim privat", status="answered", created_at=JAN, escalate_at=JAN + timedelta(minutes=30),
                escalated_at=JAN + timedelta(minutes=30) if n == 5 else None,
                seen_at=JAN + timedelta(minutes=seen), answered_at=JAN + timedelta(minutes=answered), answered_how="call",
            )
        )
    for n in range(13):
        appointment = Appointment(
            survivor_id=people[n % 8].id, starts_at=JAN + timedelta(days=n), title="Takim sekret", place="Vend sekret",
            cancelled_at=JAN if n >= 8 else None, cant_come_at=JAN if n in (6, 7) else None,
        )
        db.session.add(appointment)
        if n < 5:
            appointment.reminders = [AppointmentReminder(offset_minutes=120, due_at=appointment.starts_at, status="sent", handled_at=appointment.starts_at)]
    for n in range(6):
        db.session.add(CheckIn(plan=plans[n % 5], held_on=(JAN + timedelta(days=n)).date(), note="Shënim i fshehtë"))
    db.session.commit()
    return Fixture(org, supervisor, manager, people)
