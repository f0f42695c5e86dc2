"""Who is signed in, the idle lock, response headers, and access decorators."""
from __future__ import annotations

import functools
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from .extensions import db, login_manager
from .models import Staff, Survivor, default_organisation

DEVICE_COOKIE = "dera_device"
_LAST_SEEN = "seen"
# The idle clock is moved on at most this often: each write re-signs and re-sends the session
# cookie, and the idle lock is counted in minutes.
_LAST_SEEN_RESOLUTION = 60

# Requests the browser, the service worker or a page's script makes by itself, beside the pages
# a person opens. Each carries whatever copy of the session cookie the browser held when it was
# sent, and its answer may arrive after that of a page that changed the session (a sign-in
# step): so they never write the session (``SessionCookie``), never count as activity, and the
# idle lock leaves them alone. The directory's JSON is fetched by the page's scripts, and the
# help queue authenticates itself (see ``help.routes.send_queued_request``).
BROWSER_REQUESTS = frozenset({
    "static", "health.healthz", "shell.service_worker", "shell.manifest", "shell.offline",
    "services_map.directory_json", "help.send_queued_request", "push.vapid_public_key", "push.resubscribe",
})
# Leaving quickly ends the session, whatever the idle clock says.
_PASSIVE_ENDPOINTS = BROWSER_REQUESTS | {"auth.exit", "auth.exit_beacon"}
# Requests a page makes by itself (polling): the idle lock applies, but they are not activity.
_BACKGROUND_ENDPOINTS = {"help.show_request_status", "inbox.show_inbox_list"}


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed session cookie, never sent back in answer to a request the browser made by itself."""

    def save_session(self, app, session, response):
        if request.endpoint in BROWSER_REQUESTS:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def init_app(app) -> None:
    app.session_interface = SessionCookie()
    # Flask-Login's "basic" protection only marks a session no longer fresh, which Dera never
    # asks about; to do so it writes into every session that has no sign-in in it yet (a form
    # token, a half-finished sign-in), so each request there would send the cookie again.
    login_manager.session_protection = None
    login_manager.user_loader(load_account)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_load_organisation)
    app.before_request(_enforce_idle_lock)
    app.after_request(_set_headers)
    app.context_processor(lambda: {"org": _page_organisation()})


# The account and its organisation (with the view version kept pages are checked against) in one
# query, built once: every signed-in request runs it, also when the page itself is kept.
# A survivor's case manager is loaded only by the pages that name her, when they are rendered.
_ACCOUNT_QUERIES = {
    kind: select(model).options(joinedload(model.organisation)).where(model.id == bindparam("account_id"))
    for kind, model in (("staff", Staff), ("survivor", Survivor))
}


def load_account(session_id: str):
    """Flask-login loader: ``kind:id:token``; a changed token means the session has ended."""
    try:
        kind, account_id, token = session_id.split(":", 2)
        query = _ACCOUNT_QUERIES[kind]
        account = db.session.scalars(query, {"account_id": int(account_id)}).unique().one_or_none()
    except (ValueError, KeyError):
        return None
    if account is None or account.session_token != token or not account.is_active:
        return None
    if kind == "survivor" and (account.is_locked or account.is_closed):
        return None
    return account


def organisation_defaults():
    """Settings to use when no organisation exists yet (a new deployment)."""
    return SimpleNamespace(id=None, name="", **current_app.config["ORGANISATION_DEFAULTS"])


def _page_organisation():
    """The organisation a page speaks for (its name, its help line), else the defaults."""
    # A body refused by the token check or the size limit fails before this app's own
    # before_request runs; its error page still carries the organisation's help line.
    if "organisation" not in g and request.endpoint not in ("static", "health.healthz"):
        try:
            _load_organisation()
        except SQLAlchemyError:
            db.session.rollback()
    return g.get("organisation") or organisation_defaults()


def _load_organisation() -> None:
    if request.endpoint in ("static", "health.healthz"):
        return
    if current_user.is_authenticated:
        g.organisation = current_user.organisation
    else:
        g.organisation = default_organisation()


def idle_minutes(account) -> int:
    org = account.organisation
    return org.idle_lock_staff_minutes if account.is_staff else org.idle_lock_survivor_minutes


def _enforce_idle_lock():
    """After the organisation's idle time, the next request asks for the PIN or password again."""
    if request.endpoint in _PASSIVE_ENDPOINTS or not current_user.is_authenticated:
        return None
    now = time.time()
    last_seen = session.get(_LAST_SEEN)
    if last_seen is not None and now - last_seen > idle_minutes(current_user) * 60:
        is_staff = current_user.is_staff
        locale = session.get("locale")
        logout_user()
        session.clear()
        session["idle_locked"] = True
        if locale:
            session["locale"] = locale
        if request.method == "GET" and not request.headers.get("HX-Request"):
            session["next"] = request.full_path.rstrip("?")
        target = url_for("auth.login" if is_staff else "auth.unlock")
        return redirect_to(target)
    if request.endpoint not in _BACKGROUND_ENDPOINTS and (last_seen is None or now - last_seen >= _LAST_SEEN_RESOLUTION):
        session[_LAST_SEEN] = now
    return None


def mark_active() -> None:
    """Start the idle clock at sign-in."""
    session[_LAST_SEEN] = time.time()


def redirect_to(location: str):
    """Redirect, in a way htmx follows with a full page load."""
    if request.headers.get("HX-Request"):
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location)


def _unauthorized():
    if request.method == "GET" and not request.headers.get("HX-Request"):
        session["next"] = request.full_path.rstrip("?")
    if request.cookies.get(DEVICE_COOKIE) and not request.path.startswith("/console"):
        return redirect_to(url_for("auth.unlock"))
    if request.path.startswith("/console"):
        return redirect_to(url_for("auth.login"))
    return redirect_to(url_for("auth.start"))


@functools.lru_cache(maxsize=8)
def content_security_policy(extra_img_origin: str | None = None) -> str:
    """No inline code and no other origin; a page may add one origin for images (the map's tiles)."""
    images = "img-src 'self' data:" + (f" {extra_img_origin}" if extra_img_origin else "")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            images,
            "font-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def allow_images_from(response, url: str):
    """Let this one response load images from the origin of ``url`` (e.g. the map's tile server)."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None
    response.headers["Content-Security-Policy"] = content_security_policy(origin)
    return response


def _set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(), microphone=(), payment=(), usb=(), interest-cohort=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if response.mimetype == "text/html":
        from .i18n import page_language

        headers["Content-Language"] = page_language()
    if current_app.config["HSTS"]:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint == "static" and response.status_code == 200:
        return response
    # Nothing Dera renders is kept by the browser or a proxy unless a view says otherwise.
    if "Cache-Control" not in headers or current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    if request.headers.get("HX-Request") is not None or "HX-Request" in (headers.get("Vary") or ""):
        response.vary.add("HX-Request")
    return response


# Access ----------------------------------------------------------------------------

def survivor_required(view):
    """Only a signed-in survivor; staff get 404, nobody signed in goes to the unlock page."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _unauthorized()
        if not current_user.is_survivor:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def staff_required(view):
    """Only signed-in staff; survivors get 404, nobody signed in goes to staff sign-in."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return _unauthorized()
        if not current_user.is_staff:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def supervisor_required(view):
    """Only supervisors; everyone else signed in gets 404."""

    @functools.wraps(view)
    @staff_required
    def wrapped(*args, **kwargs):
        if not current_user.is_supervisor:
            abort(404)
        return view(*args, **kwargs)

    return wrapped
