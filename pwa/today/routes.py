"""Today: the survivor's home page."""
from flask import Blueprint, render_template

from ..security import survivor_required

bp = Blueprint("today", __name__)


@bp.get("/today")
@survivor_required
def show_today():
    """The next steps, the next appointment and the large Ask for help button."""
    return render_template("today/today.html")
