"""A case's life in the console: move to another case manager, close with a reason, approve, reopen."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..access import get_survivor_or_404
from ..clock import now
from ..console.routes import show_new_code
from ..console.services import case_managers
from ..extensions import db
from ..models import ClosureReason, Staff
from ..security import staff_required, supervisor_required
from . import services
from .forms import CLOSURE_REASONS, CloseForm, MoveForm

bp = Blueprint("cases", __name__, url_prefix="/console")
bp.add_app_template_global(CLOSURE_REASONS, "closure_reasons")
bp.add_app_template_global(services.deleted_on, "case_deleted_on")


def _manager_choices(exclude: int) -> list[SelectChoice]:
    managers = case_managers(db.session, current_user.organisation_id)
    return [SelectChoice("", _("Choose a case manager"))] + [
        SelectChoice(m.id, m.first_name) for m in managers if m.id != exclude
    ]


def _open_survivor_or_404(survivor_id: int, action: str):
    survivor = get_survivor_or_404(survivor_id, action=action)
    if survivor.is_closed:
        abort(404)
    return survivor


def _pending_closure_or_404(survivor_id: int):
    survivor = _open_survivor_or_404(survivor_id, "close_case_view")
    if not survivor.closure_pending:
        abort(404)
    return survivor


@bp.route("/people/<int:survivor_id>/move", methods=["GET", "POST"])
@supervisor_required
def move_person(survivor_id: int):
    """A supervisor hands one person to another case manager."""
    survivor = _open_survivor_or_404(survivor_id, "move_case_view")
    form = MoveForm()
    form.case_manager_id.choices = _manager_choices(survivor.case_manager_id)
    if form.validate_on_submit():
        to = db.session.get(Staff, form.case_manager_id.data)
        services.move_cases(db.session, current_user, [survivor], to, now())
        db.session.commit()
        flash(_("%(person)s now works with %(name)s.", person=survivor.nickname, name=to.first_name))
        return redirect(url_for("console.show_survivor", survivor_id=survivor.id))
    db.session.commit()
    return render_template("cases/move_person.html", form=form, survivor=survivor)


@bp.route("/staff/<int:staff_id>/caseload/move", methods=["GET", "POST"])
@supervisor_required
def move_caseload(staff_id: int):
    """A supervisor hands a case manager's whole caseload to a colleague in one step."""
    person = db.session.get(Staff, staff_id)
    if person is None or person.organisation_id != current_user.organisation_id:
        abort(404)
    survivors = services.caseload_of(db.session, person)
    form = MoveForm()
    form.case_manager_id.choices = _manager_choices(person.id)
    if form.validate_on_submit():
        to = db.session.get(Staff, form.case_manager_id.data)
        moved = services.move_cases(db.session, current_user, survivors, to, now())
        db.session.commit()
        flash(ngettext("%(name)s now also works with %(num)d person.", "%(name)s now also works with %(num)d people.", moved, name=to.first_name))
        return redirect(url_for("console.staff_accounts"))
    return render_template("cases/move_caseload.html", form=form, person=person, count=len(survivors))


@bp.route("/people/<int:survivor_id>/close", methods=["GET", "POST"])
@staff_required
def close_case(survivor_id: int):
    """Close a case with a reason, or ask a supervisor to approve it when the organisation wants that."""
    survivor = _open_survivor_or_404(survivor_id, "close_case_view")
    form = CloseForm()
    if form.validate_on_submit():
        closed = services.request_closure(db.session, current_user, survivor, ClosureReason(form.reason.data), now())
        db.session.commit()
        if closed:
            flash(_("The case of %(person)s is closed.", person=survivor.nickname))
        else:
            flash(_("A supervisor will look at closing the case of %(person)s.", person=survivor.nickname))
        return redirect(url_for("console.show_survivor", survivor_id=survivor.id))
    db.session.commit()
    retention = survivor.organisation.closed_case_retention_days
    return render_template("cases/close.html", form=form, survivor=survivor, retention=retention)


@bp.post("/people/<int:survivor_id>/close/approve")
@supervisor_required
def approve_closure(survivor_id: int):
    """A supervisor agrees to close the case as the case manager asked."""
    survivor = _pending_closure_or_404(survivor_id)
    services.approve_closure(db.session, current_user, survivor, now())
    db.session.commit()
    flash(_("The case of %(person)s is closed.", person=survivor.nickname))
    return redirect(url_for("console.show_survivor", survivor_id=survivor.id), code=303)


@bp.post("/people/<int:survivor_id>/close/decline")
@supervisor_required
def decline_closure(survivor_id: int):
    """A supervisor keeps the case open."""
    survivor = _pending_closure_or_404(survivor_id)
    services.decline_closure(db.session, current_user, survivor)
    db.session.commit()
    flash(_("The case of %(person)s stays open.", person=survivor.nickname))
    return redirect(url_for("console.show_survivor", survivor_id=survivor.id), code=303)


@bp.post("/people/<int:survivor_id>/reopen")
@staff_required
def reopen_case(survivor_id: int):
    """Reopen a closed case and show the new one-time code for her phone."""
    survivor = get_survivor_or_404(survivor_id, action="reopen_case_view")
    if not survivor.is_closed:
        abort(404)
    code = services.reopen_case(db.session, current_user, survivor, now(), current_app.config["ENROLMENT_HOURS"])
    db.session.commit()
    return show_new_code(survivor, code)
