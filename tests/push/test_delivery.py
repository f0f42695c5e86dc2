"""Real encrypted web push, delivered to a local push service and decrypted there."""
import base64
import json
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import PushMessage, PushSubscription, utcnow
from pwa.push import sender, services
from pwa.push.keys import load_vapid
from pwa.worker import run_once
from tests.workers import at_once


def _deliver(app, at=None):
    vapid = load_vapid(app.config["VAPID_PRIVATE_KEY_FILE"])
    return services.deliver_due_messages(db.session, at or utcnow(), vapid, "mailto:test@dera.invalid")


def test_a_queued_message_arrives_encrypted_and_decrypts(app, people, subscribed):
    services.queue_notification(db.session, people.lulja, {"title": "Dera", "body": "Ke një kujtesë"}, utcnow())
    db.session.commit()
    assert _deliver(app)["sent"] == 1
    received = subscribed.received()[0]
    assert received.headers["content-encoding"] == "aes128gcm"
    assert b"kujtes" not in received.body
    assert received.headers["authorization"].startswith("vapid t=")
    message_id = db.session.scalar(select(PushMessage.id))
    assert subscribed.messages() == [{"title": "Dera", "body": "Ke një kujtesë", "id": message_id}]


def test_ttl_and_urgency_are_sent(app, people, subscribed):
    services.queue_notification(db.session, people.lulja, {"body": "x"}, utcnow(), ttl=7200, urgency="high")
    db.session.commit()
    _deliver(app)
    headers = subscribed.received()[0].headers
    assert headers["ttl"] == "7200" and headers["urgency"] == "high"


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_removed(app, people, subscribed, status):
    subscribed.answer_next(status)
    services.queue_notification(db.session, people.lulja, {"body": "x"}, utcnow())
    db.session.commit()
    assert _deliver(app)["gone"] == 1
    assert db.session.scalar(select(func.count(PushSubscription.id))) == 0


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_busy_push_service_is_retried_with_backoff(app, people, subscribed, status):
    subscribed.answer_next(status)
    now = utcnow()
    services.queue_notification(db.session, people.lulja, {"body": "x"}, now)
    db.session.commit()
    assert _deliver(app, now)["retry"] == 1
    assert _deliver(app, now + timedelta(seconds=10))["retry"] == 0  # not yet due
    assert _deliver(app, now + timedelta(seconds=31))["sent"] == 1
    assert len(subscribed.messages()) == 1


def test_retry_after_is_honoured(app, people, subscribed):
    subscribed.answer_next(429, retry_after=600)
    now = utcnow()
    services.queue_notification(db.session, people.lulja, {"body": "x"}, now)
    db.session.commit()
    _deliver(app, now)
    assert _deliver(app, now + timedelta(minutes=5))["sent"] == 0
    assert _deliver(app, now + timedelta(minutes=11))["sent"] == 1


def test_a_message_fails_after_the_last_retry(app, people, subscribed):
    subscribed.answer_next(*([500] * 6))
    now = utcnow()
    services.queue_notification(db.session, people.lulja, {"body": "x"}, now)
    db.session.commit()
    for hour in range(12):
        _deliver(app, now + timedelta(hours=hour))
    assert db.session.scalar(select(PushMessage.status)) == "failed"


def test_payload_over_the_limit_is_refused_before_queueing(app, people, subscribed):
    with pytest.raises(sender.PayloadTooLarge):
        services.queue_notification(db.session, people.lulja, {"body": "ë" * 2000}, utcnow())


def test_two_workers_send_each_message_once(app, people, subscribed):
    for n in range(20):
        services.queue_notification(db.session, people.lulja, {"n": n}, utcnow())
    db.session.commit()

    at_once(app, lambda: _deliver(app))
    assert sorted(m["n"] for m in subscribed.messages()) == list(range(20))


def test_the_worker_command_delivers(app, people, subscribed):
    services.queue_notification(db.session, people.lulja, {"body": "x"}, utcnow())
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0 and len(subscribed.messages()) == 1


def test_without_a_vapid_key_nothing_is_sent_and_nothing_is_lost(app, people, subscribed):
    services.queue_notification(db.session, people.lulja, {"body": "x"}, utcnow())
    db.session.commit()
    app.config["VAPID_PRIVATE_KEY_FILE"] = "/nonexistent/vapid.pem"
    run_once()
    assert db.session.scalar(select(PushMessage.status)) == "queued"


def test_a_delivery_that_runs_out_of_time_with_more_due_says_so(app, people, subscribed):
    for n in range(5):
        services.queue_notification(db.session, people.lulja, {"n": n}, utcnow())
    db.session.commit()
    vapid = load_vapid(app.config["VAPID_PRIVATE_KEY_FILE"])
    counts = services.deliver_due_messages(db.session, utcnow(), vapid, "mailto:test@dera.invalid", limit=2, budget=0)
    assert counts["sent"] == 2 and counts["more"] == 1
    counts = services.deliver_due_messages(db.session, utcnow(), vapid, "mailto:test@dera.invalid", limit=20, budget=0)
    assert counts["sent"] == 3 and "more" not in counts


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_every_message_carries_a_vapid_token_for_its_push_service_signed_once_per_round(app, people, subscribed):
    """RFC 8292: a token signed with Dera's key, for the push service's origin, reused for every message to it."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    for n in range(3):
        services.queue_notification(db.session, people.lulja, {"n": n}, utcnow())
    db.session.commit()
    _deliver(app)
    headers = {received.headers["authorization"] for received in subscribed.received()}
    assert len(headers) == 1, "one token for every message to the same push service"
    token, key = re.fullmatch(r"vapid t=([^,]+), ?k=(\S+)", headers.pop()).groups()
    head, claims, signature = token.split(".")
    claims = json.loads(_b64decode(claims))
    origin = subscribed.endpoint.split("/", 3)[:3]
    assert claims["aud"] == "/".join(origin) and claims["sub"] == "mailto:test@dera.invalid"
    assert time.time() + 11 * 3600 < claims["exp"] <= time.time() + 24 * 3600
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64decode(key))
    raw = _b64decode(signature)
    public.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                  f"{head}.{token.split('.')[1]}".encode(), ec.ECDSA(hashes.SHA256()))
    ours = load_vapid(app.config["VAPID_PRIVATE_KEY_FILE"]).public_key.public_numbers()
    assert public.public_numbers() == ours


def test_delivery_works_when_the_caller_already_runs_an_event_loop(app, people, subscribed):
    import asyncio
    import concurrent.futures
    import contextvars

    services.queue_notification(db.session, people.lulja, {"title": "Dera", "body": "Ke një kujtesë"}, utcnow())
    db.session.commit()

    async def inside_a_loop():
        return _deliver(app)

    # A thread of its own for the caller's loop: this one may already run one (the browser tests').
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        counts = pool.submit(contextvars.copy_context().run, asyncio.run, inside_a_loop()).result()
    assert counts["sent"] == 1
    assert len(subscribed.received()) == 1
