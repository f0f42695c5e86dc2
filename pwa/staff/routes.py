"""Staff accounts over the years: one colleague's page, deactivation, roles, password resets, the second factor."""
from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..auth.routes import PENDING_SIGN_IN, sign_in
from ..clock import now
from ..extensions import db, limiter
from ..models import Role, Staff
from ..security import redirect_to, signed_in, staff_required, supervisor_required
from ..signing import secret_keys
from . import services
from .forms import NewPasswordForm, ResetCodeForm, RoleForm, SecondFactorForm

bp = Blueprint("staff", __name__)

# Pages a person who must still set up the second factor may open.
_SETUP_ENDPOINTS = {"staff.setup_two_factor"}


@bp.before_app_request
def _require_two_factor():
    """Supervisors (and case managers, where the organisation asks) set up the second factor before anything else."""
    if not request.path.startswith("/console") or request.endpoint in _SETUP_ENDPOINTS:
        return None
    person = signed_in()
    if person is not None and person.is_staff and person.needs_two_factor and not person.has_two_factor:
        return redirect_to(url_for("staff.setup_two_factor"))
    return None


def _colleague_or_404(staff_id: int) -> Staff:
    person = db.session.get(Staff, staff_id)
    if person is None or person.organisation_id != current_user.organisation_id:
        abort(404)
    return person


def _back(person: Staff):
    return redirect(url_for("staff.show_colleague", staff_id=person.id), code=303)


def _refuse_last_supervisor(person: Staff):
    flash(_("%(name)s is the last active supervisor. Make someone else a supervisor first.", name=person.first_name))
    return _back(person)


@bp.get("/console/staff/<int:staff_id>")
@supervisor_required
def show_colleague(staff_id: int):
    """One colleague's account: role, status, password reset, second factor, caseload."""
    person = _colleague_or_404(staff_id)
    form = RoleForm(data={"role": person.role.value})
    return render_template(
        "staff/colleague.html",
        person=person,
        form=form,
        open_cases=services.open_cases_of(db.session, person),
        codes_left=services.recovery_codes_left(db.session, person),
    )


@bp.post("/console/staff/<int:staff_id>/deactivate")
@supervisor_required
def deactivate_colleague(staff_id: int):
    """End a colleague's access at once; the account stays for the records that name them."""
    person = _colleague_or_404(staff_id)
    try:
        services.deactivate(db.session, person, now())
    except services.LastSupervisor:
        return _refuse_last_supervisor(person)
    except services.HoldsCases:
        flash(_("%(name)s still has people on their caseload. Move them to a colleague first.", name=person.first_name))
        return _back(person)
    db.session.commit()
    flash(_("%(name)s can no longer sign in.", name=person.first_name))
    return _back(person)


@bp.post("/console/staff/<int:staff_id>/reactivate")
@supervisor_required
def reactivate_colleague(staff_id: int):
    """Let a colleague sign in again."""
    person = _colleague_or_404(staff_id)
    services.reactivate(person)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=person.first_name))
    return _back(person)


@bp.post("/console/staff/<int:staff_id>/role")
@supervisor_required
def change_role(staff_id: int):
    """Make a colleague a case manager or a supervisor."""
    person = _colleague_or_404(staff_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role."))
        return _back(person)
    try:
        services.change_role(db.session, person, Role(form.role.data))
    except services.LastSupervisor:
        return _refuse_last_supervisor(person)
    db.session.commit()
    flash(_("The role of %(name)s is saved.", name=person.first_name))
    return _back(person)


@bp.post("/console/staff/<int:staff_id>/password-reset")
@supervisor_required
def reset_password(staff_id: int):
    """Make a one-time code with which the colleague chooses a new password; shown here once."""
    person = _colleague_or_404(staff_id)
    if not person.active:
        abort(404)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    code = services.issue_password_reset(person, now(), hours)
    db.session.commit()
    base = current_app.config["PUBLIC_URL"] or request.host_url.rstrip("/")
    link = f"{base}{url_for('staff.choose_password', code=code)}"
    return render_template("staff/reset_code.html", person=person, code=code, link=link, hours=hours)


@bp.post("/console/staff/<int:staff_id>/two-factor/reset")
@supervisor_required
def reset_colleague_two_factor(staff_id: int):
    """Clear a colleague's lost authenticator app; they set it up again when they next sign in."""
    person = _colleague_or_404(staff_id)
    services.reset_two_factor(db.session, person)
    db.session.commit()
    flash(_("%(name)s sets up the app again at the next sign-in.", name=person.first_name))
    return _back(person)


# Choosing a new password with a reset code (nobody signed in) -------------------------------

@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit("10 per minute; 30 per hour", methods=["POST"])
def enter_reset_code():
    """Type the code a supervisor gave."""
    form = ResetCodeForm()
    if form.validate_on_submit():
        if services.find_password_reset(db.session, form.code.data, now()) is not None:
            return redirect(url_for("staff.choose_password", code=form.code.data.strip()))
        form.code.errors.append(_("This code does not work. Ask a supervisor for a new one."))
    return render_template("staff/enter_reset_code.html", form=form)


@bp.route("/password-reset/<code>", methods=["GET", "POST"])
@limiter.limit("20 per minute; 60 per hour")
def choose_password(code: str):
    """Choose a new password with a one-time code."""
    person = services.find_password_reset(db.session, code, now())
    if person is None:
        return render_template("staff/reset_invalid.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        services.complete_password_reset(person, form.new_password.data)
        db.session.commit()
        flash(_("Your new password is saved. Sign in with it."))
        return redirect(url_for("auth.login"))
    return render_template("staff/choose_password.html", form=form, code=code)


# The second factor ---------------------------------------------------------------------------

def _pending_staff() -> Staff | None:
    """Who gave the right password in this browser a moment ago, if that sign-in is still fresh."""
    pending = session.get(PENDING_SIGN_IN)
    if not pending or time.time() - pending.get("at", 0) > current_app.config["SECOND_FACTOR_MINUTES"] * 60:
        return None
    person = db.session.get(Staff, pending.get("id"))
    if person is None or not person.active or person.session_token != pending.get("token") or not person.has_two_factor:
        return None
    return person


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])
def enter_sign_in_code():
    """The second step of a staff sign-in: the code from the authenticator app, or a recovery code."""
    person = _pending_staff()
    if person is None:
        session.pop(PENDING_SIGN_IN, None)
        flash(_("Sign in again, please."))
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if services.verify_second_factor(db.session, person, form.code.data, now(), secret_keys()):
            next_url = session[PENDING_SIGN_IN].get("next") or url_for("console.caseload")
            db.session.commit()
            sign_in(person)
            left = services.recovery_codes_left(db.session, person)
            if left <= 2:
                flash(ngettext(
                    "You have %(num)d recovery code left. Make new ones on Your account.",
                    "You have %(num)d recovery codes left. Make new ones on Your account.",
                    left,
                ))
            return redirect(next_url)
        db.session.commit()
        if services.too_many_code_attempts(person):
            person.failed_code_attempts = 0
            db.session.commit()
            session.pop(PENDING_SIGN_IN, None)
            flash(_("That code was wrong too many times. Sign in again with your password."))
            return redirect(url_for("auth.login"))
        form.code.errors.append(_("That code is not right. Check the app and try again."))
    return render_template("staff/sign_in_code.html", form=form)


@bp.route("/console/account/two-factor", methods=["GET", "POST"])
@staff_required
def setup_two_factor():
    """Set up the authenticator app: scan the QR code, type one code, keep the recovery codes."""
    import segno

    person = current_user._get_current_object()
    if person.has_two_factor and request.method == "GET":
        return render_template("staff/two_factor_on.html", codes_left=services.recovery_codes_left(db.session, person))
    if person.has_two_factor:
        abort(404)
    services.start_two_factor(person)
    db.session.commit()
    form = SecondFactorForm()
    if form.validate_on_submit():
        codes = services.confirm_two_factor(db.session, person, form.code.data, now(), secret_keys())
        if codes is not None:
            db.session.commit()
            return render_template("staff/recovery_codes.html", codes=codes)
        form.code.errors.append(_("That code is not right. Check the app and try again."))
    uri = services.provisioning_uri(person, current_user.organisation.app_name)
    qr = segno.make(uri, error="m").svg_inline(border=2, omitsize=True, title=_("QR code for the authenticator app"))
    return render_template("staff/setup_two_factor.html", form=form, qr=qr, secret=person.totp_secret)


@bp.post("/console/account/recovery-codes")
@staff_required
def renew_recovery_codes():
    """New recovery codes, shown once; the old ones stop working."""
    person = current_user._get_current_object()
    if not person.has_two_factor:
        abort(404)
    codes = services.new_recovery_codes(db.session, person, now(), secret_keys())
    db.session.commit()
    return render_template("staff/recovery_codes.html", codes=codes)
