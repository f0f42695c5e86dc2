"""A web process loads what serving pages needs, and not what only the commands and the worker use."""
import json
import os
import subprocess
import sys

from tests.conftest import ROOT

# Alembic (the migrations), the push sending stack and the calendar file's library: each costs
# every web process tens of milliseconds or more at start, for work it never does.
NOT_IN_A_WEB_PROCESS = {"alembic", "flask_migrate", "mako", "pywebpush", "aiohttp", "requests", "http_ece", "icalendar"}

PROBE = r"""
import json, sys
from pwa import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.test_client() as client:
    answers = [client.get(path).status_code for path in ("/healthz", "/login", "/static/css/dera.css")]
print(json.dumps({"answers": answers, "modules": sorted({name.split(".")[0] for name in sys.modules})}))
"""


def test_a_web_process_loads_no_migrations_push_sender_or_calendar_library(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DERA_INSTANCE_PATH": str(tmp_path)}
    database = f"sqlite:///{tmp_path / 'dera.sqlite'}"
    output = subprocess.run([sys.executable, "-c", PROBE, database], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    probe = json.loads(output.strip().splitlines()[-1])
    assert probe["answers"][0] == 503  # /healthz answered: the schema is not migrated
    assert NOT_IN_A_WEB_PROCESS & set(probe["modules"]) == set()


def test_the_migration_commands_still_load_alembic_when_run(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DERA_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'dera.sqlite'}"}
    flask = [sys.executable, "-m", "flask", "--app", "pwa", "db"]
    subprocess.run([*flask, "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    current = subprocess.run([*flask, "current"], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    assert "(head)" in current


FROZEN = r"""
import gc, json, sys
from pwa import create_app
from pwa.extensions import db
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1]})
seen = {"start": gc.get_freeze_count()}
if sys.argv[2] == "web":
    with app.test_client() as client:
        client.get("/healthz")
else:
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, repr(result.exception)
seen["after"] = gc.get_freeze_count()
print(json.dumps(seen))
"""


def test_web_and_worker_processes_keep_what_lives_long_out_of_the_collectors_way(tmp_path):
    """Modules, the app and its templates are frozen (``gc.freeze``): a full collection no longer walks them, a pause of 50-100 ms."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DERA_INSTANCE_PATH": str(tmp_path)}
    database = f"sqlite:///{tmp_path / 'dera.sqlite'}"
    for kind in ("web", "worker"):
        output = subprocess.run([sys.executable, "-c", FROZEN, database, kind], cwd=ROOT, env=env, capture_output=True, text=True)
        assert output.returncode == 0, output.stderr[-2000:]
        seen = json.loads(output.stdout.strip().splitlines()[-1])
        assert seen["start"] == 0 and seen["after"] > 10_000, (kind, seen)
