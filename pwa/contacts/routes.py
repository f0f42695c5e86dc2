"""Contacts: national lines, the case manager and the organisation's line, trusted people."""
from flask import Blueprint, render_template

from ..security import survivor_required
from .lines import load_national_lines, national_lines

bp = Blueprint("contacts", __name__)
bp.add_app_template_global(national_lines)


@bp.record_once
def _check_national_lines(state) -> None:
    # A mistake in the editable data file stops the app at start, not on the emergency page.
    load_national_lines(state.app.config["NATIONAL_LINES_FILE"])


@bp.get("/contacts")
def show_contacts():
    """National lines and the organisation's line for everyone (kept for offline use); her case manager when signed in."""
    return render_template("contacts/contacts.html")


@bp.get("/trusted-people")
@survivor_required
def show_trusted_people():
    """Her trusted people: kept only in this phone's storage and shown by a script, behind the PIN."""
    return render_template("contacts/trusted_people.html")
