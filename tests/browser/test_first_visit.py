"""A first visit signs in while the service worker installs, whatever order the answers arrive in.

The page registers the service worker, and the browser fetches it and the worker its offline
pages, while she types her password, code or PIN. Here the server holds the worker's script
until the sign-in has moved on a step, so its answer arrives last, which on a real phone
happens only now and then.
"""
import re
import threading
import time

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.test_foundation import bind_phone, people  # noqa: F401 (people is a fixture)



class Held:
    """Holds the server's answers to one path until released, and notes the cookies each request brought."""

    def __init__(self, app, path: str):
        self.path, self.inner = path, app.wsgi_app
        self.arrived, self.released = threading.Event(), threading.Event()
        self.cookies: dict[str, list[str]] = {}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO")
        self.cookies.setdefault(path, []).append(environ.get("HTTP_COOKIE", ""))
        if path == self.path:
            self.arrived.set()
            self.released.wait(timeout=30)
        return self.inner(environ, start_response)

    def wait_until_asked(self, page):
        deadline = time.monotonic() + 10
        while not self.arrived.is_set():
            assert time.monotonic() < deadline, f"the service worker never asked for {self.path}"
            page.wait_for_timeout(50)

    def release_and_wait_for_the_worker(self, page):
        self.released.set()
        # The worker becomes ready only once its install has every answer, the held ones too.
        page.evaluate("async () => { await navigator.serviceWorker.ready; }")


@pytest.fixture
def held(live):
    gate = Held(live, "/sw.js")
    live.wsgi_app = gate
    yield gate
    gate.released.set()
    live.wsgi_app = gate.inner


def test_second_factor_step_while_the_worker_installs(open_browser, people, held):
    page = open_browser().page
    page.goto("/login")
    held.wait_until_asked(page)
    page.get_by_label("Emri i përdoruesit").fill("drita")
    page.get_by_label("Fjalëkalimi").fill(factories.PASSWORD)
    page.get_by_role("button", name="Hyr").click()
    expect(page.get_by_label("Kodi nga aplikacioni")).to_be_visible()

    held.release_and_wait_for_the_worker(page)

    page.get_by_label("Kodi nga aplikacioni").fill(factories.second_factor_code(people.supervisor))
    page.get_by_role("button", name="Hyr").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Personat e mi")
    offline_pages = held.cookies["/offline"]
    assert offline_pages and not any(offline_pages), "the worker keeps the offline pages as anonymous copies"


def test_enrolment_while_the_worker_installs(open_browser, people, held):
    ylli = factories.survivor(people.arta, "Ylli", pin=None)
    code = factories.enrolment_code(ylli, people.arta)
    page = open_browser().page
    page.goto("/enrol")
    held.wait_until_asked(page)
    page.get_by_label("Kodi").fill(code)
    page.get_by_role("button", name="Vazhdo").click()
    page.get_by_role("button", name="Vazhdo").click()
    page.get_by_label("PIN-i (6 shifra)").fill("135790")
    page.get_by_label("PIN-i përsëri").fill("135790")
    page.get_by_role("button", name="Fillo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Butoni «Dil shpejt»")

    held.release_and_wait_for_the_worker(page)

    page.get_by_role("link", name="E kuptova").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sot")


def test_unlock_while_the_worker_installs(open_browser, people, held):
    phone = open_browser()
    bind_phone(phone, people.lulja)
    page = phone.page
    page.goto("/")
    held.wait_until_asked(page)
    page.get_by_label("PIN-i").fill(factories.PIN)
    page.get_by_role("button", name="Hap").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sot")

    held.release_and_wait_for_the_worker(page)

    page.goto("/plan")
    expect(page).to_have_url(re.compile(r"/plan$"))
