"""The staff console: caseload, enrolment, a survivor's record, staff accounts."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from wtforms.fields.choices import SelectChoice

from ..access import get_survivor_or_404, visibility
from ..appointments.services import resync_organisation, upcoming_for
from ..auth.services import create_staff, verify_secret, hash_secret
from ..extensions import db
from ..kept_pages import kept_page
from ..clock import now
from ..models import Role, Staff, Survivor, staff_by_username
from ..pagination import page_number, page_of
from ..help import services as help_services
from ..help.forms import AwayForm
from ..push import services as push_services
from ..security import staff_required, supervisor_required
from ..cases import services as case_services
from . import services
from .forms import ChangePasswordForm, EnrolSurvivorForm, OrganisationSettingsForm, StaffAccountForm

bp = Blueprint("console", __name__, url_prefix="/console")

def _enrolment_link(code: str) -> str:
    base = current_app.config["PUBLIC_URL"] or request.host_url.rstrip("/")
    # In the fragment, which the browser keeps to itself: no server or proxy log ever sees the code.
    return f"{base}{url_for('auth.enter_code')}#{code}"


def _code_context(survivor: Survivor, code: str) -> dict:
    import segno

    link = _enrolment_link(code)
    qr = segno.make(link, error="m").svg_inline(border=2, omitsize=True, title=_("QR code for the enrolment link"))
    hours = current_app.config["ENROLMENT_HOURS"]
    return {"survivor": survivor, "code": code, "link": link, "qr": qr, "hours": hours}


@bp.get("/")
@staff_required
@kept_page
def caseload():
    """My people (a supervisor sees everyone in the organisation), who needs attention first."""
    args = request.args
    view = case_services.caseload(
        db.session,
        visibility(current_user),
        current_user.organisation,
        now(),
        stage=args.get("stage") or None,
        attention=args.get("attention") == "1",
        closed=args.get("closed") == "1",
        page=args.get("page", 1, type=page_number),
    )
    filters = {key: args[key] for key in ("stage", "attention", "closed") if args.get(key)}
    return render_template("console/caseload.html", view=view, filters=filters, at=now())


@bp.route("/enrol", methods=["GET", "POST"])
@staff_required
def enrol_survivor():
    """Add a person to the caseload and make the one-time code for her phone."""
    form = EnrolSurvivorForm()
    managers = services.case_managers(db.session, current_user.organisation_id)
    if current_user.is_supervisor:
        form.case_manager_id.choices = [SelectChoice(m.id, m.first_name) for m in managers]
    else:
        form.case_manager_id.choices = [SelectChoice(current_user.id, current_user.first_name)]
        form.case_manager_id.data = current_user.id
    if form.validate_on_submit():
        manager = db.session.get(Staff, form.case_manager_id.data)
        survivor, code = services.enrol_survivor(
            db.session, current_user, manager, form.nickname.data, now(), current_app.config["ENROLMENT_HOURS"]
        )
        db.session.commit()
        return show_new_code(survivor, code)
    return render_template("console/enrol.html", form=form)


@bp.get("/people/<int:survivor_id>")
@staff_required
def show_survivor(survivor_id: int):
    """One survivor's record (every view is audited)."""
    survivor = get_survivor_or_404(survivor_id)
    db.session.commit()
    appointments = upcoming_for(db.session, survivor, now())
    help_requests = help_services.requests_of(db.session, survivor)
    return render_template(
        "console/survivor.html", survivor=survivor, appointments=appointments, help_requests=help_requests, at=now(),
        push_refused=push_services.push_refused(db.session, survivor),
    )


@bp.post("/people/<int:survivor_id>/code")
@staff_required
def new_code(survivor_id: int):
    """Make a new one-time code: a new phone, a forgotten PIN, or after a lock-out."""
    survivor = get_survivor_or_404(survivor_id, action="new_code_view")
    if survivor.is_closed:
        abort(404)
    code = services.reenrol_survivor(db.session, current_user, survivor, now(), current_app.config["ENROLMENT_HOURS"])
    db.session.commit()
    if request.headers.get("HX-Request"):
        return render_template("console/_enrolment_code.html", **_code_context(survivor, code))
    return show_new_code(survivor, code)


def show_new_code(survivor: Survivor, code: str):
    """The new code, in the answer to the form that made it: it never sits in the session cookie."""
    return render_template("console/code.html", **_code_context(survivor, code))


@bp.get("/people/<int:survivor_id>/code")
@staff_required
def show_code(survivor_id: int):
    """A code is shown only once, when it is made: it is kept only as a keyed hash."""
    survivor = get_survivor_or_404(survivor_id)
    db.session.commit()
    flash(_("A code is shown only once. Make a new one if you need it."))
    return redirect(url_for("console.show_survivor", survivor_id=survivor.id))


@bp.get("/staff")
@supervisor_required
@kept_page
def staff_accounts():
    """The organisation's staff accounts."""
    staff = page_of(db.session, services.staff_list(current_user.organisation_id), request.args.get("page", 1, type=page_number), scalars=True)
    return render_template("console/staff.html", staff=staff)


@bp.route("/staff/new", methods=["GET", "POST"])
@supervisor_required
def create_staff_account():
    """A supervisor opens an account for a colleague."""
    form = StaffAccountForm()
    if form.validate_on_submit():
        if staff_by_username(form.username.data) is not None:
            form.username.errors.append(_("This username is taken. Choose another."))
        else:
            staff = create_staff(
                db.session,
                current_user.organisation,
                form.username.data,
                form.first_name.data,
                form.password.data,
                Role(form.role.data),
            )
            staff.work_phone = (form.work_phone.data or "").strip() or None
            db.session.commit()
            flash(_("The new account is ready: %(name)s.", name=staff.first_name))
            return redirect(url_for("console.staff_accounts"))
    return render_template("console/staff_new.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@staff_required
def change_password():
    """Staff change their own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_secret(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("That is not your current password."))
        else:
            current_user.password_hash = hash_secret(form.new_password.data)
            # Other browsers signed in with the old password are signed out; this one stays.
            current_user.end_sessions()
            db.session.commit()
            login_user(current_user._get_current_object())
            flash(_("Your password is changed."))
            return redirect(url_for("console.caseload"))
    return render_template("console/password.html", form=form)


@bp.route("/organisation", methods=["GET", "POST"])
@supervisor_required
def organisation_settings():
    """A supervisor sets the neutral app name, the quick-exit address, the idle locks, the help line, reminders and retention."""
    organisation = current_user.organisation
    form = OrganisationSettingsForm(obj=organisation)
    if form.validate_on_submit():
        offsets_before = organisation.reminder_offsets
        form.populate_obj(organisation)
        if organisation.reminder_offsets != offsets_before:
            resync_organisation(db.session, organisation, now())
        db.session.commit()
        flash(_("The settings are saved."))
        return redirect(url_for("console.organisation_settings"))
    return render_template("console/organisation.html", form=form)


@bp.route("/away", methods=["GET", "POST"])
@staff_required
def set_away():
    """Mark myself away and name a delegate, or come back; my people's requests follow."""
    form = AwayForm()
    colleagues = services.colleagues(db.session, current_user)
    form.delegate_id.choices = [SelectChoice("", _("Choose a colleague"))] + [SelectChoice(c.id, c.first_name) for c in colleagues]
    if request.method == "GET":
        form.away.data = "yes" if current_user.away else "no"
        form.delegate_id.data = current_user.delegate_id
    if form.validate_on_submit():
        away = form.away.data == "yes"
        delegate = db.session.get(Staff, form.delegate_id.data) if away else None
        help_services.set_away(db.session, current_user._get_current_object(), away, delegate, now())
        db.session.commit()
        if away:
            flash(_("You are away. %(name)s answers for you until you are back.", name=delegate.first_name))
        else:
            flash(_("Welcome back. Your people's requests come to you again."))
        return redirect(url_for("console.set_away"))
    return render_template("console/away.html", form=form)
