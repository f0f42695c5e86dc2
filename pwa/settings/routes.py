"""Settings for the person signed in: language and PIN."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.services import change_pin, verify_secret
from ..extensions import db, limiter
from ..security import survivor_required
from .forms import ChangePinForm

bp = Blueprint("settings", __name__)


@bp.route("/settings", methods=["GET", "POST"])
@survivor_required
@limiter.limit("10 per minute", methods=["POST"])
def show_settings():
    """Language and change PIN."""
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
