"""GET /healthz: is Dera up, its schema current, its worker running, its push outbox moving?

Four small queries, counts and ages only: nothing about any person. It answers
503 when the database does not answer, when migrations are pending, or when no
worker has finished a round for three of its intervals (reminders and
escalations would silently stop).
"""
from __future__ import annotations

import ast
import os
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import select, text

from .clock import now
from .extensions import db
from .models import WorkerHeartbeat

bp = Blueprint("health", __name__)

# A worker that has not finished a round for this many of its intervals is reported stopped.
MISSED_ROUNDS = 3


# ``revision = '…'`` and ``down_revision = '…'`` (or None, or a tuple for a merge), as Alembic writes them.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


@lru_cache(maxsize=4)
def _latest_migrations(directory: str) -> frozenset[str]:
    """The head revisions of the migrations shipped with this code (read once per process).

    Read from the scripts' ``revision`` lines rather than through Alembic, which a web process
    would otherwise import for this alone.
    """
    revisions, replaced = set(), set()
    for script in Path(directory, "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            value = ast.literal_eval(value)
            if name == "revision":
                revisions.add(value)
            else:
                replaced.update([value] if isinstance(value, str) else value or ())
    return frozenset(revisions - replaced)


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

