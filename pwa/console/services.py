"""Caseload rules: enrolling survivors and managing staff accounts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, func, select

from ..auth.services import issue_enrolment_code
from ..plan.vocabulary import STAGE_ORDER
from ..models import CaseEventKind, Role, Staff, Survivor, audit, record_case_event


def case_managers(session, organisation_id: int) -> list[Staff]:
    """Active case managers of the organisation, by first name."""
    return list(
        session.scalars(
            select(Staff)
            .where(Staff.organisation_id == organisation_id, Staff.role == Role.CASE_MANAGER, Staff.active.is_(True))
            .order_by(func.lower(Staff.first_name))
        )
    )


def enrol_survivor(session, staff: Staff, case_manager: Staff, nickname: str, now: datetime, hours: int) -> tuple[Survivor, str]:
    """Create a survivor record under ``case_manager`` and a one-time code to bind her phone."""
    survivor = Survivor(
        organisation_id=case_manager.organisation_id,
        case_manager=case_manager,
        nickname=nickname.strip(),
        created_at=now,
    )
    session.add(survivor)
    session.flush()
    record_case_event(session, survivor, CaseEventKind.OPENED, now, stage=STAGE_ORDER[0])
    code = issue_enrolment_code(session, survivor, staff, now, hours)
    audit.record(staff, survivor, "enrol")
    return survivor, code


def reenrol_survivor(session, staff: Staff, survivor: Survivor, now: datetime, hours: int) -> str:
    """A new code for a new or found phone, or after a lock-out; the old phone keeps working until it is used."""
    code = issue_enrolment_code(session, survivor, staff, now, hours)
    audit.record(staff, survivor, "new_code")
    return code


def staff_list(organisation_id: int) -> Select:
    """The organisation's staff: supervisors first, then by first name."""
    return select(Staff).where(Staff.organisation_id == organisation_id).order_by(Staff.role.desc(), func.lower(Staff.first_name), Staff.id)


def colleagues(session, staff: Staff) -> list[Staff]:
    """Active colleagues of the same organisation who could stand in for ``staff``."""
    return list(
        session.scalars(
            select(Staff)
            .where(Staff.organisation_id == staff.organisation_id, Staff.active.is_(True), Staff.id != staff.id)
            .order_by(func.lower(Staff.first_name))
        )
    )
