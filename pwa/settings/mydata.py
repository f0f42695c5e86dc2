"""What Dera keeps about a person in the programme: shown to her, given to her, deleted when she asks.

``my_data`` is the one description of her record; the "What Dera keeps about
you" page and both downloads (the page to read and the JSON file) are made
from it, so they cannot drift apart. Staff notes from talks and request
outcomes are not hers to read in the app, so only their dates are listed;
``kept.py`` tells her that they exist.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ..models import Appointment, AuditEvent, HelpRequest, PushSubscription, Survivor
from ..plan.vocabulary import goal_title, step_text


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def my_data(session, survivor: Survivor, when=_iso) -> dict:
    """Everything Dera keeps about ``survivor``, as plain data; ``when`` writes dates (ISO text for the file)."""
    data = {
        "account": {
            "nickname": survivor.nickname,
            "language": survivor.locale,
            "case_manager": survivor.case_manager.first_name,
            "enrolled_at": when(survivor.enrolled_at),
            "last_active": when(survivor.last_active_on),
            # When she leaves the programme, everything here goes this many days after the closure.
            "deleted_days_after_closure": survivor.organisation.closed_case_retention_days,
            "phones": len(survivor.devices),
            "reminder_subscriptions": session.scalar(
                select(func.count(PushSubscription.id)).where(PushSubscription.survivor_id == survivor.id)
            ),
        },
        "plan": None,
        "appointments": [
            {
                "starts_at": when(a.starts_at),
                "title": a.title,
                "place": a.place,
                "cancelled": a.cancelled_at is not None,
                "cant_come": a.cant_come_at is not None,
            }
            for a in session.scalars(select(Appointment).where(Appointment.survivor_id == survivor.id).order_by(Appointment.starts_at))
        ],
        "help_requests": [
            {
                "sent_at": when(r.created_at),
                "what_happened": r.setback,
                "how_soon": r.urgency,
                "how_to_reach_you": r.contact,
                "note": r.note,
                "status": r.status,
                "seen_at": when(r.seen_at),
                "answered_at": when(r.answered_at),
            }
            for r in session.scalars(select(HelpRequest).where(HelpRequest.survivor_id == survivor.id).order_by(HelpRequest.created_at))
        ],
    }
    plan = survivor.plan
    if plan is not None:
        data["plan"] = {
            "stage": plan.stage,
            "goals": [
                {
                    "title": goal_title(goal),
                    "area": goal.area,
                    "stage": goal.stage,
                    "status": goal.status,
                    "target_date": when(goal.target_date),
                    "steps": [
                        {"text": step_text(step), "due_date": when(step.due_date), "done_at": when(step.done_at)}
                        for step in goal.steps
                    ],
                    "recommended_services": [r.service.name for r in goal.recommendations],
                }
                for goal in plan.goals
            ],
            "agreement": [{"given": a.given, "at": when(a.at), "in_person": a.in_person} for a in plan.agreements],
            "check_ins": [when(check_in.held_on) for check_in in plan.check_ins],
        }
    return data


def delete_survivor(session, survivor: Survivor, now: datetime) -> None:
    """Delete her record and everything that hangs from it; the organisation keeps only the fact that it happened."""
    session.add(AuditEvent(staff_id=None, survivor_id=None, action="deleted_by_person", at=now))
    session.delete(survivor)
