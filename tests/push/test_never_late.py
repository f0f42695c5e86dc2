"""Push that is never late and never doubled: exact claims, renewed leases, takeover, TTL, Topic, Retry-After, 403."""
import asyncio
import http_ece  # noqa: F401 (the local push service decrypts with it)
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import select

from pwa import jobs
from pwa.extensions import db
from pwa.models import PushMessage, PushSubscription, utcnow
from pwa.push import sender, services
from pwa.push.keys import load_vapid
from tests.conftest import ROOT
from tests.workers import at_once


def _deliver(app, at=None, **options):
    vapid = load_vapid(app.config["VAPID_PRIVATE_KEY_FILE"])
    return services.deliver_due_messages(db.session, at or utcnow(), vapid, "mailto:test@dera.invalid", **options)


def _queue(people, count, now=None, **options):
    now = now or utcnow()
    for n in range(count):
        services.queue_notification(db.session, people.lulja, {"n": n}, now, **options)
    db.session.commit()


def _delivered_ids(browser) -> list[int]:
    return [message["id"] for message in browser.messages()]


# Claims ---------------------------------------------------------------------------------

def test_a_claim_takes_exactly_what_it_asks_for(app, people, subscribed):
    _queue(people, 30)
    due = PushMessage.status == "queued"
    assert len(jobs.claim(db.session, PushMessage, due, utcnow(), limit=7)) == 7
    assert db.session.scalar(select(db.func.count()).where(PushMessage.claimed_by.is_not(None))) == 7


def test_claims_made_at_once_never_overlap_and_never_overshoot(app, people, subscribed):
    _queue(people, 60)
    due = PushMessage.status == "queued"
    claimed, sizes, lock = [], [], threading.Lock()

    def worker():
        while True:
            rows = jobs.claim(db.session, PushMessage, due, utcnow(), limit=7)
            with lock:
                sizes.append(len(rows))
                claimed.extend(row.id for row in rows)
            if not rows:
                return

    at_once(app, worker, workers=4)
    assert max(sizes) <= 7
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 60


def test_a_claim_is_taken_over_only_once_its_lease_runs_out(app, people, subscribed):
    _queue(people, 3)
    now = utcnow()
    due = PushMessage.status == "queued"
    first = jobs.claim(db.session, PushMessage, due, now, lease=timedelta(seconds=30))
    assert jobs.claim(db.session, PushMessage, due, now + timedelta(seconds=29), lease=timedelta(seconds=30)) == []
    jobs.renew(db.session, PushMessage, first[0].claimed_by, now + timedelta(seconds=20))
    assert jobs.claim(db.session, PushMessage, due, now + timedelta(seconds=45), lease=timedelta(seconds=30)) == []
    assert len(jobs.claim(db.session, PushMessage, due, now + timedelta(seconds=51), lease=timedelta(seconds=30))) == 3


def test_a_dead_workers_rows_are_taken_over_within_a_minute_by_default():
    assert jobs.LEASE + timedelta(seconds=15) < timedelta(minutes=1)  # lease plus the default worker interval
    assert jobs.BATCH <= 20


# Slow push services ---------------------------------------------------------------------

def test_a_slow_push_service_and_two_workers_deliver_each_message_exactly_once(app, people, subscribed, push_service):
    """A batch takes longer than the lease; renewing the claim keeps the other worker off it."""
    push_service.delay = 0.25
    _queue(people, 24)
    lease = timedelta(seconds=1)

    def worker():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            _deliver(app, lease=lease, at_once=2)
            if db.session.scalar(select(db.func.count()).where(PushMessage.status == "queued")) == 0:
                return
            time.sleep(0.2)

    at_once(app, worker, stagger=0.1)
    delivered = [message["n"] for message in subscribed.messages()]
    assert sorted(delivered) == list(range(24)), "each message exactly once"


def test_a_message_waiting_its_turn_keeps_its_whole_time_limit(app, subscribed, push_service):
    """Behind a slow answer, a message waits for a free connection; its time limit counts from its turn."""
    push_service.delay = 1.0
    vapid = sender.VapidHeaders(load_vapid(app.config["VAPID_PRIVATE_KEY_FILE"]), "mailto:test@dera.invalid")

    async def two_at_once():
        async with sender.Pusher(at_once=1, timeout=1.6) as pusher:  # one connection; each answer takes 1 s
            return await asyncio.gather(*(pusher.send(subscribed.subscription_json(), json.dumps({"n": n}), vapid, 60, "normal") for n in range(2)))

    results = services.run_coroutine(two_at_once())  # a browser test earlier in the run may leave an event loop running here
    assert [result.outcome for result in results] == [sender.Outcome.SENT, sender.Outcome.SENT]  # the second: 2 s after it was handed over
    assert sorted(message["n"] for message in subscribed.messages()) == [0, 1]


def _worker_env(app, tmp_path, lease: int, interval: int) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        DERA_INSTANCE_PATH=str(tmp_path / "worker-instance"),
        DERA_SECRET_KEY=app.config["SECRET_KEY"],
        DERA_NOTES_KEY=app.config["NOTES_KEY"],
        DERA_VAPID_PRIVATE_KEY_FILE=app.config["VAPID_PRIVATE_KEY_FILE"],
        DERA_VAPID_SUBJECT="mailto:test@dera.invalid",
        DERA_WORKER_LEASE_SECONDS=str(lease),
        DERA_WORKER_INTERVAL=str(interval),
        DERA_PUSH_AT_ONCE="2",
    )
    return env


def _start_worker(env):
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "pwa", "worker"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_sigkilled_workers_messages_are_taken_over_once_its_lease_runs_out(app, people, subscribed, push_service, tmp_path):
    """Two worker processes; one is SIGKILLed mid-batch; the other sends what it held, a lease later."""
    lease, interval = 4, 1
    push_service.delay = 0.4
    _queue(people, 40)
    env = _worker_env(app, tmp_path, lease, interval)
    doomed = _start_worker(env)
    survivor = None
    try:
        assert _wait(lambda: len(push_service.received) >= 3, 30), "the first worker never sent"
        survivor = _start_worker(env)
        time.sleep(0.5)
        held = set(db.session.scalars(select(PushMessage.id).where(PushMessage.claimed_by.is_not(None))))
        os.killpg(doomed.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        doomed.wait()
        db.session.expire_all()
        held &= set(db.session.scalars(select(PushMessage.id).where(PushMessage.status == "queued", PushMessage.claimed_by.is_not(None))))
        assert held, "the killed worker held nothing"
        assert _wait(lambda: held <= set(_delivered_ids(subscribed)), 60), "the dead worker's messages never went"
        arrivals = {
            json.loads(message)["id"]: received.at
            for received, message in zip(subscribed.received(), (json.dumps(m) for m in subscribed.messages()))
        }
        takeover = min(at for message_id, at in arrivals.items() if message_id in held) - killed_at
        print(f"takeover after SIGKILL: {takeover:.1f} s (lease {lease} s, interval {interval} s)")
        # The other worker takes them at its next claim: once the lease has run out, and once it
        # has (nearly) sent the batch it holds itself (20 messages at 0.4 s, two at a time).
        assert lease - 2 <= takeover <= lease + interval + jobs.BATCH * push_service.delay / 2 + 3
        assert _wait(lambda: set(range(40)) <= {m["n"] for m in subscribed.messages()}, 60)
    finally:
        for process in (doomed, survivor):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    # At least once across a crash: only what was in flight or not yet written when it died may
    # have gone twice (at most one answer per send in flight of each), and the notification's tag (its
    # message id) makes the phone show it once.
    ids = _delivered_ids(subscribed)
    assert len(ids) - len(set(ids)) <= 2 * 2


# What the phone shows once ----------------------------------------------------------------

def test_every_message_carries_its_id_and_a_topic(app, people, subscribed):
    _queue(people, 2)
    _deliver(app)
    ids = list(db.session.scalars(select(PushMessage.id).order_by(PushMessage.id)))
    assert sorted(_delivered_ids(subscribed)) == ids  # sent several at a time: in any order
    topics = {message["id"]: received.headers["topic"] for message, received in zip(subscribed.messages(), subscribed.received())}
    assert topics == {message_id: f"m{message_id}" for message_id in ids}


# Never late -------------------------------------------------------------------------------

def test_the_ttl_counts_down_to_the_moment_it_is_useless_on_every_try(app, people, subscribed):
    now = utcnow()
    subscribed.answer_next(500)
    services.queue_notification(db.session, people.lulja, {"n": 1}, now, ttl=28 * 24 * 3600, expires_at=now + timedelta(hours=2))
    db.session.commit()
    assert _deliver(app, now)["retry"] == 1
    assert _deliver(app, now + timedelta(minutes=40))["sent"] == 1
    assert subscribed.received()[0].headers["ttl"] == str(80 * 60)


def test_past_its_moment_a_message_is_dropped_and_counted_never_sent(app, people, subscribed):
    now = utcnow()
    subscribed.answer_next(503, retry_after=3 * 3600)
    services.queue_notification(db.session, people.lulja, {"n": 1}, now, expires_at=now + timedelta(hours=2))
    db.session.commit()
    assert _deliver(app, now)["retry"] == 1
    counts = _deliver(app, now + timedelta(hours=3))
    assert counts["expired"] == 1 and counts["sent"] == 0
    assert subscribed.messages() == []
    assert db.session.scalar(select(PushMessage.status)) == "expired"


def test_retry_after_given_as_an_http_date_is_honoured(app, people, subscribed):
    now = utcnow()
    subscribed.answer_next(429, retry_after=format_datetime(now + timedelta(minutes=10), usegmt=True))
    services.queue_notification(db.session, people.lulja, {"n": 1}, now)
    db.session.commit()
    _deliver(app, now)
    assert _deliver(app, now + timedelta(minutes=5))["sent"] == 0
    assert _deliver(app, now + timedelta(minutes=11))["sent"] == 1


@pytest.mark.parametrize(
    "value, seconds", [("120", 120), ("Wed, 21 Oct 2015 07:28:00 GMT", 0), ("soon", None), ("", None)]
)
def test_retry_after_values(value, seconds):
    assert sender.retry_after_seconds(value) == seconds


# Refused by the push service --------------------------------------------------------------

def test_a_403_marks_the_subscription_where_staff_see_it(app, people, subscribed, client, login_as):
    subscribed.answer_next(403)
    _queue(people, 1)
    assert _deliver(app)["refused"] == 1
    assert db.session.scalar(select(PushSubscription.problem)) == "refused"
    assert db.session.scalar(select(PushMessage.status)) == "failed"
    for staff in (people.arta, people.supervisor):
        login_as(staff)
        page = client.get(f"/console/people/{people.lulja.id}").get_data(as_text=True)
        assert 'id="push-refused"' in page
    login_as(people.arta)
    assert 'id="push-refused"' not in client.get(f"/console/people/{people.dielli.id}").get_data(as_text=True)


def test_a_delivery_that_works_again_clears_the_mark(app, people, subscribed):
    subscribed.answer_next(403)
    _queue(people, 1)
    _deliver(app)
    _queue(people, 1)
    assert _deliver(app)["sent"] == 1
    assert db.session.scalar(select(PushSubscription.problem)) is None


# A worker between rounds ----------------------------------------------------------------

def test_a_worker_waiting_for_its_next_round_starts_it_as_soon_as_a_push_is_due(app, people, subscribed):
    from pwa.worker import wait_for_work

    started = time.monotonic()
    wait_for_work(0.6, look_every=0.1)  # nothing due: the whole wait
    assert time.monotonic() - started >= 0.6
    _queue(people, 1)
    started = time.monotonic()
    wait_for_work(30, look_every=0.1)
    assert time.monotonic() - started < 2


def test_a_due_reminder_ends_the_wait_too_and_a_push_that_cannot_be_sent_does_not(app, people, subscribed):
    from pwa.worker import wait_for_work
    from tests import factories

    _queue(people, 1)
    app.config["VAPID_PRIVATE_KEY_FILE"] = "/nonexistent/vapid.pem"  # push is off: the message waits for a key
    started = time.monotonic()
    wait_for_work(0.5, look_every=0.1)
    assert time.monotonic() - started >= 0.5
    # Made yesterday for an hour from now: its 2-hour reminder is due now.
    factories.appointment(people.lulja, utcnow() + timedelta(hours=1), now=utcnow() - timedelta(days=1))
    started = time.monotonic()
    wait_for_work(30, look_every=0.1)
    assert time.monotonic() - started < 2


def test_work_committed_elsewhere_ends_the_wait_at_once_and_other_commits_do_not(app, people, subscribed):
    """The worker looks only every 30 s here: what ends the wait is the commit another process makes."""
    from pwa.models import Survivor
    from pwa.worker import Changes, wait_for_work

    lulja = people.lulja.id

    def elsewhere():
        with app.app_context():
            time.sleep(0.3)  # something unrelated: the worker looks, finds nothing due, and waits on
            db.session.get(Survivor, lulja).nickname = "Lulja"
            db.session.commit()
            time.sleep(0.5)  # a push to send
            services.queue_notification(db.session, db.session.get(Survivor, lulja), {"n": 1}, utcnow())
            db.session.commit()

    changes = Changes(db.engine)
    other = threading.Thread(target=elsewhere)
    try:
        started = time.monotonic()
        other.start()
        wait_for_work(30, look_every=30, changes=changes)
        waited = time.monotonic() - started
    finally:
        other.join()
        changes.close()
    assert 0.8 <= waited < 3


def test_a_watch_that_cannot_reach_the_database_only_waits(tmp_path):
    from sqlalchemy import create_engine

    from pwa.worker import Changes

    changes = Changes(create_engine(f"sqlite:///{tmp_path / 'missing' / 'dera.sqlite'}"))
    changes.begin()
    started = time.monotonic()
    assert changes.wait(0.3) is False
    assert time.monotonic() - started >= 0.3
    changes.close()


def test_a_help_requests_push_leaves_a_waiting_worker_within_seconds_not_at_its_next_round(app, people, push_service, tmp_path):
    """The worker waits 60 seconds between rounds; the commit of a help request starts its round at once."""
    from pwa.models import WorkerHeartbeat
    from tests import factories

    arta = push_service.browser()
    services.save_subscription(db.session, people.arta, arta.endpoint, arta.p256dh, arta.auth_b64, utcnow())
    db.session.commit()
    worker = _start_worker(_worker_env(app, tmp_path, lease=30, interval=60))
    try:
        assert _wait(lambda: db.session.rollback() or db.session.scalar(select(WorkerHeartbeat.id)) is not None, 30), "the worker never ran"
        time.sleep(0.5)  # the worker is now waiting for its next round, a minute away
        factories.help_request(people.lulja)
        asked = time.monotonic()
        assert _wait(lambda: len(arta.received()) == 1, 10), "the push waited for the next round"
        assert time.monotonic() - asked < 5
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait()
