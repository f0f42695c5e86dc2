"""Who is signed in, the idle lock, response headers, and access decorators."""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, logout_user
from itsdangerous import BadSignature
from sqlalchemy import bindparam, select, true
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from .extensions import db, kept_in_process, login_manager
from .models import Account, Organisation, Role, Staff, Survivor, default_organisation

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


# Session cookies whose signature this process has checked, up to this many: a phone sends the
# same cookie with every request until the session changes.
_OPENED_LIMIT = 4096


class SessionCookie(SecureCookieSessionInterface):
    """Flask's signed session cookie, never sent back in answer to a request the browser made by itself.

    Each cookie's signature is checked once per process: the cookie's text, once found signed
    with one of the app's keys, is kept with the time it was signed, so the next request that
    brings the same text only has its age checked and its JSON read (``open_session``).
    """

    def _signing(self, app):
        """The serializer for the app's keys, and the cookies found signed with them; both new when the keys change."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        return kept_in_process("dera_session_signing", keys, lambda: (super(SessionCookie, self).get_signing_serializer(app), {}), limit=4)

    def get_signing_serializer(self, app):
        return self._signing(app)[0]

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        serializer, opened = self._signing(app)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        found = opened.get(value)
        if found is not None:
            text, signed_at = found
            if 0 <= int(time.time()) - signed_at <= max_age:
                return self.session_class(self.serializer.loads(text))
            del opened[value]
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(opened) >= _OPENED_LIMIT:
            opened.clear()
        opened[value] = (self.serializer.dumps(data), int(signed_at.timestamp()))
        return self.session_class(data)

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
    app.before_request(_enforce_idle_lock)
    app.after_request(_set_headers)
    app.context_processor(lambda: {"org": _page_organisation()})


# The account and its organisation in one query, built once: a view or a template that reads
# ``current_user`` loads it. A survivor's case manager is loaded only by the pages that name her,
# when they are rendered.
_ACCOUNT_QUERIES = {
    kind: select(model).options(joinedload(model.organisation)).where(model.id == bindparam("account_id"))
    for kind, model in (("staff", Staff), ("survivor", Survivor))
}


def _admitted(kind: str, token: str, account) -> bool:
    """May a session holding ``token`` come in as ``account`` (a loaded account or the gate's row)."""
    if account is None or account.session_token != token or not account.is_active:
        return False
    return kind != "survivor" or not (account.is_locked or account.is_closed)


def _session_account(session_id: str):
    """``kind:id:token`` split, or None when it is not one."""
    kind, _, rest = session_id.partition(":")
    account_id, _, token = rest.partition(":")
    if kind not in _ACCOUNT_QUERIES or not account_id.isascii() or not account_id.isdigit() or not token:
        return None
    return kind, int(account_id), token


def load_account(session_id: str):
    """Flask-login loader: ``kind:id:token``; a changed token means the session has ended."""
    parts = _session_account(session_id)
    if parts is None:
        return None
    kind, account_id, token = parts
    account = db.session.scalars(_ACCOUNT_QUERIES[kind], {"account_id": account_id}).unique().one_or_none()
    return account if _admitted(kind, token, account) else None


@dataclass(slots=True)
class OrganisationSeen:
    """What every signed-in request reads of the person's organisation."""

    id: int
    view_version: str | None
    idle_lock_staff_minutes: int
    idle_lock_survivor_minutes: int
    case_manager_two_factor: bool


@dataclass(slots=True)
class SignedIn(Account):
    """The person a request comes from, as one small query found her.

    Enough for what every signed-in request asks before its view runs (may she come in, the idle
    lock, the second factor, the language, a kept page's key), so that a page kept in memory is
    sent without loading her account into the ORM session. ``current_user``, the account itself,
    is loaded when a view or a template reads it.
    """

    id: int
    session_token: str
    locale: str | None
    is_supervisor: bool
    has_two_factor: bool
    organisation: OrganisationSeen
    kind: str = Account.kind

    @property
    def organisation_id(self) -> int:
        return self.organisation.id

    @property
    def needs_two_factor(self) -> bool:
        return self.kind == "staff" and (self.is_supervisor or self.organisation.case_manager_two_factor)

    def end_sessions(self) -> None:
        raise TypeError("sessions end on the account itself (current_user), not on what the gate saw of it")


def _gate_query(model, *columns):
    person, organisation = model.__table__, Organisation.__table__
    return (
        select(
            person.c.id, person.c.session_token, person.c.locale, person.c.organisation_id, *columns,
            organisation.c.view_version, organisation.c.idle_lock_staff_minutes,
            organisation.c.idle_lock_survivor_minutes, organisation.c.case_manager_two_factor,
        )
        .join_from(person, organisation, person.c.organisation_id == organisation.c.id)
        .where(person.c.id == bindparam("account_id"))
    )


# Column by column, in Core: the ORM session, its identity map and its objects cost several times
# the query, and a kept page needs none of them.
_GATE_QUERIES = {
    "staff": _gate_query(
        Staff, Staff.__table__.c.active.label("is_active"), Staff.__table__.c.role,
        Staff.__table__.c.totp_enabled_at.is_not(None).label("has_two_factor"),
    ),
    "survivor": _gate_query(
        Survivor, true().label("is_active"), Survivor.__table__.c.locked_at.is_not(None).label("is_locked"),
        Survivor.__table__.c.closed_at.is_not(None).label("is_closed"),
    ),
}


def _gate_engine():
    """The engine the gate reads through, made once per app.

    On PostgreSQL in autocommit: the one statement needs no transaction around it, and a
    transaction would cost two more round trips (``BEGIN`` and ``ROLLBACK``). SQLite starts no
    transaction for a read, and setting its isolation level back on each return would cost more.
    """
    engine = db.engine
    return kept_in_process(
        "dera_gate_engine", engine,
        lambda: engine if engine.dialect.name == "sqlite" else engine.execution_options(isolation_level="AUTOCOMMIT"),
        limit=4,
    )


def _look_up(session_id: str | None) -> SignedIn | None:
    parts = _session_account(session_id or "")
    if parts is None:
        return None
    kind, account_id, token = parts
    with _gate_engine().connect() as connection:
        row = connection.execute(_GATE_QUERIES[kind], {"account_id": account_id}).first()
    if not _admitted(kind, token, row):
        return None
    return SignedIn(
        kind=kind, id=row.id, session_token=row.session_token, locale=row.locale,
        is_supervisor=kind == "staff" and Role(row.role) == Role.SUPERVISOR,
        has_two_factor=kind == "staff" and bool(row.has_two_factor),
        organisation=OrganisationSeen(
            row.organisation_id, row.view_version, row.idle_lock_staff_minutes, row.idle_lock_survivor_minutes,
            bool(row.case_manager_two_factor),
        ),
    )


def signed_in():
    """The signed-in person this request comes from (``SignedIn``, or her account), else None.

    Once Flask-Login holds an account for this request (``current_user`` was read, or she signed
    in or out), that is the answer; before, the gate's own query is, run once per request.
    """
    if "_login_user" in g:
        user = g._login_user
        return user if user.is_authenticated else None
    if "dera_signed_in" not in g:
        g.dera_signed_in = _look_up(session.get("_user_id"))
    return g.dera_signed_in


def organisation_defaults():
    """Settings to use when no organisation exists yet (a new deployment)."""
    return SimpleNamespace(id=None, name="", **current_app.config["ORGANISATION_DEFAULTS"])


def current_organisation():
    """The organisation this request speaks for: the signed-in person's, else the deployment's (or None).

    Loaded when first asked for: a page kept in memory never asks.
    """
    if "organisation" not in g:
        g.organisation = current_user.organisation if signed_in() else default_organisation()
    return g.organisation


def _page_organisation():
    """The organisation a page speaks for (its name, its help line), else the defaults."""
    # A body refused by the token check or the size limit fails before the views run; its error
    # page still carries the organisation's help line, if the database can be read.
    if "organisation" not in g and request.endpoint not in ("static", "health.healthz"):
        try:
            current_organisation()
        except SQLAlchemyError:
            db.session.rollback()
    return g.get("organisation") or organisation_defaults()


def idle_minutes(account) -> int:
    org = account.organisation
    return org.idle_lock_staff_minutes if account.is_staff else org.idle_lock_survivor_minutes


def _enforce_idle_lock():
    """After the organisation's idle time, the next request asks for the PIN or password again."""
    if request.endpoint in _PASSIVE_ENDPOINTS:
        return None
    person = signed_in()
    if person is None:
        return None
    now = time.time()
    last_seen = session.get(_LAST_SEEN)
    if last_seen is not None and now - last_seen > idle_minutes(person) * 60:
        is_staff = person.is_staff
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
    if "Cache-Control" not in headers or signed_in():
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
        person = signed_in()
        if person is None:
            return _unauthorized()
        if not person.is_survivor:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def staff_required(view):
    """Only signed-in staff; survivors get 404, nobody signed in goes to staff sign-in."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        person = signed_in()
        if person is None:
            return _unauthorized()
        if not person.is_staff:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def supervisor_required(view):
    """Only supervisors; everyone else signed in gets 404."""

    @functools.wraps(view)
    @staff_required
    def wrapped(*args, **kwargs):
        if not signed_in().is_supervisor:
            abort(404)
        return view(*args, **kwargs)

    return wrapped
