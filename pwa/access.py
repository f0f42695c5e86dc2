"""Who may see which survivor: one rule, used by every staff view.

A survivor is visible to her case manager, to the colleague named as that case
manager's delegate while she is away, and to the supervisors of the same
organisation. A case manager on duty (by the rota, at this moment) also sees the people whose help request
went to the duty queue, until that request is closed. Anyone else gets 404,
as if the record did not exist.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import aliased

from .clock import now
from .extensions import db
from .models import HelpRequest, Staff, Survivor, audit
from .models.help import OPEN_STATUSES
from .rota.services import is_on_duty


# The case manager of a survivor, to see whether she is away and who stands in: made once.
_MANAGER = aliased(Staff)


@dataclass(frozen=True)
class Visible:
    """The survivors one staff member may see: a statement shared by everyone with her role and duty, and her values for it.

    ``shape`` names the statement, for lists that build their own statements on it once per shape.
    """

    query: Select = field(compare=False)
    params: dict = field(compare=False)
    shape: tuple


@functools.cache
def _visible_query(supervisor: bool, on_duty: bool) -> Select:
    """The rule as one statement, with the organisation and the staff member bound at each run: built once per shape."""
    query = select(Survivor).where(Survivor.organisation_id == bindparam("visible_organisation_id"))
    if supervisor:
        return query
    me = bindparam("visible_staff_id")
    rules = [
        Survivor.case_manager_id == me,
        and_(_MANAGER.away.is_(True), _MANAGER.delegate_id == me),
    ]
    if on_duty:
        escalated = select(HelpRequest.survivor_id).where(HelpRequest.escalated_at.is_not(None), HelpRequest.status.in_(OPEN_STATUSES))
        rules.append(Survivor.id.in_(escalated))
    return query.join(_MANAGER, Survivor.case_manager_id == _MANAGER.id).where(or_(*rules))


def visibility(staff: Staff) -> Visible:
    """Who ``staff`` may see, as a shared statement and her values for it."""
    supervisor = staff.is_supervisor
    on_duty = not supervisor and is_on_duty(db.session, staff, now())
    params = {"visible_organisation_id": staff.organisation_id}
    if not supervisor:
        params["visible_staff_id"] = staff.id
    return Visible(_visible_query(supervisor, on_duty), params, (supervisor, on_duty))


def visible_survivors(staff: Staff) -> Select:
    """A query for the survivors ``staff`` may see."""
    visible = visibility(staff)
    return visible.query.params(visible.params)


def can_see(staff: Staff, survivor: Survivor) -> bool:
    return db.session.scalar(visible_survivors(staff).where(Survivor.id == survivor.id)) is not None


def get_survivor_or_404(survivor_id: int, action: str = "view") -> Survivor:
    """The survivor, if the signed-in staff member may see her (audited); otherwise 404."""
    survivor = db.session.scalar(visible_survivors(current_user).where(Survivor.id == survivor_id))
    if survivor is None:
        abort(404)
    audit.record(current_user, survivor, action)
    return survivor
