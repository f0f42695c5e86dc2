"""Services: the community service directory and map."""
from flask import Blueprint, render_template

from ..security import survivor_required

bp = Blueprint("services_map", __name__)


@bp.get("/services")
@survivor_required
def list_services():
    """The service directory (this page says plainly that it is not ready yet)."""
    return render_template("placeholder/coming_soon.html", page="services")
