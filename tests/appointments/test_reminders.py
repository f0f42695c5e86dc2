"""The reminder dispatcher, end to end: real encrypted web push to a local push service, at a frozen time."""
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from pwa.appointments import services
from pwa.extensions import db
from pwa.jobs import claim
from pwa.models import AppointmentReminder, PushMessage, PushSubscription, utcnow
from pwa.push import services as push_services
from pwa.push.keys import load_vapid
from tests import factories
from tests.workers import at_once

NOW = datetime(2026, 5, 11, 8, 0, tzinfo=timezone.utc)  # Monday 10:00 in Tirana
STARTS = datetime(2026, 5, 12, 12, 30, tzinfo=timezone.utc)  # Tuesday 14:30 in Tirana
DAY_BEFORE, TWO_HOURS_BEFORE = STARTS - timedelta(hours=24), STARTS - timedelta(hours=2)


class Clock:
    """The app's clock, frozen at a time the test moves."""

    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


@pytest.fixture
def clock(app):
    app.config["CLOCK"] = frozen = Clock(NOW)
    return frozen


@pytest.fixture
def subscribed(app, people, push_service):
    browser = push_service.browser()
    push_services.save_subscription(db.session, people.lulja, browser.endpoint, browser.p256dh, browser.auth_b64, NOW)
    db.session.commit()
    return browser


def _post_json(client, url, body):
    page = client.get("/no-such-page").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    return client.post(url, json=body, headers={"X-CSRFToken": token}, no_csrf=True)


def _run_worker(app, clock, at):
    clock.at = at
    return app.test_cli_runner().invoke(args=["worker", "--once"])


def _deliver(app, at):
    vapid = load_vapid(app.config["VAPID_PRIVATE_KEY_FILE"])
    return push_services.deliver_due_messages(db.session, at, vapid, "mailto:test@dera.invalid")


def test_a_scheduled_appointment_reminds_her_phone_with_neutral_text(app, client, people, login_as, push_service, clock):
    browser = push_service.browser()
    login_as(people.lulja)
    assert _post_json(client, "/push/subscriptions", browser.subscription_json()).status_code == 201
    login_as(people.arta)
    form = {"day": "2026-05-12", "time": "14:30", "title": "Vizitë te mjeku", "place": "Rruga e Kavajës 5"}
    assert client.post(f"/console/people/{people.lulja.id}/appointments/new", data=form).status_code == 302
    result = _run_worker(app, clock, DAY_BEFORE + timedelta(minutes=1))
    assert result.exit_code == 0, result.output
    received = browser.received()[0]
    assert received.headers["content-encoding"] == "aes128gcm" and b"nes" not in received.body
    appointment_id = db.session.scalar(select(AppointmentReminder.appointment_id))
    message_id = db.session.scalar(select(PushMessage.id))
    assert browser.messages() == [{
        "title": "Dera", "body": "Ke një kujtesë: nesër, ora 14:30", "url": f"/appointments/{appointment_id}",
        "tag": f"reminder-{appointment_id}", "id": message_id,
    }]


def test_the_text_never_carries_place_person_or_title(app, people, subscribed, clock):
    factories.appointment(people.lulja, STARTS, title="Vizitë te mjeku", place="Rruga e Kavajës", now=NOW)
    _run_worker(app, clock, TWO_HOURS_BEFORE)
    text = str(subscribed.messages())
    for secret in ("mjeku", "Kavaj", "Lulja", "Arta", "Vizit"):
        assert secret not in text


def test_the_reminder_is_in_her_language(app, people, subscribed, clock):
    people.lulja.locale = "en"
    db.session.commit()
    factories.appointment(people.lulja, STARTS, now=NOW)
    _run_worker(app, clock, TWO_HOURS_BEFORE)
    assert subscribed.messages()[0]["body"] == "You have a reminder: today at 14:30"


def test_ttl_lasts_until_the_start_and_the_near_reminder_is_urgent(app, people, subscribed, clock):
    factories.appointment(people.lulja, STARTS, now=NOW)
    _run_worker(app, clock, TWO_HOURS_BEFORE)
    headers = subscribed.received()[0].headers
    assert headers["ttl"] == str(2 * 3600) and headers["urgency"] == "high"


def test_nothing_goes_before_its_time(app, people, subscribed, clock):
    factories.appointment(people.lulja, STARTS, now=NOW)
    _run_worker(app, clock, DAY_BEFORE - timedelta(minutes=1))
    assert subscribed.messages() == []


def test_each_offset_reminds_once(app, people, subscribed, clock):
    factories.appointment(people.lulja, STARTS, now=NOW)
    for at in (DAY_BEFORE, DAY_BEFORE + timedelta(minutes=1), TWO_HOURS_BEFORE, TWO_HOURS_BEFORE + timedelta(minutes=1)):
        _run_worker(app, clock, at)
    assert [m["body"] for m in subscribed.messages()] == ["Ke një kujtesë: nesër, ora 14:30", "Ke një kujtesë: sot, ora 14:30"]
    assert db.session.scalars(select(AppointmentReminder.status)).all() == ["sent", "sent"]


def test_a_reminder_is_never_sent_late(app, people, subscribed):
    factories.appointment(people.lulja, STARTS, now=NOW)
    counts = services.send_due_reminders(db.session, STARTS + timedelta(minutes=1))
    assert counts == {"sent": 0, "skipped": 2, "failed": 0}
    assert db.session.scalar(select(func.count(PushMessage.id))) == 0


def test_when_two_are_due_at_once_only_the_nearer_goes(app, people, subscribed):
    factories.appointment(people.lulja, STARTS, now=NOW)
    assert services.send_due_reminders(db.session, TWO_HOURS_BEFORE + timedelta(minutes=30)) == {"sent": 1, "skipped": 1, "failed": 0}
    _deliver(app, TWO_HOURS_BEFORE + timedelta(minutes=30))
    assert [m["body"] for m in subscribed.messages()] == ["Ke një kujtesë: sot, ora 14:30"]


@pytest.mark.parametrize("answer", ["cancelled_at", "cant_come_at"])
def test_no_reminder_for_a_cancelled_appointment_or_when_she_cannot_come(app, people, subscribed, answer):
    appointment = factories.appointment(people.lulja, STARTS, now=NOW)
    setattr(appointment, answer, NOW)
    db.session.commit()
    assert services.send_due_reminders(db.session, DAY_BEFORE) == {"sent": 0, "skipped": 1, "failed": 0}


def test_with_reminders_off_the_reminder_is_skipped(app, people):
    factories.appointment(people.lulja, STARTS, now=NOW)
    assert services.send_due_reminders(db.session, DAY_BEFORE) == {"sent": 0, "skipped": 1, "failed": 0}
    assert db.session.scalar(select(AppointmentReminder.status).where(AppointmentReminder.offset_minutes == 24 * 60)) == "skipped"


def test_a_410_removes_the_subscription(app, people, subscribed, clock):
    subscribed.answer_next(410)
    factories.appointment(people.lulja, STARTS, now=NOW)
    _run_worker(app, clock, TWO_HOURS_BEFORE)
    assert db.session.scalar(select(func.count(PushSubscription.id))) == 0
    assert subscribed.messages() == []


def test_a_500_is_retried_through_the_outbox(app, people, subscribed, clock):
    subscribed.answer_next(500)
    factories.appointment(people.lulja, STARTS, now=NOW)
    _run_worker(app, clock, TWO_HOURS_BEFORE)
    assert subscribed.messages() == [] and db.session.scalar(select(PushMessage.status)) == "retry"
    _run_worker(app, clock, TWO_HOURS_BEFORE + timedelta(seconds=31))
    assert [m["body"] for m in subscribed.messages()] == ["Ke një kujtesë: sot, ora 14:30"]


def test_two_dispatchers_at_once_send_each_reminder_exactly_once(app, people, subscribed):
    for n in range(10):
        factories.appointment(people.lulja, STARTS + timedelta(minutes=5 * n), now=NOW)
    at = STARTS - timedelta(hours=1)  # every 2-hour reminder is due and none is late

    def dispatch():
        services.send_due_reminders(db.session, at, limit=3)
        services.send_due_reminders(db.session, at, limit=50)

    at_once(app, dispatch)
    sent = db.session.scalars(select(AppointmentReminder.appointment_id).where(AppointmentReminder.status == "sent")).all()
    assert len(sent) == len(set(sent)) == 10
    assert db.session.scalar(select(func.count(PushMessage.id))) == 10
    _deliver(app, at)
    assert len(subscribed.messages()) == 10


def _deliver_fed(app, at, feed):
    vapid = load_vapid(app.config["VAPID_PRIVATE_KEY_FILE"])
    return push_services.deliver_due_messages(db.session, at, vapid, "mailto:test@dera.invalid", limit=2, feed=feed)


def test_the_first_reminders_go_out_while_the_later_ones_are_still_decided(app, people, subscribed):
    for n in range(6):
        factories.appointment(people.lulja, STARTS + timedelta(minutes=5 * n), now=NOW)
    at = STARTS - timedelta(hours=1)  # both reminders of each are due: the 2-hour one goes, the day-before one is skipped
    feed = services.ReminderFeed(limit=2)
    taken_before = []  # push messages already claimed for sending each time the feed decides a batch

    def watched(session, now):
        taken_before.append(session.scalar(select(func.count(PushMessage.id)).where(
            (PushMessage.claimed_by.is_not(None)) | (PushMessage.status != "queued"))))
        return feed(session, now)

    counts = _deliver_fed(app, at, watched)
    assert counts["sent"] == 6 and feed.counts == {"sent": 6, "skipped": 6, "failed": 0}
    assert len(subscribed.messages()) == 6
    assert len(taken_before) == 7  # six full batches of two, and the empty one that ends the feed
    assert taken_before[0] == 0  # the first batch is decided before anything is sent
    assert taken_before[1] == 1  # its push is claimed at once, before the second batch is decided
    assert db.session.scalars(select(AppointmentReminder.status).order_by(AppointmentReminder.id)).all() == ["skipped", "sent"] * 6


def test_a_rounds_first_batch_is_small_and_each_next_twice_the_last(app, people, subscribed):
    """The first push goes out once a few reminders are decided, not a full batch."""
    for n in range(12):
        factories.appointment(people.lulja, STARTS + timedelta(minutes=5 * n), now=NOW)
    at = STARTS - timedelta(hours=1)  # 24 reminders due: the 2-hour ones go, the day-before ones are skipped
    feed = services.ReminderFeed(limit=8, first=2)
    sizes = []

    def watched(session, now):
        before = sum(feed.counts.values())
        more = feed(session, now)
        sizes.append(sum(feed.counts.values()) - before)
        return more

    _deliver_fed(app, at, watched)
    assert sizes == [2, 4, 8, 8, 2]
    assert len(subscribed.messages()) == 12


def test_a_reminder_that_cannot_be_made_fails_alone(app, people, subscribed):
    other = factories.survivor(people.lulja.case_manager, nickname="Drita")
    push_services.save_subscription(db.session, other, "https://push.invalid/drita", subscribed.p256dh, subscribed.auth_b64, NOW)
    other.locale = "zz"  # no such language: her text cannot be made
    factories.appointment(people.lulja, STARTS, now=NOW)
    factories.appointment(other, STARTS, now=NOW)
    counts = services.send_due_reminders(db.session, TWO_HOURS_BEFORE)
    assert counts == {"sent": 1, "skipped": 2, "failed": 1}
    statuses = db.session.execute(select(AppointmentReminder.offset_minutes, AppointmentReminder.status)
                                  .order_by(AppointmentReminder.appointment_id, AppointmentReminder.offset_minutes)).all()
    assert [status for _, status in statuses] == ["sent", "skipped", "failed", "skipped"]
    assert db.session.scalar(select(func.count(PushMessage.id))) == 1


def test_two_workers_feeding_and_sending_at_once_deliver_each_reminder_once(app, people, subscribed):
    for n in range(12):
        factories.appointment(people.lulja, STARTS + timedelta(minutes=5 * n), now=NOW)
    at = STARTS - timedelta(hours=1)

    def work():
        feed = services.ReminderFeed(limit=3)
        _deliver_fed(app, at, feed)
        return feed.counts["sent"]

    decided = at_once(app, work)
    assert sum(decided) == 12
    assert sorted(m["url"] for m in subscribed.messages()) == sorted({m["url"] for m in subscribed.messages()})
    assert len(subscribed.messages()) == 12


def test_a_round_sends_what_another_worker_queued_after_it_began(app, people, subscribed):
    """Each claim takes what is due by then: a message another worker queued during this round goes in this round."""
    start = utcnow()
    state = {"calls": 0}

    def another_worker(session, now):
        state["calls"] += 1
        if state["calls"] == 2:  # during the round: queued "later" than the round began
            time.sleep(0.02)
            push_services.queue_notification(session, people.lulja, {"body": "x"}, now + timedelta(milliseconds=5))
        return state["calls"] < 3

    counts = _deliver_fed(app, start, another_worker)
    assert counts["sent"] == 1 and len(subscribed.messages()) == 1


def test_the_worker_round_counts_the_reminders_with_the_push(app, people, subscribed, clock):
    factories.appointment(people.lulja, STARTS, now=NOW)
    result = _run_worker(app, clock, TWO_HOURS_BEFORE + timedelta(minutes=1))
    assert "'sent': 1" in result.output and "'reminders_sent': 1" in result.output and "'reminders_skipped': 1" in result.output


def test_a_reminder_remade_while_a_worker_holds_it_is_not_sent_for_the_old_time(app, people, subscribed):
    appointment = factories.appointment(people.lulja, STARTS, now=NOW)
    held = claim(db.session, AppointmentReminder, AppointmentReminder.offset_minutes == 120, TWO_HOURS_BEFORE)[0]
    token = held.claimed_by
    services.change_appointment(db.session, appointment, STARTS + timedelta(days=1), "Takim", "Zyra", TWO_HOURS_BEFORE)
    db.session.commit()
    assert services._finish(db.session, [held.id], token, "sent", TWO_HOURS_BEFORE) == set()
    db.session.commit()
    assert db.session.scalar(select(AppointmentReminder.status).where(AppointmentReminder.offset_minutes == 120)) == "queued"


def test_a_reminder_carries_its_appointments_topic(app, people, subscribed, clock):
    appointment = factories.appointment(people.lulja, STARTS, now=NOW)
    _run_worker(app, clock, TWO_HOURS_BEFORE)
    assert subscribed.received()[0].headers["topic"] == f"reminder-{appointment.id}"


def test_a_retried_reminders_ttl_is_the_time_left_until_the_start(app, people, subscribed, clock):
    subscribed.answer_next(500)
    factories.appointment(people.lulja, STARTS, now=NOW)
    _run_worker(app, clock, TWO_HOURS_BEFORE)
    _run_worker(app, clock, TWO_HOURS_BEFORE + timedelta(minutes=10))
    assert subscribed.received()[0].headers["ttl"] == str(110 * 60)


def test_a_reminder_still_queued_when_the_appointment_starts_is_dropped_and_counted(app, people, subscribed, clock):
    subscribed.answer_next(503, retry_after=3 * 3600)
    factories.appointment(people.lulja, STARTS, now=NOW)
    _run_worker(app, clock, TWO_HOURS_BEFORE)
    result = _run_worker(app, clock, TWO_HOURS_BEFORE + timedelta(hours=3, minutes=1))  # when the push service said to retry
    assert "'expired': 1" in result.output
    assert subscribed.messages() == []
    assert db.session.scalar(select(PushMessage.status)) == "expired"


# At the push library's speed ---------------------------------------------------------------

def _statements(app, run):
    """SQL statements and commits that ``run()`` costs."""
    from sqlalchemy import event

    seen = {"statements": 0, "commits": 0}

    def statement(*_):
        seen["statements"] += 1

    def commit(*_):
        seen["commits"] += 1

    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(db.engine, "commit", commit)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(db.engine, "commit", commit)
    return seen


@pytest.mark.parametrize("count", [4, 12])
def test_a_batch_costs_the_same_statements_and_two_commits_whatever_its_size(app, people, subscribed, count):
    """Claimed and loaded with what it needs, queued in one insert: nothing per reminder.

    Two commits: the claim's, before the batch is decided (no write lock held meanwhile), and the outcomes'.
    """
    for n in range(count):
        factories.appointment(people.lulja, STARTS + timedelta(minutes=5 * n), now=NOW)
    at = STARTS - timedelta(hours=1)  # every 2-hour reminder is due
    seen = _statements(app, lambda: services.send_due_reminders(db.session, at, limit=50))
    assert db.session.scalar(select(func.count(PushMessage.id))) == count
    # The claim, the load, the two outcomes and the outbox insert: five statements, two commits.
    assert seen == {"statements": 5, "commits": 2}


def test_other_workers_can_write_while_a_batch_is_loaded_and_decided(app, people, subscribed):
    """SQLite has one writer: a round decides each batch of reminders before it writes anything, answers included.

    Two sends at a time and claims of two, so every claim after the first comes with answers to write;
    each time the batch is read, another connection must be able to take the write lock at once.
    """
    import sqlite3

    from sqlalchemy import event

    if db.engine.dialect.name != "sqlite":
        pytest.skip("one writer at a time is SQLite's rule")
    for n in range(6):
        factories.appointment(people.lulja, STARTS + timedelta(minutes=5 * n), now=NOW)
    # A held lock is an error at once; the round uses the database from a thread of its own.
    other = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None, check_same_thread=False)
    could_write = []

    def before_read(conn, cursor, statement, *_):
        if statement.lstrip().upper().startswith("SELECT"):
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                could_write.append(True)
            except sqlite3.OperationalError:
                could_write.append(False)

    feed = services.ReminderFeed(limit=2)
    vapid = load_vapid(app.config["VAPID_PRIVATE_KEY_FILE"])
    event.listen(db.engine, "before_cursor_execute", before_read)
    try:
        counts = push_services.deliver_due_messages(db.session, STARTS - timedelta(hours=1), vapid, "mailto:test@dera.invalid",
                                                    limit=2, at_once=2, feed=feed)
    finally:
        event.remove(db.engine, "before_cursor_execute", before_read)
        other.close()
    assert counts["sent"] == 6 and feed.counts["sent"] == 6
    assert len(could_write) >= 4 and all(could_write), could_write


def test_a_round_that_runs_out_of_time_with_more_due_says_so_and_the_worker_goes_on_at_once(app, people, subscribed):
    from pwa.worker import pause

    for n in range(6):
        factories.appointment(people.lulja, STARTS + timedelta(minutes=5 * n), now=NOW)
    at = STARTS - timedelta(hours=1)
    # Each appointment has two reminders due; only the nearer goes.
    counts = services.send_due_reminders(db.session, at, limit=2, budget=0)
    assert counts == {"sent": 1, "skipped": 1, "failed": 0, "more": 1}
    assert pause({"escalate_help": {"escalated": 0}, "deliver_push": counts}, 15) == 0
    counts = services.send_due_reminders(db.session, at, limit=50, budget=0)
    assert counts == {"sent": 5, "skipped": 5, "failed": 0}  # a short batch: nothing more is due
    assert pause({"escalate_help": {"escalated": 0}, "deliver_push": counts}, 15) == 15
