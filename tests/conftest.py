"""Shared fixtures: the app on a real database, a page-checking client, people, sign-in."""
from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import brotli
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from flask import has_app_context
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from pwa import create_app
from pwa.extensions import db

from . import factories

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_WORDS = re.compile(
    r"traffick|victim|exploitation|beneficiar|trafikim|trafikua|trafikant|viktim|shfryt[eë]z|p[eë]rfitues", re.I
)
POSTGRES_URL = os.environ.get("DERA_TEST_DATABASE_URL", "")

# Property-based tests: short and repeatable by default (a fixed seed), longer by hand with
# ``--hypothesis-profile=long`` (see README, Tests).
_HYPOTHESIS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}
settings.register_profile("ci", max_examples=80, derandomize=True, **_HYPOTHESIS)
settings.register_profile("long", max_examples=1500, **_HYPOTHESIS)
settings.load_profile("ci")


def compile_catalogs() -> None:
    """Compile translations/*.po so every run sees the catalogs as they are in the tree."""
    for po_path in ROOT.glob("translations/*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)


def pytest_sessionstart(session):
    compile_catalogs()


def app_config(tmp_path: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "NOTES_KEY": "0d5bXtTtZ3ZcJ8Jm6vQ8m2cQ2w0xXx5b3r6P1k9Yq4s=",
        "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or f"sqlite:///{tmp_path / 'dera.sqlite'}",
        "RATELIMIT_ENABLED": False,
        # Argon2 stays Argon2id, with less memory and time so the suite runs fast.
        "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        "SERVER_NAME": "dera.test",
    }
    config.update(overrides)
    return config


def prepare_database(app) -> None:
    with app.app_context():
        db.create_all()


def empty_database(app) -> None:
    """Remove every row (PostgreSQL keeps its tables between tests; SQLite files are per test)."""
    with app.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path, request):
    """Build an app with extra configuration (several per test are allowed)."""
    made = []

    def build(**overrides):
        app = create_app(app_config(tmp_path, **overrides))
        app.test_client_class = PageCheckingClient
        prepare_database(app)
        made.append(app)
        return app

    yield build
    for app in made:
        empty_database(app)


@pytest.fixture
def push_service(app, tmp_path):
    """A local push service, and the app set up with a VAPID key to reach it."""
    from pwa.push.keys import make_key_file

    from . import pushservice

    key_file = tmp_path / "vapid.pem"
    make_key_file(key_file)
    app.config.update(VAPID_PRIVATE_KEY_FILE=str(key_file), PUSH_ALLOW_LOCAL_ENDPOINTS=True)
    service, server = pushservice.start()
    yield service
    server.shutdown()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def org(app):
    return factories.organisation()


@pytest.fixture
def people(app, org):
    """A small organisation: a supervisor, two case managers, and a survivor for each."""
    return factories.small_organisation(org)


@pytest.fixture
def login_as(client):
    def sign_in(person, password: str | None = None):
        if person.is_staff:
            return factories.sign_in_staff(client, person, password)
        return factories.sign_in_survivor(client, person)

    return sign_in


def decoded_body(response) -> bytes:
    """The body as the browser reads it, after undoing Brotli or gzip compression."""
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


class PageCheckingClient(FlaskClient):
    """A test client that checks every HTML page it receives.

    One ``h1``; a title that starts with it; unique ids; forms with an action
    and a method, and a CSRF token when they post; no word the UI must never
    show; ``Cache-Control: no-store``. Posts that bring no CSRF token get a
    fresh one, read from a page as a browser would.
    """

    csrf_token: str | None = None

    def open(self, *args, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        data = kwargs.get("data")
        if method == "POST" and isinstance(data, dict) and "csrf_token" not in data and not kwargs.pop("no_csrf", False):
            self._fetch_token()
            kwargs["data"] = {**data, "csrf_token": self.csrf_token}
        kwargs.pop("no_csrf", None)
        # Each request gets its own app context (fresh ``g`` and database session), as in
        # production; the test's own session then forgets what it had loaded.
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        if response.mimetype == "text/html" and response.status_code not in (204, 301, 302, 303, 307, 308):
            self._check_page(response)
        return response

    def _fetch_token(self):
        """Read a fresh token the way a browser gets one: from a page (here, the not-found page)."""
        with self.application.app_context():
            response = super().open("/no-such-page-for-a-token")
        self._remember_token(response.get_data(as_text=True))

    def _remember_token(self, html: str):
        match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
        if match:
            self.csrf_token = match.group(1)

    def _check_page(self, response):
        html = decoded_body(response).decode()
        self._remember_token(html)
        assert "no-store" in response.headers.get("Cache-Control", ""), response.request.path
        assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "")
        soup = BeautifulSoup(html, "html.parser")
        visible = soup.get_text(" ")
        assert not FORBIDDEN_WORDS.search(visible), f"forbidden word on {response.request.path}"
        ids = [tag["id"] for tag in soup.find_all(id=True)]
        assert len(ids) == len(set(ids)), f"duplicate ids on {response.request.path}"
        for form in soup.find_all("form"):
            assert form.get("action") and form.get("method"), f"form without action/method on {response.request.path}"
            if form["method"].lower() == "post":
                assert form.find("input", attrs={"name": "csrf_token"}), f"post form without CSRF on {response.request.path}"
        if response.request.headers.get("HX-Request"):
            return
        h1s = soup.find_all("h1")
        assert len(h1s) == 1, f"{len(h1s)} h1 on {response.request.path}"
        title = soup.title.get_text(strip=True)
        assert title.startswith(h1s[0].get_text(strip=True)[:20]), (title, h1s[0].get_text(strip=True))
        assert soup.find(id="quick-exit") is not None, f"no quick exit on {response.request.path}"
