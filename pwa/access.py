"""Who may see which survivor: one rule, used by every staff view.

A survivor is visible to her case manager, to the colleague named as that case
manager's delegate while she is away, and to the supervisors of the same
organisation. A case manager on duty (by the rota, at this moment) also sees the people whose help request
went to the duty queue, until that request is closed. Anyone else gets 404,
as if the record did not exist.
"""
from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import aliased

from .clock import now
from .extensions import db
from .models import HelpRequest, Staff, Survivor, audit
from .models.help import OPEN_STATUSES
from .rota.services import is_on_duty


# The case manager of a survivor, to see whether she is away and who stands in: made once.
_MANAGER = aliased(Staff)


def visible_survivors(staff: Staff) -> Select:
    """A query for the survivors ``staff`` may see."""
    query = select(Survivor).where(Survivor.organisation_id == staff.organisation_id)
    if staff.is_supervisor:
        return query
    manager = _MANAGER
    rules = [
        Survivor.case_manager_id == staff.id,
        and_(manager.away.is_(True), manager.delegate_id == staff.id),
    ]
    if is_on_duty(db.session, staff, now()):
        escalated = select(HelpRequest.survivor_id).where(HelpRequest.escalated_at.is_not(None), HelpRequest.status.in_(OPEN_STATUSES))
        rules.append(Survivor.id.in_(escalated))
    return query.join(manager, Survivor.case_manager_id == manager.id).where(or_(*rules))


def can_see(staff: Staff, survivor: Survivor) -> bool:
    return db.session.scalar(visible_survivors(staff).where(Survivor.id == survivor.id)) is not None


def get_survivor_or_404(survivor_id: int, action: str = "view") -> Survivor:
    """The survivor, if the signed-in staff member may see her (audited); otherwise 404."""
    survivor = db.session.scalar(visible_survivors(current_user).where(Survivor.id == survivor_id))
    if survivor is None:
        abort(404)
    audit.record(current_user, survivor, action)
    return survivor
