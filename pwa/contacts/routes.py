"""Contacts: emergency and help lines, the case manager, trusted people."""
from flask import Blueprint, render_template

from ..security import survivor_required

bp = Blueprint("contacts", __name__)


@bp.get("/contacts")
@survivor_required
def show_contacts():
    """Emergency numbers and the case manager's number."""
    return render_template("contacts/contacts.html")
