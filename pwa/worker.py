"""The worker: ``flask --app pwa worker`` runs the background tasks in a loop.

Every task is safe to run in several worker processes at once (see
``pwa/jobs.py``). Features add their task to ``TASKS``.
"""
from __future__ import annotations

import logging
import time

import click
from flask import current_app

from .clock import now
from .extensions import db

log = logging.getLogger("dera.worker")


def deliver_push(session, at):
    """Send queued web push messages."""
    from .push.keys import load_vapid
    from .push.services import deliver_due_messages

    config = current_app.config
    return deliver_due_messages(session, at, load_vapid(config["VAPID_PRIVATE_KEY_FILE"]), config["VAPID_SUBJECT"])


def send_reminders(session, at):
    """Queue the push reminders of appointments that are due."""
    from .appointments.services import send_due_reminders

    return send_due_reminders(session, at, default_locale=current_app.config["BABEL_DEFAULT_LOCALE"])
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
    session.commit()
    return counts


# Reminders and escalation first, so that the push they queue goes out in the same round.
TASKS = [send_reminders, escalate_help, deliver_push, purge]


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


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every task once and stop (for cron or tests).")
@click.option("--interval", default=15, show_default=True, help="Seconds between rounds.")
def worker_command(once: bool, interval: int) -> None:
    """Send push messages and reminders, escalate requests, and purge old records."""
    while True:
        results = run_once()
        if once:
            click.echo(" ".join(f"{name}={counts}" for name, counts in results.items()))
            return
        time.sleep(interval)
