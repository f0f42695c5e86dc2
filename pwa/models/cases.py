"""A case's milestones, kept for the organisation's figures without anything that names her.

A row says that a case was opened, moved to another stage, handed to another case manager, closed
or reopened, and when. ``survivor_id`` links the rows while she is in the programme (to work out
how long a stage lasted); it is set to NULL when her record is deleted, and what remains is an
anonymous count for monitoring: no nickname, no text, no staff member.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class CaseEventKind(str, enum.Enum):
    OPENED = "opened"
    STAGE_CHANGED = "stage_changed"
    MOVED = "moved"
    CLOSED = "closed"
    REOPENED = "reopened"


class ClosureReason(str, enum.Enum):
    """Why a case was closed: the short list a supervisor or case manager picks from."""

    GOALS_REACHED = "goals_reached"
    MOVED_AWAY = "moved_away"
    CHOSE_TO_STOP = "chose_to_stop"
    LOST_CONTACT = "lost_contact"
    OTHER = "other"


class CaseEvent(db.Model):
    """One milestone of a case: what happened and when, never who or why in words."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    survivor_id: Mapped[int | None] = mapped_column(ForeignKey("survivor.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    stage: Mapped[str | None] = mapped_column(String(20))
    previous_stage: Mapped[str | None] = mapped_column(String(20))
    days_in_previous_stage: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(20))


def record_case_event(
    session,
    survivor,
    kind: CaseEventKind,
    at: datetime,
    *,
    stage: str | None = None,
    previous_stage: str | None = None,
    reason: ClosureReason | None = None,
) -> CaseEvent:
    """Add a milestone for ``survivor`` to the session; a stage change records how long the last stage lasted."""
    days = None
    if kind == CaseEventKind.STAGE_CHANGED:
        since = session.scalar(
            select(CaseEvent.at)
            .where(
                CaseEvent.survivor_id == survivor.id,
                CaseEvent.kind.in_([CaseEventKind.OPENED.value, CaseEventKind.STAGE_CHANGED.value, CaseEventKind.REOPENED.value]),
            )
            .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
            .limit(1)
        ) or survivor.created_at
        if since is not None:
            days = max(0, (at - since).days)
    event = CaseEvent(
        organisation_id=survivor.organisation_id,
        survivor_id=survivor.id,
        kind=CaseEventKind(kind).value,
        at=at,
        stage=stage,
        previous_stage=previous_stage,
        days_in_previous_stage=days,
        reason=ClosureReason(reason).value if reason else None,
    )
    session.add(event)
    return event
