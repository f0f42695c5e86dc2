"""Contacts: emergency and help lines, the case manager, trusted people."""
from flask import Blueprint, render_template

bp = Blueprint("contacts", __name__)


@bp.get("/contacts")
def show_contacts():
    """Emergency numbers for everyone (kept for offline use); her case manager's number when signed in."""
    return render_template("contacts/contacts.html")
