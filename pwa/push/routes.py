"""Push endpoints for browsers: the public key, subscribing, unsubscribing, re-subscribing."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify
from flask_login import current_user
from sqlalchemy import select

from ..boundary import json_endpoint
from ..clock import now
from ..extensions import csrf, db, limiter
from ..models import PushSubscription
from . import services
from .keys import load_vapid, public_key

bp = Blueprint("push", __name__, url_prefix="/push")

# A PushSubscription's JSON, as the browser gives it: an endpoint and its two keys (base64url).
_KEYS = {
    "type": "object",
    "properties": {
        "p256dh": {"type": "string", "pattern": "^[A-Za-z0-9_-]{86,87}={0,2}$"},
        "auth": {"type": "string", "pattern": "^[A-Za-z0-9_-]{22}={0,2}$"},
    },
    "required": ["p256dh", "auth"],
}
_ENDPOINT = {"type": "string", "maxLength": 1000, "pattern": "^[!-~]+$"}
SUBSCRIPTION = {
    "type": "object",
    "properties": {"endpoint": _ENDPOINT, "keys": _KEYS},
    "required": ["endpoint", "keys"],
}
RESUBSCRIPTION = {
    "type": "object",
    "properties": {"endpoint": _ENDPOINT, "keys": _KEYS, "oldEndpoint": _ENDPOINT},
    "required": ["endpoint", "keys", "oldEndpoint"],
}
UNSUBSCRIPTION = {"type": "object", "properties": {"endpoint": _ENDPOINT}, "required": ["endpoint"]}


def _valid_subscription(data: dict) -> tuple[str, str, str]:
    """Endpoint and keys from a checked subscription, or 400 when the endpoint is not a push service's."""
    allowed = ("https://", "http://127.0.0.1") if current_app.config.get("PUSH_ALLOW_LOCAL_ENDPOINTS") else ("https://",)
    if not data["endpoint"].startswith(allowed):
        abort(400)
    return data["endpoint"], data["keys"]["p256dh"], data["keys"]["auth"]


@bp.get("/key")
def vapid_public_key():
    """The application server key browsers subscribe with (404 while push is not set up)."""
    vapid = load_vapid(current_app.config["VAPID_PRIVATE_KEY_FILE"])
    if vapid is None:
        abort(404)
    return jsonify(publicKey=public_key(vapid))


@bp.post("/subscriptions")
@limiter.limit("30 per hour")
@json_endpoint(SUBSCRIPTION)
def subscribe(body: dict):
    """Remember this browser's subscription for the signed-in person."""
    if not current_user.is_authenticated:
        return jsonify(error="not signed in"), 401
    endpoint, p256dh, auth = _valid_subscription(body)
    services.save_subscription(db.session, current_user, endpoint, p256dh, auth, now())
    db.session.commit()
    return jsonify(status="on"), 201


@bp.post("/subscriptions/remove")
@json_endpoint(UNSUBSCRIPTION)
def unsubscribe(body: dict):
    """Forget this browser's subscription (reminders off on this device)."""
    if not current_user.is_authenticated:
        return jsonify(error="not signed in"), 401
    services.remove_subscription(db.session, current_user, body["endpoint"])
    db.session.commit()
    return jsonify(status="off")


@bp.post("/resubscribe")
@csrf.exempt
@limiter.limit("30 per hour")
@json_endpoint(RESUBSCRIPTION)
def resubscribe(body: dict):
    """The service worker replaces a subscription the push service renewed.

    No session is needed (the worker may run when nobody is signed in):
    knowing the old endpoint, a secret shared only by this browser and its
    push service, is what proves the request comes from the same browser.
    """
    endpoint, p256dh, auth = _valid_subscription(body)
    subscription = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == body["oldEndpoint"]))
    if subscription is None:
        abort(404)
    subscription.endpoint, subscription.p256dh, subscription.auth = endpoint, p256dh, auth
    db.session.commit()
    return jsonify(status="on")
