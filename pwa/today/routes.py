"""Today: the survivor's home page."""
from flask import Blueprint, render_template
from flask_login import current_user

from ..extensions import db
from ..help.services import latest_open_request
from ..security import survivor_required

bp = Blueprint("today", __name__)


@bp.get("/today")
@survivor_required
def show_today():
    """The next steps, the next appointment, the large Ask for help button and her open request."""
    return render_template("today/today.html", open_request=latest_open_request(db.session, current_user))
