"""Push endpoints for browsers: the public key, subscribing, unsubscribing, re-subscribing."""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from ..clock import now
from ..extensions import csrf, db, limiter
from ..models import PushSubscription
from . import services
from .keys import load_vapid, public_key

bp = Blueprint("push", __name__, url_prefix="/push")

_KEY = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


def _valid_subscription(data) -> tuple[str, str, str]:
    """Endpoint and keys from a PushSubscription's JSON, or 400."""
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        abort(400)
    endpoint, keys = data.get("endpoint"), data["keys"]
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    allowed = ("https://", "http://127.0.0.1") if current_app.config.get("PUSH_ALLOW_LOCAL_ENDPOINTS") else ("https://",)
    if not isinstance(endpoint, str) or not endpoint.startswith(allowed) or len(endpoint) > 1000:
        abort(400)
    for value, lengths in ((p256dh, range(86, 90)), (auth, range(22, 26))):
        if not isinstance(value, str) or len(value) not in lengths or not _KEY.match(value):
            abort(400)
    return endpoint, p256dh, auth


@bp.get("/key")
def vapid_public_key():
    """The application server key browsers subscribe with (404 while push is not set up)."""
    vapid = load_vapid(current_app.config["VAPID_PRIVATE_KEY_FILE"])
    if vapid is None:
        abort(404)
    return jsonify(publicKey=public_key(vapid))


@bp.post("/subscriptions")
@limiter.limit("30 per hour")
def subscribe():
    """Remember this browser's subscription for the signed-in person."""
    if not current_user.is_authenticated:
        return jsonify(error="not signed in"), 401
    endpoint, p256dh, auth = _valid_subscription(request.get_json(silent=True))
    services.save_subscription(db.session, current_user, endpoint, p256dh, auth, now())
    db.session.commit()
    return jsonify(status="on"), 201


@bp.post("/subscriptions/remove")
def unsubscribe():
    """Forget this browser's subscription (reminders off on this device)."""
    if not current_user.is_authenticated:
        return jsonify(error="not signed in"), 401
    data = request.get_json(silent=True) or {}
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str):
        abort(400)
    services.remove_subscription(db.session, current_user, endpoint)
    db.session.commit()
    return jsonify(status="off")


@bp.post("/resubscribe")
@csrf.exempt
@limiter.limit("30 per hour")
def resubscribe():
    """The service worker replaces a subscription the push service renewed.

    No session is needed (the worker may run when nobody is signed in):
    knowing the old endpoint, a secret shared only by this browser and its
    push service, is what proves the request comes from the same browser.
    """
    data = request.get_json(silent=True)
    old = data.get("oldEndpoint") if isinstance(data, dict) else None
    endpoint, p256dh, auth = _valid_subscription(data)
    subscription = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == old)) if isinstance(old, str) else None
    if subscription is None:
        abort(404)
    subscription.endpoint, subscription.p256dh, subscription.auth = endpoint, p256dh, auth
    db.session.commit()
    return jsonify(status="on")
