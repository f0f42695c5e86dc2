"""Settings for the person signed in: language, PIN, reminders, and her data."""
import json

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from ..auth.services import change_pin, verify_secret
from ..clock import now
from ..extensions import db, limiter
from ..help.labels import CONTACT_LABELS, SETBACK_LABELS, STATUS_LABELS, URGENCY_LABELS
from ..i18n import LANGUAGE_NAMES
from ..plan.vocabulary import AREAS, GOAL_STATUSES, STAGES
from ..security import DEVICE_COOKIE, current_organisation, survivor_required
from .forms import ChangePinForm, DeleteDataForm
from .kept import AFTER_DELETION, KEPT, retention_days, retention_text
from .mydata import delete_survivor, my_data

bp = Blueprint("settings", __name__)


@bp.route("/settings", methods=["GET", "POST"])
@survivor_required
@limiter.limit("10 per minute", methods=["POST"])
def show_settings():
    """Language, reminders, offline use, and change PIN."""
    form = ChangePinForm()
    if form.validate_on_submit():
        if not verify_secret(current_user.pin_hash, form.current_pin.data):
            form.current_pin.errors.append(_("That is not your PIN now. Try again."))
        else:
            change_pin(current_user, form.new_pin.data)
            db.session.commit()
            flash(_("Your PIN is changed."))
            return redirect(url_for("today.show_today"))
    return render_template("settings/settings.html", form=form)


@bp.get("/settings/my-data")
@survivor_required
def show_my_data():
    """What Dera keeps about you."""
    return render_template(
        "settings/my_data.html",
        data=my_data(db.session, current_user),
        kept_list=KEPT,
        days=retention_days(current_user.organisation),
        retention_text=retention_text,
        after_deletion=AFTER_DELETION,
    )


@bp.get("/settings/my-data.html")
@survivor_required
def download_my_data_page():
    """The same as a page to read or print, in her language, that works without the app."""
    body = render_template(
        "settings/my_data_copy.html",
        data=my_data(db.session, current_user, when=lambda value: value),
        made_at=now(),
        exit_url=current_organisation().exit_url,
        labels={"setback": SETBACK_LABELS, "urgency": URGENCY_LABELS, "contact": CONTACT_LABELS, "status": STATUS_LABELS,
                "area": AREAS, "goal_status": GOAL_STATUSES, "stage": STAGES, "language": LANGUAGE_NAMES},
    )
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.html"'
    return response


@bp.get("/settings/my-data.json")
@survivor_required
def download_my_data():
    """The same, as a file for computers."""
    body = json.dumps(my_data(db.session, current_user), ensure_ascii=False, indent=2)
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@bp.route("/settings/delete", methods=["GET", "POST"])
@survivor_required
@limiter.limit("10 per minute", methods=["POST"])
def delete_my_data():
    """Delete everything Dera keeps about you, after your PIN."""
    form = DeleteDataForm()
    if form.validate_on_submit():
        if not verify_secret(current_user.pin_hash, form.pin.data):
            form.pin.errors.append(_("That is not your PIN now. Try again."))
        else:
            delete_survivor(db.session, current_user._get_current_object(), now())
            db.session.commit()
            logout_user()
            response = redirect(url_for("settings.data_deleted"))
            response.delete_cookie(DEVICE_COOKIE, path="/")
            return response
    return render_template("settings/delete.html", form=form)


@bp.get("/settings/deleted")
def data_deleted():
    """Said once the data is gone."""
    return render_template("settings/deleted.html")
