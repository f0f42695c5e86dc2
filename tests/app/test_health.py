"""GET /healthz: the database, the schema, the worker's last round, the push backlog."""
import json
import logging
import re
from datetime import timedelta

from sqlalchemy import text

from pwa import create_app
from pwa.health import _latest_migrations
from pwa.extensions import db
from pwa.models import PushMessage, utcnow
from pwa.push import services as push_services
from pwa.worker import run_round, worker_name
from tests.conftest import ROOT, app_config


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


def _migrated(app):
    """Mark the schema (built from the models by the tests) as at the latest migration."""
    heads = _latest_migrations(str(ROOT / "migrations"))
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        for head in heads:
            connection.execute(text("INSERT INTO alembic_version VALUES (:head)"), {"head": head})


def test_healthz_reports_ok_while_the_worker_runs(app, client, org):
    _migrated(app)
    run_round(worker_name(), 15)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {
        "status": "ok", "database": "ok", "schema": "current", "worker": "running",
        "worker_last_round_seconds_ago": 0, "push_backlog": 0,
    }


def test_healthz_goes_503_when_the_worker_stops_and_back_to_200_when_it_returns(app, client, org):
    _migrated(app)
    app.config["CLOCK"] = clock = Clock(utcnow())
    assert client.get("/healthz").json["worker"] == "never ran"
    assert client.get("/healthz").status_code == 503
    name = worker_name()
    run_round(name, 15)
    clock.at += timedelta(seconds=44)
    assert client.get("/healthz").status_code == 200
    clock.at += timedelta(seconds=2)  # three 15-second rounds missed
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["worker"] == "stopped" and response.json["worker_last_round_seconds_ago"] == 46
    run_round(name, 15)
    assert client.get("/healthz").status_code == 200


def test_a_slow_worker_is_judged_by_its_own_interval(app, client, org):
    _migrated(app)
    app.config["CLOCK"] = clock = Clock(utcnow())
    run_round(worker_name(), 60)
    clock.at += timedelta(seconds=150)
    assert client.get("/healthz").status_code == 200


def test_healthz_is_503_while_migrations_are_pending(app, client, org):
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))  # never migrated
    run_round(worker_name(), 15)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["schema"] == "pending"
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('1c6d2e254960')"))  # an old revision
    assert client.get("/healthz").json["schema"] == "pending"
    _migrated(app)
    assert client.get("/healthz").status_code == 200


def test_the_push_backlog_is_counted_and_nothing_personal_is_shown(app, client, people, push_service):
    _migrated(app)
    browser = push_service.browser()
    push_services.save_subscription(db.session, people.lulja, browser.endpoint, browser.p256dh, browser.auth_b64, utcnow())
    push_services.queue_notification(db.session, people.lulja, {"body": "Ke një kujtesë"}, utcnow())
    db.session.commit()
    app.config["VAPID_PRIVATE_KEY_FILE"] = "/nonexistent"  # the worker beats but cannot send
    run_round(worker_name(), 15)
    response = client.get("/healthz")
    assert response.json["push_backlog"] == 1
    body = response.get_data(as_text=True)
    for secret in ("kujtes", "127.0.0.1", people.lulja.nickname, "Dera"):
        assert secret not in body
    assert db.session.query(PushMessage).count() == 1


def test_the_worker_logs_one_line_of_counts_per_round(app, people, push_service, caplog):
    browser = push_service.browser()
    push_services.save_subscription(db.session, people.lulja, browser.endpoint, browser.p256dh, browser.auth_b64, utcnow())
    push_services.queue_notification(db.session, people.lulja, {"body": "Ke një kujtesë"}, utcnow())
    db.session.commit()
    with caplog.at_level(logging.INFO, logger="dera.worker"):
        run_round(worker_name(), 15)
    lines = [record.getMessage() for record in caplog.records if record.name == "dera.worker"]
    assert len(lines) == 1
    assert re.fullmatch(r"worker round \d+\.\d\ds .*deliver_push\.sent=1.*", lines[0])
    assert "kujtes" not in lines[0] and "127.0.0.1" not in lines[0] and "push/" not in lines[0]
    beat = db.session.execute(text("SELECT last_round FROM worker_heartbeat")).scalar()
    assert json.loads(beat)["deliver_push"]["sent"] == 1


def test_healthz_reports_a_broken_database(tmp_path):
    app = create_app(app_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/none.sqlite"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "unavailable"


def test_healthz_on_a_database_never_migrated_says_so(tmp_path):
    app = create_app(app_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/empty.sqlite"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["schema"] == "pending" and response.json["worker"] == "unknown"


def test_the_latest_migrations_are_read_as_alembic_reads_them(tmp_path):
    """/healthz finds the heads without importing Alembic; Alembic finds the same ones, merges included."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    def heads(directory):
        config = Config()
        config.set_main_option("script_location", str(directory))
        return frozenset(ScriptDirectory.from_config(config).get_heads())

    shipped = ROOT / "migrations"
    assert _latest_migrations(str(shipped)) == heads(shipped) and len(heads(shipped)) == 1
    # Two branches, then a merge of them (typed assignments, as newer Alembic templates write them), then a branch left open.
    (tmp_path / "versions").mkdir()
    (tmp_path / "script.py.mako").write_text((shipped / "script.py.mako").read_text())
    for revision, down in [("a1", None), ("b1", "'a1'"), ("c1", "'a1'"), ("d1", "('b1', 'c1')"), ("e1", "'a1'")]:
        (tmp_path / "versions" / f"{revision}_x.py").write_text(
            f'"""x"""\nrevision: str = \'{revision}\'\ndown_revision = {down}\nbranch_labels = None\n\n'
            "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n"
        )
    assert _latest_migrations(str(tmp_path)) == heads(tmp_path) == {"d1", "e1"}
