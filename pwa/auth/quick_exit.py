"""Leave quickly, and no way back: what the phone keeps and what the server answers after it.

The problem. Leaving with ``location.replace`` removes only the page she was on from the
history. The pages she had open before it (Today, My plan, Ask for help, a service) stay
behind the Back button, and going back to one of them asks the server for it again. Ending
the session is not enough: the server would answer with the PIN page, and Dera's name and
"ask the person who works with you for a new code" tell whoever holds the phone that she
uses a support app.

The design.

1. *A marker on the phone.* Leaving quickly sets the ``dera_left`` cookie: the server sets it
   on ``GET /exit`` (no JavaScript) and on the ``POST /exit`` beacon, and ``exit.js`` sets it
   itself before it leaves, so it is there even when the beacon is lost. Its value is the
   organisation's id, so that the answer below uses her organisation's exit address although
   her session has ended. It holds nothing else and is not a secret.

2. *What the server answers for that phone.* While the marker is there, every request for a
   Dera page (any method, any path) is answered with an empty redirect to the neutral exit
   site (htmx gets ``HX-Redirect``), and a session still open is ended. So Back, several
   Backs, Forward, a reloaded or restored tab all land on the neutral site: the browser never
   receives a byte of Dera, its name, title or colour. What the phone does in the background
   for her is still answered (static files, the service worker and manifest, the help queue,
   push renewals, the public directory data), because none of it draws a page.

3. *Opening Dera afresh.* The browser does not tell the server how a page was reached: going
   back to a page first opened by typing its address sends the same headers as typing it
   (``Sec-Fetch-Site: none``, ``Sec-Fetch-User: ?1``). The fresh ways in are therefore told
   apart by address: ``/`` (the home-screen icon's ``start_url`` and the bare address typed)
   and a live enrolment link (a code works once, so an old page in the history never has
   one). They remove the marker and behave as usual: the PIN page on an enrolled phone. On an
   enrolled phone ``/`` always redirects, so it is never itself a page in the history that
   Back could return to. Whoever opens Dera afresh sees the PIN page anyway; going back
   after that shows nothing more.

4. *The back/forward cache.* Authenticated pages are ``Cache-Control: no-store`` and leaving
   changes the session cookie, so Chromium does not restore them from memory; the exit
   answers also carry ``Clear-Site-Data: "cache"``, which empties the back/forward cache of
   the site as well as its HTTP cache. Where a browser restores a page anyway, ``exit.js``
   hid it when it was left (``pagehide``) and, on ``pageshow``, leaves again at once when the
   phone is marked, so it is not drawn even for a moment.

5. *The service worker.* ``exit.js`` tells it the exit address; it keeps it (in a cache of its
   own) and, while it has it, answers every navigation except the fresh ways in with a
   redirect to the neutral site, also offline, where it would otherwise show a kept public
   page. A notification tapped after leaving opens ``/``. A navigation to ``/`` clears it.

Without JavaScript, points 1 (from ``GET /exit``), 2, 3 and 4's headers still hold; a browser
that keeps pages in its back/forward cache despite ``no-store`` may show one from memory, and
no site can clear the titles the browser lists when Back is held down (README, Safety model).
"""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session
from flask_login import current_user, logout_user

from ..extensions import db
from ..models import Organisation
from ..security import BROWSER_REQUESTS, current_organisation

MARKER = "dera_left"
# Kept as long as the phone's own binding: history entries outlive any session.
MARKER_DAYS = 365
# Requests the phone makes by itself, which draw no page, and leaving itself: still answered after leaving.
STILL_ANSWERED = BROWSER_REQUESTS | {"auth.exit", "auth.exit_beacon"}
# A page left blank, for when no usable exit address is known: nothing to read, nothing to name.
BLANK_PAGE = "<!doctype html><meta charset=utf-8><title>&#8203;</title>"


def usable_exit_url(value) -> str | None:
    """``value`` if it is an absolute http(s) address a browser can be sent to as it is, else None."""
    if not isinstance(value, str) or not value or len(value) > 2000:
        return None
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        return None
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    return value


def quick_exit_url(organisation=None) -> str | None:
    """Where Leave quickly goes: the organisation's address, else the deployment's default, else None."""
    stored = getattr(organisation, "exit_url", None)
    return usable_exit_url(stored) or usable_exit_url(current_app.config["ORGANISATION_DEFAULTS"]["exit_url"])


def leave_for_neutral_site(organisation=None):
    """An empty redirect to the neutral site (a blank page when no address is usable); never fails."""
    target = quick_exit_url(organisation)
    if request.headers.get("HX-Request"):
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = target or "about:blank"
    elif target:
        response = redirect(target, code=302)
        response.set_data(b"")
    else:
        response = current_app.response_class(BLANK_PAGE, mimetype="text/html")
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


def mark_phone(response, organisation=None):
    """Set the marker that makes every way back into Dera land on the neutral site."""
    response.set_cookie(
        MARKER,
        str(getattr(organisation, "id", None) or 0),
        max_age=MARKER_DAYS * 24 * 3600,
        secure=current_app.config["DEVICE_COOKIE_SECURE"],
        samesite="Lax",
        path="/",
    )
    return response


def end_session() -> None:
    """End every session of the person signed in here (a copied cookie dies too), and this one."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    session.clear()


def _marked_organisation():
    value = request.cookies.get(MARKER, "")
    # Only what the column can hold is looked up (a larger number would be an error on PostgreSQL).
    if value.isascii() and value.isdigit() and 0 < int(value) < 2**31:
        found = db.session.get(Organisation, int(value))
        if found is not None:
            return found
    return current_organisation()


def _is_fresh_entry() -> bool:
    if request.endpoint == "auth.start":
        return True
    if request.endpoint == "auth.enrol":
        from ..clock import now
        from .services import find_enrolment

        return find_enrolment(db.session, (request.view_args or {}).get("code", ""), now()) is not None
    return False


def answer_marked_phone():
    """Before each request: a phone marked by Leave quickly sees only the neutral site, except afresh."""
    if MARKER not in request.cookies or request.endpoint in STILL_ANSWERED:
        return None
    organisation = _marked_organisation()
    if current_user.is_authenticated:
        # She left: a session the beacon could not end (no network, a closed tab) ends now.
        end_session()
    if _is_fresh_entry():
        g.quick_exit_fresh_entry = True
        return None
    return leave_for_neutral_site(organisation)


def forget_marker_on_fresh_entry(response):
    """After a fresh way in, the phone is no longer marked."""
    if g.get("quick_exit_fresh_entry"):
        response.delete_cookie(MARKER, path="/", secure=current_app.config["DEVICE_COOKIE_SECURE"], samesite="Lax")
    return response
