"""Serving Dera as an organisation would, for the benchmarks: a scratch database, gunicorn, sign-in.

Every benchmark runs on a database of its own, made for the run and removed after it: a
SQLite file in a temporary folder, or, when ``DATABASE_URL`` names a PostgreSQL server, a new
database on that server (so a server that already holds data is left as it was).
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parent.parent
PIN = "246810"


def unwind_on_sigterm() -> None:
    """Let a benchmark stopped from outside (``timeout``, CI) unwind as after Ctrl-C, so that what it
    started (servers, workers) and its scratch database go too."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def scratch_database(server_url: str | None):
    """A new, empty database for one run, and its removal afterwards: (database URL, instance folder)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from pwa.config import database_url as normalise

    with tempfile.TemporaryDirectory() as instance:
        if not server_url or server_url.startswith("sqlite"):
            yield f"sqlite:///{Path(instance) / 'dera.sqlite'}", instance
            return
        server = make_url(normalise(server_url))
        name = f"dera_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.set(database=name).render_as_string(hide_password=False), instance
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def dera_env(database_url: str, instance: str, **extra: str) -> dict:
    """The environment a Dera process of the benchmark runs with."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DERA_INSTANCE_PATH": instance,
        "DATABASE_URL": database_url,
        "DERA_RATELIMIT_ENABLED": "0",
        **extra,
    }


def flask(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "pwa", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr or result.stdout)
    return result.stdout


def load_demo(env: dict) -> str:
    """Migrate the scratch database and load the demo; the demo's printout (sign-in details)."""
    flask(env, "db", "upgrade")
    return flask(env, "demo", "--base-url", "")


class Server:
    """A WSGI app under gunicorn, in its own process group so it can be killed outright."""

    def __init__(self, env: dict, port: int | None = None, workers: int = 2, threads: int = 8, app: str = "pwa:create_app()", ready: str = "/healthz"):
        self.env, self.port, self.workers, self.threads = env, port or free_port(), workers, threads
        self.app, self.ready = app, ready
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--threads", str(self.threads),
            "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--log-level", "warning", self.app,
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                # Any answer means gunicorn serves (without a worker, /healthz answers 503).
                requests.get(f"{self.url}{self.ready}", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean shutdown, no finished requests."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.kill()


@dataclass
class Phone:
    """A signed-in phone: its cookies, the form's CSRF token and the queue token."""

    base_url: str
    cookies: dict
    csrf: str
    queue_token: str


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def enrolment_code(demo_printout: str, nickname: str = "Lulja") -> str:
    """The enrolment code the demo printed for ``nickname`` (its link carries it after ``#``)."""
    return re.search(rf"{nickname} .*?/enrol#([A-Z0-9-]+)", demo_printout).group(1)


def sign_in_phone(base_url: str, code: str, nickname: str = "Lulja") -> Phone:
    """Enrol a phone over HTTP as a person does: the code, then a nickname and a PIN (the code in the body)."""
    browser = requests.Session()
    page = browser.get(f"{base_url}/enrol", timeout=30).text
    answer = browser.post(
        f"{base_url}/enrol",
        data={"code": code, "nickname": nickname, "pin": PIN, "pin_again": PIN, "csrf_token": _csrf(page)},
        timeout=30, allow_redirects=False,
    )
    assert answer.status_code == 302, f"enrolment failed: {answer.status_code}"
    return refresh_phone(base_url, browser.cookies.get_dict())


def refresh_phone(base_url: str, cookies: dict) -> Phone:
    """The form and queue tokens of a signed-in phone (unlocking with the PIN if the session is gone)."""
    browser = requests.Session()
    browser.cookies.update(cookies)
    page = browser.get(f"{base_url}/help", timeout=30)
    if "/unlock" in page.url:
        browser.post(f"{base_url}/unlock", data={"pin": PIN, "csrf_token": _csrf(page.text)}, timeout=30)
        page = browser.get(f"{base_url}/help", timeout=30)
    token = re.search(r'<meta name="help-queue" content="([^"]+)"', page.text).group(1)
    return Phone(base_url, browser.cookies.get_dict(), _csrf(page.text), token)


def authenticator_key(demo_printout: str, username: str) -> str | None:
    """The authenticator key the demo printed for ``username`` (supervisors sign in with a code too)."""
    match = re.search(rf"{username} .*?set up with the key ([A-Z2-7]+)", demo_printout)
    return match.group(1) if match else None


def sign_in_staff(base_url: str, username: str, password: str, totp_key: str | None = None) -> dict:
    """A staff member's cookies after signing in with a password, and the authenticator's code if asked."""
    browser = requests.Session()
    page = browser.get(f"{base_url}/login", timeout=30).text
    answer = browser.post(
        f"{base_url}/login", data={"username": username, "password": password, "csrf_token": _csrf(page)},
        timeout=30, allow_redirects=False,
    )
    assert answer.status_code in (302, 303), f"staff sign-in failed: {answer.status_code}"
    if answer.headers.get("Location", "").endswith("/login/code"):
        import pyotp

        assert totp_key, f"{username} signs in with an authenticator code: give its key"
        page = browser.get(f"{base_url}/login/code", timeout=30).text
        answer = browser.post(
            f"{base_url}/login/code", data={"code": pyotp.TOTP(totp_key).now(), "csrf_token": _csrf(page)},
            timeout=30, allow_redirects=False,
        )
        assert answer.status_code in (302, 303) and not answer.headers.get("Location", "").endswith("/login"), "code refused"
    # The first page, as a browser opens it: it shows (and so ends) any message left for it.
    browser.get(urljoin(f"{base_url}/login", answer.headers["Location"]), timeout=30)
    return browser.cookies.get_dict()
