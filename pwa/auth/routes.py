"""Signing in and out: staff passwords, survivor enrolment and PIN, quick exit, language."""
from __future__ import annotations

import functools
import time
import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, after_this_request, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from ..extensions import csrf, db, limiter
from ..clock import now
from ..security import DEVICE_COOKIE, current_organisation, mark_active, survivor_required
from ..signing import secret_keys
from . import quick_exit, services
from .forms import CodeForm, EnrolForm, LanguageForm, PinForm, StaffSignInForm

bp = Blueprint("auth", __name__)

PENDING_SIGN_IN = "pending_sign_in"
KNOWN_BROWSER_COOKIE = "dera_staff_browser"


def _home_for(account) -> str:
    return url_for("console.caseload") if account.is_staff else url_for("today.show_today")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never another origin) may be a ``next`` target."""
    if not target:
        return None
    parts = urlsplit(target)
    # Browsers read a backslash as a slash, so "/\\evil.example" would leave the site.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    # A line break or other control character cannot go into a Location header.
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in target):
        return None
    return target


def _device():
    return services.device_for_secret(db.session, request.cookies.get(DEVICE_COOKIE))


def sign_in(account):
    """Start a fresh session for ``account``, keeping the language chosen on this browser."""
    locale = session.get("locale")
    session.clear()
    if locale and account.locale is None:
        account.locale = locale
        db.session.commit()
    login_user(account)
    mark_active()
    new_form_token()
    if account.is_staff:
        after_this_request(functools.partial(_mark_known_browser, account.username))


def _mark_known_browser(username: str, response):
    """This browser gets a sign-in budget of its own for this account (``services.known_browser``)."""
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        services.known_browser_token(secret_keys(), username),
        max_age=services.KNOWN_BROWSER_DAYS * 24 * 3600,
        httponly=True,
        secure=current_app.config["DEVICE_COOKIE_SECURE"],
        samesite="Lax",
        path=url_for("auth.login"),
    )
    return response


def new_form_token() -> None:
    """Put a new form token into the session just cleared, so that every copy of it carries the same one."""
    # Flask-WTF keeps one token per request, and this request's form made it from the old session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()


def start_second_factor(staff, next_url: str) -> None:
    """Remember, for a few minutes, who gave the right password and where they were going."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[PENDING_SIGN_IN] = {"id": staff.id, "token": staff.session_token, "at": time.time(), "next": next_url}
    new_form_token()


def _set_device_cookie(response, secret: str):
    response.set_cookie(
        DEVICE_COOKIE,
        secret,
        max_age=current_app.config["DEVICE_COOKIE_DAYS"] * 24 * 3600,
        httponly=True,
        secure=current_app.config["DEVICE_COOKIE_SECURE"],
        samesite="Lax",
        path="/",
    )
    return response


@bp.get("/")
def start():
    """The front door: home for the signed-in, PIN on an enrolled phone, otherwise a neutral start page."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    if _device() is not None:
        return redirect(url_for("auth.unlock"))
    return render_template("auth/start.html")


def _username_key() -> str:
    """One budget per staff account wherever the guesses come from, and one per browser she signed in on."""
    keys, username = secret_keys(), request.form.get("username")
    account = services.account_keys(keys, username)[0]
    browser = services.known_browser(keys, request.cookies.get(KNOWN_BROWSER_COOKIE), username)
    return f"{account}:browser:{browser}" if browser else account


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 60 per hour", methods=["POST"])
# Counted before the password is checked, in one step of the limiter's storage, so guesses
# sent at once cannot pass the limit either.
@limiter.limit("10 per 10 minutes", key_func=_username_key, methods=["POST"], scope="staff-account")
def login():
    """Staff sign in with username and password."""
    form = StaffSignInForm()
    if form.validate_on_submit():
        staff = services.authenticate_staff(db.session, form.username.data, form.password.data, now())
        if staff is not None:
            db.session.commit()
            next_url = _safe_next(session.get("next"))
            next_url = next_url if next_url and next_url.startswith("/console") else url_for("console.caseload")
            if staff.has_two_factor:
                # The password is right; the session starts only after the code from the app.
                start_second_factor(staff, next_url)
                return redirect(url_for("staff.enter_sign_in_code"))
            sign_in(staff)
            return redirect(next_url)
        form.password.errors.append(_("That username and password do not match. Try again."))
    idle_locked = session.pop("idle_locked", False)
    return render_template("auth/login.html", form=form, idle_locked=idle_locked)


@bp.post("/logout")
def logout():
    """Sign out here and everywhere else this person is signed in."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.start"))


bp.before_app_request(quick_exit.answer_marked_phone)
bp.after_app_request(quick_exit.forget_marker_on_fresh_entry)
bp.add_app_template_global(quick_exit.quick_exit_url)


@bp.get("/exit")
def exit():
    """Quick exit without JavaScript: end the session, mark the phone, leave for the neutral site.

    Never fails: an exit address that cannot be used leaves for the default one, or a blank page.
    """
    organisation = current_organisation()
    quick_exit.end_session()
    return quick_exit.mark_phone(quick_exit.leave_for_neutral_site(organisation), organisation)


@bp.post("/exit")
@csrf.exempt
def exit_beacon():
    """Quick exit with JavaScript: ``navigator.sendBeacon`` ends the session while the page leaves.

    Exempt from CSRF on purpose: leaving must work even with an expired form
    token, and all another site could do with it is sign someone out.
    """
    organisation = current_organisation()
    quick_exit.end_session()
    response = current_app.response_class(status=204)
    response.headers["Clear-Site-Data"] = '"cache"'
    return quick_exit.mark_phone(response, organisation)


@bp.route("/unlock", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def unlock():
    """A survivor unlocks with her PIN on the phone she enrolled."""
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    device = _device()
    if device is None:
        return redirect(url_for("auth.start"))
    if device.survivor.is_closed:
        return render_template("cases/closed.html")
    if device.survivor.is_locked:
        return render_template("auth/locked.html"), 403
    form = PinForm()
    if form.validate_on_submit():
        result = services.unlock_with_pin(
            db.session, device, form.pin.data, now(), current_app.config["MAX_PIN_ATTEMPTS"]
        )
        db.session.commit()
        if result.outcome is services.Unlock.OK:
            next_url = _safe_next(session.get("next"))
            sign_in(device.survivor)
            if next_url and next_url.startswith("/console"):
                next_url = None
            return _set_device_cookie(redirect(next_url or url_for("today.show_today")), request.cookies[DEVICE_COOKIE])
        if result.outcome is services.Unlock.LOCKED:
            return render_template("auth/locked.html"), 403
        form.pin.errors.append(
            ngettext(
                "That PIN is not right. You can try %(num)d more time.",
                "That PIN is not right. You can try %(num)d more times.",
                result.attempts_left,
            )
        )
    idle_locked = session.pop("idle_locked", False)
    return render_template("auth/unlock.html", form=form, idle_locked=idle_locked)


# Every place a code is tried shares one budget per client.
CODE_TRIES = "20 per minute; 200 per day"


@bp.route("/enrol", methods=["GET", "POST"])
@limiter.shared_limit(CODE_TRIES, scope="enrolment-code", methods=["POST"])
def enter_code():
    """A survivor types the code her case manager gave her (or her phone fills it in from the link's fragment).

    The code travels in the form's body from here on, never in an address a
    log or the browser's history would keep.
    """
    if "pin" in request.form or request.form.get("step") == "choose":
        return _bind_phone(request.form.get("code", ""))
    form = CodeForm()
    if form.validate_on_submit():
        code = services.normalise_code(form.code.data)
        if services.find_enrolment(db.session, code, now()) is not None:
            return _bind_phone(code)
        form.code.errors.append(_("This code does not work. Check it, or ask the person who works with you for a new one."))
    return render_template("auth/enter_code.html", form=form)


@bp.route("/enrol/<code>", methods=["GET", "POST"])
@limiter.shared_limit(CODE_TRIES, scope="enrolment-code")
def enrol(code: str):
    """The same as typing the code: for links made before codes moved into the link's fragment."""
    return _bind_phone(code)


def _bind_phone(code: str):
    """First what Dera keeps and who sees it, then a nickname and a PIN; this binds the phone."""
    enrolment = services.find_enrolment(db.session, code, now())
    if enrolment is None:
        return render_template("auth/code_invalid.html"), 404
    shown_code = services.format_code(services.normalise_code(code))
    if "pin" not in request.form and request.form.get("step") != "choose":
        # Before she chooses anything: what Dera keeps, who sees it, how to delete it.
        return render_template("auth/before_enrol.html", code=shown_code, form=CodeForm(formdata=None))
    if "pin" not in request.form:
        form = EnrolForm(formdata=None, data={"nickname": enrolment.survivor.nickname})
    else:
        form = EnrolForm()
    if "pin" in request.form and form.validate_on_submit():
        bound = services.complete_enrolment(db.session, enrolment, form.nickname.data, form.pin.data, now())
        if bound is None:
            db.session.rollback()
            return render_template("auth/code_invalid.html"), 404
        survivor, secret = bound
        db.session.commit()
        sign_in(survivor)
        return _set_device_cookie(redirect(url_for("auth.welcome")), secret)
    return render_template("auth/enrol.html", form=form, code=shown_code)


@bp.get("/welcome")
@survivor_required
def welcome():
    """Shown once after enrolment: what the quick-exit button does, and what it cannot do."""
    return render_template("auth/welcome.html")


@bp.post("/language")
def choose_language():
    """Switch language; remembered for the signed-in person, or on this browser."""
    form = LanguageForm()
    locale = request.form.get("locale")
    if form.validate_on_submit() and locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(_safe_next(form.next.data) or url_for("auth.start"))
