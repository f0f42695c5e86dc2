"""Today: the survivor's home page."""
from flask import Blueprint, render_template
from flask_login import current_user

from ..extensions import db
from ..plan.services import next_open_steps
from ..security import survivor_required

bp = Blueprint("today", __name__)


@bp.get("/today")
@survivor_required
def show_today():
    """The large Ask for help button, then the next steps of my plan."""
    return render_template("today/today.html", next_steps=next_open_steps(db.session, current_user))
