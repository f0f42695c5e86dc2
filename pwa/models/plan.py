"""A survivor's plan: goals, growth-plan steps, agreement and check-ins.

A survivor has one plan. Its goals are grouped by stage and ordered by
``position``; a goal's steps are ordered the same way. ``version`` counts edits
of a goal's or step's text, so two people editing the same text at once are
told instead of one silently overwriting the other; ticking a step touches
only ``done_at`` and never conflicts with a text edit.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, inspect, select
from sqlalchemy.orm import Mapped, joinedload, mapped_column, object_session, relationship

from ..crypto import EncryptedText
from ..extensions import db
from .people import Staff, Survivor
from .types import UTCDateTime, utcnow


class Plan(db.Model):
    """One survivor's plan and the stage of the journey she is in now."""

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivor.id", ondelete="CASCADE"), unique=True)
    stage: Mapped[str] = mapped_column(String(20), default="crisis")
    stage_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    stage_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    survivor: Mapped[Survivor] = relationship(back_populates="plan")
    goals: Mapped[list["Goal"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="(Goal.position, Goal.id)"
    )
    agreements: Mapped[list["PlanAgreement"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="(PlanAgreement.at, PlanAgreement.id)"
    )
    check_ins: Mapped[list["CheckIn"]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="(CheckIn.held_on.desc(), CheckIn.id.desc())"
    )

    @property
    def agreement(self) -> "PlanAgreement | None":
        """The latest give or withdraw: the plan's agreement as it stands now."""
        if not self._needs_query("agreements"):
            return self.agreements[-1] if self.agreements else None
        return object_session(self).scalar(
            select(PlanAgreement).where(PlanAgreement.plan_id == self.id).order_by(PlanAgreement.at.desc(), PlanAgreement.id.desc()).limit(1)
        )

    @property
    def is_agreed(self) -> bool:
        agreement = self.agreement
        return agreement is not None and agreement.given

    @property
    def last_check_in(self) -> "CheckIn | None":
        recent = self.recent_check_ins(1)
        return recent[0] if recent else None

    def recent_check_ins(self, limit: int) -> list["CheckIn"]:
        """The latest ``limit`` check-ins, newest first, without loading (and decrypting) all of them."""
        if not self._needs_query("check_ins"):
            return self.check_ins[:limit]
        return list(
            object_session(self).scalars(
                select(CheckIn)
                .where(CheckIn.plan_id == self.id)
                .options(joinedload(CheckIn.staff))
                .order_by(CheckIn.held_on.desc(), CheckIn.id.desc())
                .limit(limit)
            )
        )

    def _needs_query(self, collection: str) -> bool:
        """True when a saved plan's ``collection`` is not loaded yet: one short query beats loading it all."""
        return self.id is not None and object_session(self) is not None and collection in inspect(self).unloaded


class Goal(db.Model):
    """A goal in one area of help and one stage, with its growth-plan steps."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(30))
    stage: Mapped[str] = mapped_column(String(20))
    # A goal started from a template keeps the template's key and no title of its own
    # until someone edits it, so each person reads it in their own language.
    template: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(String(120))
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="active")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    position: Mapped[int] = mapped_column(default=0)
    added_by_survivor: Mapped[bool] = mapped_column(default=False)
    added_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    plan: Mapped[Plan] = relationship(back_populates="goals")
    steps: Mapped[list["Step"]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="(Step.position, Step.id)"
    )
    added_by_staff: Mapped[Staff | None] = relationship()
    recommendations: Mapped[list["ServiceRecommendation"]] = relationship(
        back_populates="goal", cascade="all, delete-orphan", order_by="ServiceRecommendation.id"
    )

    @property
    def steps_done(self) -> int:
        return sum(1 for step in self.steps if step.is_done)


class Step(db.Model):
    """One growth-plan step of a goal: a short text, maybe a due date, done or not."""

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    template: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    position: Mapped[int] = mapped_column(default=0)
    added_by_survivor: Mapped[bool] = mapped_column(default=False)
    added_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    goal: Mapped[Goal] = relationship(back_populates="steps")
    added_by_staff: Mapped[Staff | None] = relationship()
    recommendations: Mapped[list["ServiceRecommendation"]] = relationship(
        back_populates="step", cascade="all, delete-orphan", order_by="ServiceRecommendation.id"
    )

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class PlanAgreement(db.Model):
    """Agreement given or withdrawn, by whom and how; the latest row is the plan's state."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    given: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    in_person: Mapped[bool] = mapped_column(default=False)
    # The staff member who recorded an agreement given or withdrawn in person;
    # empty when the survivor did it herself in the app.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))

    plan: Mapped[Plan] = relationship(back_populates="agreements")
    recorded_by: Mapped[Staff | None] = relationship()


class CheckIn(db.Model):
    """A contact with the survivor: when, and how she is doing in a few words (encrypted)."""

    # The caseload asks every plan for its last check-in: the index answers without reading them all.
    __table_args__ = (Index("ix_check_in_plan_id_held_on", "plan_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(EncryptedText)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="check_ins")
    staff: Mapped[Staff | None] = relationship()


class ServiceRecommendation(db.Model):
    """A service from the directory the case manager recommends for a goal, or one of its steps."""

    __tablename__ = "service_recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int | None] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    added_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="recommendations")
    step: Mapped[Step | None] = relationship(back_populates="recommendations")
    service: Mapped["DirectoryService"] = relationship()  # noqa: F821 (models/directory.py)
    added_by_staff: Mapped[Staff | None] = relationship()
