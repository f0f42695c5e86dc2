"""GET /healthz: is Dera up, its schema current, its worker running, its push outbox moving?

Four small queries, counts and ages only: nothing about any person. It answers
503 when the database does not answer, when migrations are pending, or when no
worker has finished a round for three of its intervals (reminders and
escalations would silently stop).
"""
from __future__ import annotations

import os
from functools import lru_cache

from flask import Blueprint, current_app, jsonify
from sqlalchemy import select, text

from .clock import now
from .extensions import db
from .models import WorkerHeartbeat

bp = Blueprint("health", __name__)

# A worker that has not finished a round for this many of its intervals is reported stopped.
MISSED_ROUNDS = 3


@lru_cache(maxsize=4)
def _latest_migrations(directory: str) -> frozenset[str]:
    """The head revisions of the migrations shipped with this code (read once per process)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _schema() -> str:
    directory = os.path.join(os.path.dirname(current_app.root_path), "migrations")
    try:
        applied = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception:  # no alembic_version table: the schema was never migrated
        db.session.rollback()
        applied = set()
    return "current" if applied == _latest_migrations(directory) else "pending"


def _worker(at) -> tuple[str, int | None]:
    newest = db.session.execute(
        select(WorkerHeartbeat.beat_at, WorkerHeartbeat.interval_seconds).order_by(WorkerHeartbeat.beat_at.desc()).limit(1)
    ).first()
    if newest is None:
        return "never ran", None
    age = max(0, int((at - newest.beat_at).total_seconds()))
    return ("running" if age <= MISSED_ROUNDS * newest.interval_seconds else "stopped"), age


@bp.get("/healthz")
def healthz():
    """200 when all is well, 503 with what is wrong; the same JSON either way."""
    from .push.services import backlog

    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # the database is down or unreachable: say so, do not crash
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    at = now()
    schema = _schema()
    try:
        worker, age = _worker(at)
        push_backlog = backlog(db.session, at)
    except Exception:  # tables missing on a database not migrated yet: the schema says why
        db.session.rollback()
        worker, age, push_backlog = "unknown", None, None
    body = {
        "database": "ok",
        "schema": schema,
        "worker": worker,
        "worker_last_round_seconds_ago": age,
        "push_backlog": push_backlog,
    }
    db.session.rollback()  # read only: end the transaction
    healthy = schema == "current" and worker == "running"
    return jsonify(status="ok" if healthy else "unavailable", **body), 200 if healthy else 503

