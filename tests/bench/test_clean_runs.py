"""Every benchmark runs beside a database that already has data, twice, and leaves nothing behind.

Each bench runs in its short mode (``--quick``) with ``DATABASE_URL`` naming the test's own
database, which holds people already (SQLite, or the PostgreSQL server of
``DERA_TEST_DATABASE_URL``): that database must come out as it went in, no scratch database may
be left on the server, no temporary file in ``TMPDIR``, and no process running.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from pwa.extensions import db
from tests.conftest import ROOT

pytestmark = pytest.mark.bench

BENCHES = {
    "reminders": ["bench.reminders", "--quick"],
    "help": ["bench.help_burst", "--quick"],
    "growth": ["bench.growth", "--quick"],
    "startup": ["bench.startup", "--quick"],
    "weight and speed": ["bench", "--quick"],
    "pages": ["bench.pages", "--quick"],
    "bytes on the wire": ["bench.wire", "--quick"],
    "lighthouse": ["bench", "lighthouse", "--quick"],
}


def _needs(name: str) -> None:
    if name == "pages" and shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (scripts/install-system-packages.sh bench installs it)")
    if name == "lighthouse" and not (ROOT / "bench" / "node_modules" / "lighthouse").exists():
        pytest.skip("Lighthouse is not installed (make lighthouse installs it from npm)")


def _rows(app) -> dict[str, int]:
    """Rows in every table of the test's database."""
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables}


def _scratch_databases(app) -> set[str]:
    """The benchmarks' scratch databases on the PostgreSQL server (none on SQLite)."""
    url = db.engine.url
    if url.get_backend_name() != "postgresql":
        return set()
    engine = create_engine(url.set(database="postgres"))
    with engine.connect() as connection:
        names = set(connection.scalars(text("SELECT datname FROM pg_database WHERE datname LIKE 'dera_bench_%'")))
    engine.dispose()
    return names


def _processes_with(tmpdir: Path) -> list[int]:
    """Processes still running that the bench started (they inherit its ``TMPDIR``)."""
    marker = f"TMPDIR={tmpdir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _env(app, tmpdir: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DERA_")}
    return {**env, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "TMPDIR": str(tmpdir), "PYTHONPATH": str(ROOT)}


@pytest.fixture
def existing(app, people, tmp_path):
    """The test's database with people in it, its rows counted, and an empty ``TMPDIR`` for the bench."""
    db.session.commit()
    tmpdir = tmp_path / "bench-tmp"
    tmpdir.mkdir()
    before = _rows(app), _scratch_databases(app)
    yield tmpdir
    db.session.remove()
    assert (_rows(app), _scratch_databases(app)) == before, "the bench changed the database it was given"
    assert list(tmpdir.iterdir()) == [], "the bench left temporary files"
    # The resource tracker of the baseline's processes (multiprocessing's spawn) ends a moment after
    # the bench it served; a worker or server left behind would still be there after the wait.
    deadline = time.monotonic() + 10
    while (left := _processes_with(tmpdir)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == [], "the bench left processes running"


@pytest.mark.parametrize("name", BENCHES)
def test_a_bench_runs_twice_beside_existing_data_and_cleans_up(app, existing, name):
    _needs(name)
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", *BENCHES[name]], cwd=ROOT, env=_env(app, existing),
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "terminated"])
def test_a_bench_stopped_with_ctrl_c_or_terminated_cleans_up(app, existing, stop):
    """Interrupted (Ctrl-C, or ``timeout``'s SIGTERM) while its workers and push service run, the reminder bench still removes what it made."""
    bench = subprocess.Popen([sys.executable, "-m", "bench.reminders", "--count", "3000"], cwd=ROOT, env=_env(app, existing),
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        for line in bench.stdout:
            if "worker process" in line:  # the one-worker run is over; the two workers are starting
                break
        time.sleep(1.5)
        assert bench.poll() is None, "the bench finished before it could be interrupted"
        bench.send_signal(stop)
        bench.wait(timeout=60)
    finally:
        if bench.poll() is None:
            bench.kill()
            bench.wait()
    assert bench.returncode != 0
