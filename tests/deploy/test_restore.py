"""The restore drill: a nightly dump restored into a new database serves both sign-ins and reads the notes."""
import os
import subprocess

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from pwa import create_app
from pwa.cli import migrations
from pwa.extensions import db
from pwa.help import services as help_services
from pwa.models import Staff, Survivor, utcnow
from tests import factories
from tests.conftest import PageCheckingClient, app_config

from .stack import ROOT, free_port

pytestmark = pytest.mark.deploy
NOTE = "Më duhet një vend për të fjetur sonte"


@pytest.fixture
def postgres():
    """A PostgreSQL server of its own (the drill drops and creates databases)."""
    env = {**os.environ, "DERA_TEST_PG_PORT": str(free_port()), "TMPDIR": "/tmp"}
    script = str(ROOT / "scripts" / "test-postgres.sh")
    url = subprocess.run(["sh", script, "start"], env=env, check=True, capture_output=True, text=True).stdout.strip()
    yield url
    subprocess.run(["sh", script, "stop"], env=env, capture_output=True)


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def dera(tmp_path, url: str):
    app = create_app(app_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    app.test_client_class = PageCheckingClient
    migrations(app)  # the restore is checked against the migrated schema (``flask_migrate.upgrade``)
    return app


def test_a_restored_backup_serves_her_and_her_case_manager_with_notes_readable(tmp_path, postgres):
    original = dera(tmp_path, postgres)
    with original.app_context():
        upgrade()  # the schema as a deployment has it, from the migrations
        arta = factories.staff(factories.organisation(), "arta")
        lulja = factories.survivor(arta, "Lulja")
        help_request, _ = help_services.create_help_request(db.session, lulja, "k" * 32, "money_or_job", "today", "call", NOTE, utcnow())
        db.session.commit()
        request_id, lulja_id, secret = help_request.id, lulja.id, lulja.device_secret
        assert NOTE.encode() not in bytes(db.session.execute(text("SELECT note FROM help_request")).scalar())  # encrypted
        db.session.remove()
        db.engine.dispose()

    # The nightly backup, exactly as the timer runs it; then the old database is gone.
    backups = tmp_path / "backups"
    env = {**os.environ, "DERA_BACKUP_DATABASE": libpq(postgres), "DERA_BACKUP_DIR": str(backups)}
    subprocess.run(["sh", str(ROOT / "deploy" / "backup" / "dera-backup.sh")], env=env, check=True, capture_output=True)
    (dump,) = backups.glob("dera-*.dump")
    server = libpq(postgres).rsplit("/", 1)[0]
    subprocess.run(["psql", f"{server}/postgres", "-qc", "DROP DATABASE dera_test"], check=True)
    subprocess.run(["psql", f"{server}/postgres", "-qc", "CREATE DATABASE dera_restored"], check=True)

    # The restore steps of docs/deploy.md.
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname", f"{server}/dera_restored", str(dump)], check=True)

    restored = dera(tmp_path, postgres.rsplit("/", 1)[0] + "/dera_restored")
    with restored.app_context():
        phone, office = restored.test_client(), restored.test_client()
        lulja = db.session.get(Survivor, lulja_id)
        lulja.device_secret = secret
        factories.sign_in_survivor(phone, lulja)
        assert phone.get("/today").status_code == 200
        factories.sign_in_staff(office, db.session.scalar(db.select(Staff)))
        page = office.get(f"/console/requests/{request_id}").get_data(as_text=True)
        assert NOTE in page
        db.session.remove()
        db.engine.dispose()
