"""Today: the survivor's home page."""
from flask import Blueprint, render_template
from flask_login import current_user

from ..appointments.services import next_appointment
from ..clock import now
from ..extensions import db
from ..help.services import latest_open_request
from ..kept_pages import kept_page
from ..plan.services import next_open_steps
from ..security import survivor_required

bp = Blueprint("today", __name__)


@bp.get("/today")
@survivor_required
@kept_page
def show_today():
    """The large Ask for help button and her open request, then her next appointment and the next steps of her plan."""
    return render_template(
        "today/today.html",
        open_request=latest_open_request(db.session, current_user),
        next_steps=next_open_steps(db.session, current_user),
        next_appointment=next_appointment(db.session, current_user, now()),
    )
