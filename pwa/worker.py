"""The worker: ``flask --app pwa worker`` runs the background tasks in a loop.

Every task is safe to run in several worker processes at once (see
``pwa/jobs.py``). Features add their task to ``TASKS``. A round in which a
task stopped with more still due is followed by the next at once; otherwise
the worker waits its interval, looking every second whether a push message or
a reminder fell due meanwhile, and at once when another process commits work
(a help request's push goes out within a moment, whatever the interval). After
each round the worker records a heartbeat (``/healthz`` reads it) and logs one
line of counts: never an address, a message body or a note.
"""
from __future__ import annotations

import gc
import json
import logging
import math
import os
import secrets
import socket
import time
from datetime import timedelta

import click
from flask import current_app
from sqlalchemy import delete, update

from .clock import now
from .extensions import db
from .models import WorkerHeartbeat

log = logging.getLogger("dera.worker")


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["WORKER_LEASE_SECONDS"])


def deliver_push(session, at):
    """Decide the reminders that fall due and send the queued web push.

    The reminders are decided a batch at a time in delivery's own transactions, so
    their push goes out while the later ones are still being decided; their counts
    are ``reminders_sent``, ``reminders_skipped`` and ``reminders_failed``.
    """
    from .appointments.services import ReminderFeed, send_due_reminders
    from .push.keys import load_vapid
    from .push.services import deliver_due_messages

    config = current_app.config
    vapid = load_vapid(config["VAPID_PRIVATE_KEY_FILE"])
    if vapid is None:
        # Nothing can be sent: the reminders are still decided, and their push waits for a key like the rest.
        counts, decided = {}, send_due_reminders(session, at, default_locale=config["BABEL_DEFAULT_LOCALE"], lease=_lease())
    else:
        reminders = ReminderFeed(config["BABEL_DEFAULT_LOCALE"], _lease())
        counts = deliver_due_messages(session, at, vapid, config["VAPID_SUBJECT"], lease=_lease(), at_once=config["PUSH_AT_ONCE"], feed=reminders)
        decided = reminders.counts
    return counts | {name if name == "more" else f"reminders_{name}": count for name, count in decided.items()}


def escalate_help(session, at):
    """Send help requests nobody saw in time to the duty queue."""
    from .help.services import escalate_overdue_requests

    return {"escalated": escalate_overdue_requests(session, at)}


def purge(session, at):
    """Delete records past their retention period."""
    from .push.services import purge_old_messages
    from .retention import purge_expired_records

    counts = purge_expired_records(session, at, current_app.config["AUDIT_RETENTION_DAYS"])
    counts["push_messages"] = purge_old_messages(session, at)
    # A worker that has not beaten for a day is gone (stopped or replaced); forget it.
    counts["heartbeats"] = session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < at - timedelta(days=1))).rowcount
    session.commit()
    return counts


# Escalation first, so that the push it queues goes out in the same round.
TASKS = [escalate_help, deliver_push, purge]


def run_once() -> dict[str, dict]:
    """Run every task once; a failing task is logged and does not stop the others."""
    results = {}
    for task in TASKS:
        try:
            results[task.__name__] = task(db.session, now())
            db.session.commit()
        except Exception:  # keep the worker alive; the error is in the log
            db.session.rollback()
            log.exception("worker task %s failed", task.__name__)
            results[task.__name__] = {"error": 1}
    return results


def worker_name() -> str:
    """This process, as the heartbeat names it: host, process id and a random part."""
    return f"{socket.gethostname()[:20]}-{os.getpid()}-{secrets.token_hex(3)}"


def summary(results: dict[str, dict]) -> str:
    """The round's counts on one line, leaving out the zeros: ``deliver_push.sent=3 deliver_push.reminders_sent=3``."""
    parts = [f"{task}.{name}={count}" for task, counts in results.items() for name, count in counts.items() if count]
    return " ".join(parts) or "nothing to do"


def beat(session, name: str, interval: int, results: dict[str, dict], seconds: float) -> None:
    """Record that this worker finished a round, with its counts (no personal data)."""
    at = now()
    last_round = json.dumps({"seconds": round(seconds, 3), **results}, separators=(",", ":"))[:2000]
    changed = session.execute(
        update(WorkerHeartbeat).where(WorkerHeartbeat.worker == name)
        .values(beat_at=at, rounds=WorkerHeartbeat.rounds + 1, interval_seconds=interval, last_round=last_round)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        session.add(WorkerHeartbeat(worker=name, started_at=at, beat_at=at, rounds=1, interval_seconds=interval, last_round=last_round))
    session.commit()


def run_round(name: str, interval: float) -> dict[str, dict]:
    """One round: every task, then the heartbeat and the log line."""
    started = time.monotonic()
    results = run_once()
    seconds = time.monotonic() - started
    try:
        beat(db.session, name, max(1, math.ceil(interval)), results, seconds)
    except Exception:  # the database is down: the missing heartbeat is what /healthz reports
        db.session.rollback()
        log.exception("worker heartbeat failed")
    log.info("worker round %.2fs %s", seconds, summary(results))
    return results


# While a worker waits for its next round, it looks this often (seconds) whether a push message or a
# reminder fell due meanwhile (a reminder falls due as time passes, with nothing written).
LOOK_EVERY = 1.0
# And it looks at once when another process commits work (a help request's push, say): on SQLite it
# reads the database's change counter this often (seconds; microseconds each, no table touched).
WATCH_EVERY = 0.02


def work_is_due(session, at) -> bool:
    """Whether a push message that can be sent now, or a reminder, is due: one small query each."""
    from .appointments.services import due_reminders
    from .jobs import any_claimable
    from .models import AppointmentReminder, PushMessage
    from .push.keys import load_vapid
    from .push.services import due_messages

    lease = _lease()
    checks = [(AppointmentReminder, due_reminders(at))]
    if load_vapid(current_app.config["VAPID_PRIVATE_KEY_FILE"]) is not None:  # without a key, nothing can be sent
        checks.append((PushMessage, due_messages(at)))
    try:
        return any(any_claimable(session, model, due, at, lease) for model, due in checks)
    finally:
        session.rollback()  # hold no transaction while waiting


class Changes:
    """Tells a waiting worker that another connection committed to the database, without a query on Dera's tables.

    On its own connection: on PostgreSQL it listens on ``WORK_CHANNEL``, which a transaction
    that queues work signals at its commit; on SQLite it reads ``PRAGMA data_version``, which
    changes when any other connection commits. When the database cannot be reached it only
    waits (the looks every ``LOOK_EVERY`` still run) and connects again at the next wait.
    """

    def __init__(self, engine):
        self.engine = engine
        self.listens = engine.dialect.name == "postgresql"  # else SQLite's change counter is read
        self.connection = None
        self.version = None

    def _connect(self):
        from .models.push import WORK_CHANNEL

        arguments, options = self.engine.dialect.create_connect_args(self.engine.url)
        connection = self.engine.dialect.connect(*arguments, **options)
        if self.listens:
            connection.autocommit = True
            connection.execute(f"LISTEN {WORK_CHANNEL}")
        return connection

    def _data_version(self) -> int:
        return self.connection.execute("PRAGMA data_version").fetchone()[0]

    def begin(self) -> None:
        """From now on, count what other connections commit."""
        try:
            if self.connection is None:
                self.connection = self._connect()
            if self.listens:
                for _ in self.connection.notifies(timeout=0):  # signals from before this wait are spent
                    pass
            else:
                self.version = self._data_version()
        except Exception:
            self.close()

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds``; whether something was committed meanwhile (then at once)."""
        deadline = time.monotonic() + seconds
        try:
            if self.connection is None:
                raise ConnectionError("no connection to watch")
            if self.listens:
                return any(True for _ in self.connection.notifies(timeout=max(0.0, seconds), stop_after=1))
            while True:
                if (version := self._data_version()) != self.version:
                    self.version = version
                    return True
                if (left := deadline - time.monotonic()) <= 0:
                    return False
                time.sleep(min(WATCH_EVERY, left))
        except Exception:
            self.close()
            time.sleep(max(0.0, deadline - time.monotonic()))
            return False

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # already gone
                pass


def wait_for_work(seconds: float, look_every: float = LOOK_EVERY, changes: Changes | None = None) -> None:
    """Wait ``seconds``, or less when work falls due meanwhile.

    It looks every ``look_every`` seconds, and at once when another process commits (``changes``,
    the worker's own watch; without one, a watch made for this wait).
    """
    if seconds <= 0:
        return
    watch = changes or Changes(db.engine)
    try:
        watch.begin()
        deadline = time.monotonic() + seconds
        next_look = time.monotonic() + look_every
        while (left := deadline - time.monotonic()) > 0:
            committed = watch.wait(min(left, next_look - time.monotonic()))
            if not committed and time.monotonic() < next_look:
                continue  # the wait is over
            next_look = time.monotonic() + look_every
            try:
                if work_is_due(db.session, now()):
                    return
            except Exception:  # the database is down (the look has rolled back): the round after the wait logs it
                continue
    finally:
        if changes is None:
            watch.close()


def pause(results: dict[str, dict], interval: float) -> float:
    """Seconds to wait before the next round: none while a task stopped with more due (a full batch at its time budget)."""
    return 0 if any(counts.get("more") for counts in results.values()) else interval


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every task once and stop (for cron or tests).")
@click.option("--interval", default=None, type=float, help="Seconds between rounds (default: DERA_WORKER_INTERVAL, 15).")
def worker_command(once: bool, interval: float | None) -> None:
    """Send push messages and reminders, escalate requests, and purge old records."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log.setLevel(logging.INFO)
    interval = interval or current_app.config["WORKER_INTERVAL"]
    from . import i18n
    from .push.sender import preload

    preload()  # the first push of a fresh worker (a help request, say) goes out without waiting for imports
    i18n.preload(current_app.config["LANGUAGES"])  # and the first reminders' text without waiting for the catalogs
    # What lives as long as the process (modules, the app, the push library) moves out of the cycle
    # collector's way: otherwise each full collection walks it all again, a pause of 50-100 ms in
    # the middle of a burst of reminders. (No collection first: it would cost as much, once, at start.)
    gc.freeze()
    name = worker_name()
    changes = Changes(db.engine)
    try:
        while True:
            results = run_round(name, interval)
            if once:
                click.echo(" ".join(f"{task}={counts}" for task, counts in results.items()))
                return
            wait_for_work(pause(results, interval), changes=changes)
    finally:
        changes.close()
