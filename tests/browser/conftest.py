"""Browser tests: Playwright driving Debian's Chromium against Dera served on 127.0.0.1."""
from __future__ import annotations

import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from pwa import create_app
from pwa.extensions import db
from tests.conftest import ROOT, app_config

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("DERA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}


def _start_neutral_site() -> str:
    """Another site, on this machine, for quick exit to leave for (a weather page)."""

    class Weather(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = "<!doctype html><title>Moti</title><h1>Moti sot në Tiranë</h1>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Weather)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/weather/tirana"


# Playwright's request routing would turn service workers off, so nothing here is routed:
# the exit page is a real site of its own.
EXIT_URL = _start_neutral_site()
# A tile server that cannot answer: the discard port on this machine. Requests to it never
# leave the machine, so they are not counted as requests to another origin.
UNREACHABLE_TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"
AXE = (ROOT / "tests" / "vendor" / "axe-core-4.11.0" / "axe.min.js").read_text()
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """Dera on SQLite, served by a real HTTP server in a thread."""
    path = tmp_path_factory.mktemp("live")
    config = app_config(path, SERVER_NAME=None, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path / 'dera.sqlite'}")
    app = create_app(config)
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app
    server.shutdown()


@pytest.fixture
def live(live_app):
    """The live app with an empty database and an app context for factories."""
    with live_app.app_context():
        yield live_app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/install-system-packages.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """One person's browser: a Playwright context that records every request it makes."""

    def __init__(self, browser, base_url: str, javascript: bool = True, viewport=PHONE, locale="sq-AL"):
        self.base_url = base_url
        self.context = browser.new_context(
            base_url=base_url, viewport=viewport, locale=locale, java_script_enabled=javascript,
            timezone_id="Europe/Tirane",
        )
        self.context.set_default_timeout(10_000)
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page = self.context.new_page()

    def foreign_requests(self) -> list[str]:
        """Requests to any origin other than Dera's, except the quick-exit site and the unreachable tiles."""
        allowed = {urlsplit(self.base_url).netloc, urlsplit(EXIT_URL).netloc, urlsplit(UNREACHABLE_TILES).netloc}
        return [u for u in self.requests if urlsplit(u).netloc not in allowed and not u.startswith("data:")]

    def close(self):
        # Offline emulation can outlive a context in its service worker: always end online.
        self.context.set_offline(False)
        self.context.close()


@pytest.fixture
def open_browser(browser, live):
    """Open a browser session (a phone by default); every session is checked for foreign requests."""
    sessions: list[Session] = []

    def start(**kwargs) -> Session:
        session = Session(browser, live.config["LIVE_URL"], **kwargs)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        foreign = session.foreign_requests()
        session.close()
        assert not foreign, f"requests left for another origin: {foreign}"


@pytest.fixture
def phone(open_browser):
    return open_browser()


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    page.evaluate(AXE)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
