"""Ask for help: the door is always open.

Three one-tap questions and an optional note; the request goes to her case
manager (or the delegate), and she sees it sent, seen and answered. Every
request carries a key made for the form, so a double tap, a retry or a replay
from the phone's offline queue stores exactly one request.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from limits import parse as parse_limit
from werkzeug.datastructures import MultiDict

from ..auth.services import device_for_secret
from ..boundary import json_endpoint
from ..clock import now
from ..compression import mark_secret_in_page
from ..extensions import client_key, csrf, db, kept_in_process, limiter
from ..kept_pages import fresh, kept_page
from ..models import HelpRequest, Survivor
from ..security import DEVICE_COOKIE, survivor_required
from ..signing import secret_keys
from . import services
from .forms import HelpRequestForm
from .labels import template_globals

bp = Blueprint("help", __name__)
# The labels and icons are globals (not a context processor) so that imported macros see them too.
bp.record_once(lambda state: state.app.jinja_env.globals.update(template_globals()))


@bp.app_template_global()
def help_queue_token() -> str:
    """The token a queued request is sent with (see ``send_queued_request``)."""
    mark_secret_in_page()
    # Signed once a day per session and process, not on every page she opens: the token is
    # valid for days, and a new session (a new ``session_token``) gets a new one.
    keys = secret_keys()
    key = (keys[0], current_user.id, current_user.session_token, now().date())
    return kept_in_process("dera_queue_tokens", key, lambda: services.make_queue_token(keys, current_user))


def _own_request_or_404(request_id: int) -> HelpRequest:
    help_request = db.session.get(HelpRequest, request_id)
    if help_request is None or help_request.survivor_id != current_user.id:
        abort(404)
    return help_request


def _ask_page(form: HelpRequestForm, key_problem: bool = False):
    return render_template(
        "help/ask.html",
        form=form,
        key_problem=key_problem,
        requests=services.requests_of(db.session, current_user),
        responder=services.responder_for(current_user),
    )


@bp.route("/help", methods=["GET", "POST"])
@survivor_required
@kept_page  # before the limiter: a kept GET has no limit to check
@limiter.limit("60 per hour", methods=["POST"])
def ask_for_help():
    """The three questions and the note; sending stores the request once, whatever the retries."""
    form = HelpRequestForm()
    if request.method == "GET":
        # A new key for every page sent, also when the page itself is kept: two pages, two requests.
        form.key.data = fresh(services.new_key)
        return _ask_page(form)
    key = services.normalise_key(form.key.data)
    if form.validate_on_submit() and key is not None:
        help_request, _created = services.create_help_request(
            db.session, current_user._get_current_object(), key, form.setback.data, form.urgency.data, form.contact.data, form.note.data, now()
        )
        db.session.commit()
        return redirect(url_for("help.show_request", request_id=help_request.id), code=303)
    if key is None:
        form.key.data = services.new_key()
    return _ask_page(form, key_problem=key is None and not form.errors)


# What the phone's queue sends (offline-queue.js): every value a string, nothing else.
QUEUED_REQUEST = {
    "type": "object",
    "properties": {
        "token": {"type": "string", "maxLength": 500},
        "fresh": {"type": "string", "maxLength": 500},
        "key": {"type": "string", "maxLength": 64},
        "setback": {"type": ["string", "null"], "maxLength": 40},
        "urgency": {"type": ["string", "null"], "maxLength": 40},
        "contact": {"type": ["string", "null"], "maxLength": 40},
        "note": {"type": ["string", "null"], "maxLength": 4000},
    },
    "required": ["token", "key"],
    "additionalProperties": False,
}


def _queue_device(body: dict):
    """The phone sending a queued request, when its token and device cookie belong to the same person."""
    config = current_app.config
    survivor_id = services.queue_sender(secret_keys(), body["token"], body.get("fresh"), config["HELP_QUEUE_TOKEN_DAYS"])
    device = device_for_secret(db.session, request.cookies.get(DEVICE_COOKIE))
    if survivor_id is None or device is None or device.survivor_id != survivor_id or device.survivor.is_locked:
        return None
    return device


# Each budget of the queue: her phone's sent requests, her phone's refused ones, and, per address,
# the refused requests nobody could prove were hers. Strangers only ever spend the last one.
QUEUE_LIMIT = parse_limit("60 per hour")


def _spend(bucket: str) -> bool:
    """Take one request from a budget of the queue; False when it is used up."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return True
    return limiter.limiter.hit(QUEUE_LIMIT, "help-queue", bucket)


def _refused(bucket: str, body: dict, status: int):
    if not _spend(bucket):
        return jsonify(error="too many requests"), 429
    return jsonify(body), status


@bp.post("/help/queue")
@csrf.exempt
@json_endpoint(QUEUED_REQUEST)
def send_queued_request(body: dict):
    """A request kept on the phone while it was offline, sent by the page or the service worker.

    It needs no session: the idle lock may have ended it while the phone was
    offline, and the request was written while she was signed in. Instead it
    needs the token of the page it was written on (signed, for this person, at
    most ``HELP_QUEUE_TOKEN_DAYS`` old, or renewed by the ``fresh`` token of a
    page she opened since: also when its key has been retired, so no key
    rotation loses a request) and this phone's device cookie. That pair is also
    why it needs no CSRF token: another site can read neither. Sent and refused
    requests are counted apart, and per phone, so strangers cannot use up hers.
    """
    device = _queue_device(body)
    if device is None:
        return _refused(f"anonymous:{client_key()}", {"error": "unlock the app and try again"}, 401)
    survivor: Survivor = device.survivor
    key = services.normalise_key(body["key"])
    answers = MultiDict({name: body.get(name) or "" for name in ("setback", "urgency", "contact", "note")})
    form = HelpRequestForm(formdata=answers, meta={"csrf": False})
    if not form.validate() or key is None:
        errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
        if key is None:
            errors["key"] = ["not a UUID"]
        return _refused(f"refused:{device.id}", {"errors": errors}, 400)
    if not _spend(f"device:{device.id}"):
        return jsonify(error="too many requests"), 429
    help_request, created = services.create_help_request(
        db.session, survivor, key, form.setback.data, form.urgency.data, form.contact.data, form.note.data, now()
    )
    db.session.commit()
    body = {"id": help_request.id, "status": help_request.status, "url": url_for("help.show_request", request_id=help_request.id)}
    return jsonify(body), 201 if created else 200


@bp.get("/help/requests/<int:request_id>")
@survivor_required
@kept_page
def show_request(request_id: int):
    """Her request: who answers, and sent → seen → answered with times."""
    help_request = _own_request_or_404(request_id)
    return render_template("help/request.html", help_request=help_request)


@bp.get("/help/requests/<int:request_id>/status")
@survivor_required
@kept_page
def show_request_status(request_id: int):
    """The state of her request, polled by the page (it does not count as activity for the idle lock).

    Nothing new is 204, which htmx leaves alone, so screen readers announce only real changes.
    """
    help_request = _own_request_or_404(request_id)
    if request.args.get("shown") == help_request.state_key:
        return "", 204
    return render_template("help/_request_status.html", help_request=help_request)


@bp.post("/help/requests/<int:request_id>/withdraw")
@survivor_required
def withdraw_request(request_id: int):
    """She is fine now: her request is closed, and staff see that she withdrew it."""
    help_request = _own_request_or_404(request_id)
    services.withdraw(help_request, now())
    db.session.commit()
    if request.headers.get("HX-Request"):
        return render_template("help/_request_status.html", help_request=help_request)
    return redirect(url_for("help.show_request", request_id=help_request.id), code=303)
