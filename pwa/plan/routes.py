"""My plan: goals and growth-plan steps."""
from flask import Blueprint, render_template

from ..security import survivor_required

bp = Blueprint("plan", __name__)


@bp.get("/plan")
@survivor_required
def show_plan():
    """The survivor's plan (this page says plainly that it is not ready yet)."""
    return render_template("placeholder/coming_soon.html", page="plan")
