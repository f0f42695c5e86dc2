"""Real encrypted web push, delivered to a local push service and decrypted there."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import PushMessage, PushSubscription, utcnow
from pwa.push import sender, services
from pwa.push.keys import load_vapid
from pwa.worker import run_once


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

    def work():
        with app.app_context():
            _deliver(app)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
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
