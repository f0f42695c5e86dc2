"""Contacts: national lines, the case manager and the organisation's line, trusted people."""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..extensions import login_manager
from ..kept_pages import kept_page
from ..security import DEVICE_COOKIE
from .lines import load_national_lines, national_lines

bp = Blueprint("contacts", __name__)
bp.add_app_template_global(national_lines)


@bp.record_once
def _check_national_lines(state) -> None:
    # A mistake in the editable data file stops the app at start, not on the emergency page.
    load_national_lines(state.app.config["NATIONAL_LINES_FILE"])


@bp.get("/contacts")
@kept_page
def show_contacts():
    """National lines and the organisation's line for everyone (kept for offline use); her case manager when signed in."""
    return render_template("contacts/contacts.html")


@bp.get("/trusted-people")
def show_trusted_people():
    """Her trusted people, shown by a script from this phone's own storage.

    The page itself holds nothing personal, so the service worker keeps an anonymous copy and it
    opens offline like Contacts. Online, an enrolled phone asks for the PIN first; staff get 404.
    """
    if current_user.is_authenticated and not current_user.is_survivor:
        abort(404)
    if not current_user.is_authenticated and request.cookies.get(DEVICE_COOKIE):
        return login_manager.unauthorized()
    return render_template("contacts/trusted_people.html")
