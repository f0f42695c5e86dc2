"""Ask for help: the door is always open."""
from flask import Blueprint, render_template

from ..security import survivor_required

bp = Blueprint("help", __name__)


@bp.get("/help")
@survivor_required
def ask_for_help():
    """Until requests can be sent from the app, this page says so and shows who to call."""
    return render_template("help/not_ready.html")
