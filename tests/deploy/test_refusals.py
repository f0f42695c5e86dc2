"""gunicorn with deploy/'s configuration refuses in-memory rate limits when it runs several processes."""
import os
import subprocess
import sys

import pytest
import requests

from .stack import DEPLOY, ROOT, free_port, wait_until

pytestmark = pytest.mark.deploy


def gunicorn(tmp_path, workers: int, bind: str = "127.0.0.1:0") -> subprocess.Popen:
    """deploy/'s gunicorn in production, with in-memory rate limits and ``workers`` processes."""
    env = {
        "PATH": os.environ["PATH"], "DERA_ENV": "production", "DERA_SECRET_KEY": "s" * 48,
        "DERA_NOTES_KEY": "0d5bXtTtZ3ZcJ8Jm6vQ8m2cQ2w0xXx5b3r6P1k9Yq4s=", "DATABASE_URL": "postgresql://dera@127.0.0.1:1/dera",
        "DERA_INSTANCE_PATH": str(tmp_path), "DERA_BIND": bind, "DERA_WORKERS": str(workers),
        "DERA_VAPID_SUBJECT": "mailto:it@qendra-ci.al",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py"), "pwa:create_app()"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_two_processes_with_in_memory_limits_do_not_start(tmp_path):
    process = gunicorn(tmp_path, workers=2)
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "DERA_RATELIMIT_STORAGE_URI: 2 processes" in output


def test_one_process_with_in_memory_limits_starts(tmp_path):
    bind = f"127.0.0.1:{free_port()}"
    process = gunicorn(tmp_path, workers=1, bind=bind)
    try:
        # The app answers (503: there is no database at that address, which is not what this test is about).
        wait_until(lambda: requests.get(f"http://{bind}/healthz", timeout=2).status_code in (200, 503), what="gunicorn")
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(20)
