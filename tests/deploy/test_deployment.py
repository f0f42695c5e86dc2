"""The deployment is the test: deploy/ run for real, driven over HTTPS, with processes killed mid-way."""
from __future__ import annotations

import re
import subprocess
import threading
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import pyotp
import requests

import bench.__main__ as bench
from bench import help_burst
from tests import pushservice

from .stack import deployment, wait_until

pytestmark = pytest.mark.deploy

SUPERVISOR_PASSWORD = "drita-deploy-password-1"
CASE_MANAGER_PASSWORD = "arta-deploy-password-1"


class FromAddress(requests.adapters.HTTPAdapter):
    """Connections from another local address: to the deployment, another client."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def outbox(database_url: str) -> dict[str, int]:
    """How many push messages the deployment's database holds, by status."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, hide_parameters=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT status, count(*) FROM push_message GROUP BY status")).all()
    engine.dispose()
    return dict(rows)


def csrf(page: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def sign_in(url: str, username: str, password: str) -> requests.Session:
    """Sign in; a supervisor new to Dera first sets up her authenticator app, as the console asks."""
    office = requests.Session()
    answer = office.post(f"{url}/login", data={"username": username, "password": password,
                                               "csrf_token": csrf(office.get(f"{url}/login").text)})
    if answer.url.endswith("/console/account/two-factor"):
        key = re.search(r'<span class="link-text">([A-Z2-7]+)</span>', answer.text).group(1)
        answer = office.post(answer.url, data={"code": pyotp.TOTP(key).now(), "csrf_token": csrf(answer.text)})
        assert answer.ok, answer.status_code
        answer = office.get(f"{url}/console/")
    assert answer.url.rstrip("/").endswith("/console"), answer.url
    return office


def post_form(session: requests.Session, url: str, page_path: str, data: dict, **kwargs) -> requests.Response:
    page = session.get(url + page_path).text
    return session.post(url + kwargs.pop("action", page_path), data={**data, "csrf_token": csrf(page)}, **kwargs)


def subscribe(session: requests.Session, url: str, browser, page_path: str) -> None:
    token = csrf(session.get(url + page_path).text)
    answer = session.post(f"{url}/push/subscriptions", json=browser.subscription_json(), headers={"X-CSRFToken": token})
    assert answer.status_code == 201, answer.text


def ask_for_help(phone: help_burst.Phone, key: str) -> requests.Response:
    browser = requests.Session()
    browser.cookies.update(phone.cookies)
    return browser.post(f"{phone.base_url}/help", data={**help_burst.ANSWERS, "key": key, "csrf_token": phone.csrf},
                        allow_redirects=False, timeout=30)


def check_the_front_door(site) -> None:
    """nginx as deploy/ sets it up: HTTPS only, HTTP/2, one HSTS header, gzip for its static files, a year's cache by version."""
    redirect = requests.get(f"{site.http_url}/login", allow_redirects=False)
    assert redirect.status_code == 301 and redirect.headers["Location"].startswith("https://")
    page = requests.get(f"{site.url}/login")
    assert page.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert "no-store" in page.headers["Cache-Control"]
    # A form token beside a query string a stranger chose: nginx adds no compression of its own (BREACH).
    echoed = requests.get(f"{site.url}/login", params={"next": "/today"}, headers={"Accept-Encoding": "gzip"})
    assert echoed.status_code == 200 and "Content-Encoding" not in echoed.headers
    stylesheet = re.search(r'href="(/static/[^"]+\.css\?v=[^"]+)"', page.text).group(1)
    versioned = requests.get(site.url + stylesheet)
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert versioned.headers["Content-Encoding"] == "gzip" and "Server" in versioned.headers
    assert "max-age" in versioned.headers["Strict-Transport-Security"]
    assert requests.get(site.url + stylesheet.split("?")[0]).headers["Cache-Control"] == "no-cache"
    http2 = subprocess.run(["curl", "--http2", "--silent", "--head", "--cacert", str(site.bundle), f"{site.url}/healthz"],
                           capture_output=True, text=True, check=True).stdout
    assert http2.startswith("HTTP/2 200")


def upgrade_while_serving(site, phone: requests.Session) -> list:
    """Restart every unit as docs/deploy.md's upgrade does while her phone keeps asking; what failed."""
    failures, done = [], threading.Event()

    def keep_asking():
        while not done.is_set():
            try:
                answer = phone.get(f"{site.url}/contacts", timeout=10)
                if answer.status_code != 200:
                    failures.append(answer.status_code)
            except requests.RequestException as error:
                failures.append(type(error).__name__)
            time.sleep(0.05)

    asking = threading.Thread(target=keep_asking)
    asking.start()
    try:
        for unit in site.web:
            unit.restart_cleanly()
            address = unit.env["DERA_BIND"]
            wait_until(lambda: requests.get(f"http://{address}/healthz", timeout=2).ok, what=f"{unit.name} after its restart")
        for unit in site.workers:
            unit.restart_cleanly()
    finally:
        done.set()
        asking.join()
    return failures


@pytest.fixture(scope="module")
def push(tmp_path_factory):
    """The local push service, over HTTPS with its own self-signed certificate (push endpoints are https)."""
    from .stack import self_signed_certificate

    cert, key = self_signed_certificate(tmp_path_factory.mktemp("push"))
    service, server = pushservice.start(certificate=(cert, key))
    yield service, cert
    server.shutdown()


def test_the_deployment_serves_survives_kills_and_shares_its_limits(tmp_path, push, monkeypatch):
    """Enrol, sign in, ask for help, a reminder; an app server and a worker SIGKILLed; limits across processes."""
    service, push_cert = push
    with deployment(tmp_path, trust=(push_cert,)) as site:
        # This test's own HTTPS requests trust the same certificates.
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(site.bundle))
        url = site.url

        check_the_front_door(site)

        # The first supervisor, as docs/deploy.md makes her; she adds a case manager and a person.
        site.flask("create-supervisor", "--username", "drita", "--first-name", "Drita", "--organisation", "Qendra",
                   "--password", SUPERVISOR_PASSWORD)
        drita = sign_in(url, "drita", SUPERVISOR_PASSWORD)
        made = post_form(drita, url, "/console/staff/new", {"username": "arta", "first_name": "Arta", "role": "case_manager",
                                                           "password": CASE_MANAGER_PASSWORD})
        assert made.ok, made.status_code
        arta = sign_in(url, "arta", CASE_MANAGER_PASSWORD)
        shown = post_form(arta, url, "/console/enrol", {"nickname": "Lulja"})
        code = re.search(r'class="code-display"[^>]*>([A-Z0-9-]+)<', shown.text).group(1)
        survivor_id = re.search(r"/console/people/(\d+)", shown.text).group(1)  # the code is shown in the answer itself

        staff_browser, phone_browser = service.browser(), service.browser()
        subscribe(arta, url, staff_browser, "/console/")

        # Her phone enrols, signs in and turns on reminders.
        phone = help_burst.sign_in_phone(url, code)
        phone_session = requests.Session()
        phone_session.cookies.update(phone.cookies)
        subscribe(phone_session, url, phone_browser, "/settings")

        # Her case manager makes an appointment whose 2-hour reminder falls due in a minute or two.
        clock = datetime.now(ZoneInfo("Europe/Tirane"))
        starts = clock + timedelta(hours=2, minutes=1 if clock.second < 45 else 2)
        scheduled = post_form(arta, url, f"/console/people/{survivor_id}/appointments/new",
                              {"day": starts.strftime("%Y-%m-%d"), "time": starts.strftime("%H:%M"), "title": "Takim",
                               "place": "Zyra"}, allow_redirects=False)
        assert scheduled.status_code == 302, scheduled.text

        # She asks for help; the double tap and the retry after a lost answer send the same key again.
        key = str(uuid.uuid4())
        answers = [ask_for_help(phone, key) for _ in range(3)]
        assert {a.status_code for a in answers} == {303}
        assert len({a.headers["Location"] for a in answers}) == 1
        wait_until(lambda: staff_browser.messages(), timeout=40, what="the case manager's push")

        # One app server and one worker die mid-way; what they acknowledged stays, and they come back.
        web, worker = site.web[0], site.workers[0]
        killed_web, killed_worker = web.kill(), worker.kill()
        more = [str(uuid.uuid4()) for _ in range(6)]
        acknowledged = {}
        for extra in more:
            for _attempt in range(20):  # a phone retries what was not acknowledged, with the same key
                answer = ask_for_help(phone, extra)
                if answer.status_code == 303:
                    acknowledged[extra] = answer.headers["Location"]
                    break
                time.sleep(0.5)
        web.wait_for_restart(killed_web)
        worker.wait_for_restart(killed_worker)
        assert web.restarts >= 1 and worker.restarts >= 1
        wait_until(lambda: requests.get(f"http://{web.env['DERA_BIND']}/healthz", timeout=2).ok, what="the restarted app")
        assert set(acknowledged) == set(more)

        # The case manager's inbox shows each request exactly once.
        inbox = arta.get(f"{url}/console/inbox").text
        request_ids = {a.headers["Location"].rsplit("/", 1)[1] for a in answers} | {
            location.rsplit("/", 1)[1] for location in acknowledged.values()}
        assert len(request_ids) == 7
        for request_id in request_ids:
            assert inbox.count(f'id="request-{request_id}"') == 1

        # The reminder reaches her phone through a worker, once.
        wait_until(lambda: phone_browser.messages(), timeout=150, what="the reminder")
        # The help requests' notifications reach the case manager: one per request, none twice.
        wait_until(lambda: len(staff_browser.messages()) >= len(request_ids), timeout=60, what="the staff's pushes")
        time.sleep(20)  # another round of both workers: nothing more may arrive
        assert len(phone_browser.messages()) == 1
        assert len(staff_browser.messages()) == len(request_ids)
        assert outbox(site.database_url) == {"sent": len(request_ids) + 1}

        # Sign-in attempts spread over both app servers are refused after exactly the limit.
        # nginx takes turns between the two, so one page and then only posts reach both.
        # The stranger comes from another address (127.0.0.2), so only her own attempts count.
        stranger = requests.Session()
        stranger.mount("https://", FromAddress("127.0.0.2"))
        token = csrf(stranger.get(f"{url}/login").text)
        statuses = [stranger.post(f"{url}/login", data={"username": "nobody", "password": "wrong-password-x",
                                                         "csrf_token": token}).status_code for _ in range(13)]
        assert statuses[:10] == [200] * 10 and statuses[10:] == [429] * 3, statuses
        for unit in site.web:
            assert "POST /login" in site.web_log(unit), f"{unit.name} served no sign-in attempt"

        # The upgrade order of docs/deploy.md: the app servers one at a time, then the workers; nobody notices.
        failures = upgrade_while_serving(site, phone_session)
        assert failures == [], failures

        # The benchmarks measure this deployment too.
        record = arta.get(f"{url}/console/people/{survivor_id}").text
        fresh = arta.post(f"{url}/console/people/{survivor_id}/code", data={"csrf_token": csrf(record)}).text
        bench_code = re.search(r'class="code-display"[^>]*>([A-Z0-9-]+)<', fresh).group(1)
        assert bench.main(["weight", "speed", "--url", url, "--staff", f"arta:{CASE_MANAGER_PASSWORD}",
                           "--enrol", f"/enrol/{bench_code}", "--rounds", "3"]) == 0

        # The logs of the whole session: no code, no client address, no search word.
        arta.get(f"{url}/services", params={"q": "strehimsekret"})
        logs = "".join(site.web_log(unit) for unit in site.web + site.workers)
        logs += (tmp_path / "nginx-error.log").read_text() if (tmp_path / "nginx-error.log").exists() else ""
        assert "/enrol/[redacted]" in logs
        assert "GET /static/" not in logs  # nginx serves the static files itself
        for secret in (code, bench_code, "127.0.0.1", "127.0.0.2", "strehimsekret", "Lulja", "nobody"):
            assert secret not in logs, secret
