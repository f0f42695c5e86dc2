"""Requests the browser makes by itself never change the session of a person signing in.

A first visit installs the service worker, which fetches pages to keep while she signs in;
the browser checks /sw.js beside navigations. Each such request carries the session cookie as
it was when it was sent, and its answer can arrive after the next step's. These tests replay
that order: the request is sent with an older copy of the cookie, and its answer lands last.
"""
import pytest

from pwa.auth.quick_exit import STILL_ANSWERED
from pwa.security import _PASSIVE_ENDPOINTS, BROWSER_REQUESTS, DEVICE_COOKIE
from tests import factories

SESSION = "dera_session"
HOST = "dera.test"

# What the browser, the service worker and the pages' scripts fetch by themselves.
BACKGROUND = [
    ("GET", "/sw.js"),
    ("GET", "/manifest.webmanifest"),
    ("GET", "/offline?lang=sq"),
    ("GET", "/offline?lang=en"),
    ("GET", "/services/directory.json"),
    ("GET", "/static/css/dera.css"),
    ("GET", "/healthz"),
    ("GET", "/push/key"),
    ("POST", "/push/resubscribe"),
    ("POST", "/help/queue"),
]


def session_cookie(client) -> str | None:
    cookie = client.get_cookie(SESSION, domain=HOST)
    return cookie.value if cookie else None


def lands_last(client, method: str, path: str, sent_with: str | None):
    """Send a request with an older copy of the session cookie; its answer is the last the browser reads."""
    current = session_cookie(client)
    if sent_with is None:
        client.delete_cookie(SESSION, domain=HOST)
    else:
        client.set_cookie(SESSION, sent_with, domain=HOST)
    if method == "POST":
        response = client.post(path, json={}, no_csrf=True)
    else:
        response = client.get(path)
    if not session_sets(response) and current is not None:
        client.set_cookie(SESSION, current, domain=HOST)
    return response


def session_sets(response) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(SESSION + "=")]


def token_of(response) -> str:
    return factories.csrf_from(response.get_data(as_text=True))


@pytest.mark.parametrize("method, path", BACKGROUND)
@pytest.mark.parametrize("sent", ["before the password", "after the password"])
def test_second_factor_step_survives_a_background_answer_landing_last(client, people, method, path, sent):
    token = token_of(client.get("/login"))
    first = session_cookie(client)
    response = client.post("/login", data={"username": "drita", "password": factories.PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/login/code"
    half_signed_in = session_cookie(client)
    code_page = client.get("/login/code")

    lands_last(client, method, path, first if sent == "before the password" else half_signed_in)

    code = factories.second_factor_code(people.supervisor)
    response = client.post("/login/code", data={"code": code, "csrf_token": token_of(code_page)})
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


@pytest.mark.parametrize("method, path", BACKGROUND)
def test_password_sign_in_survives_a_background_answer_landing_last(client, people, method, path):
    token = token_of(client.get("/login"))
    before = session_cookie(client)
    response = client.post("/login", data={"username": "arta", "password": factories.PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/console/"

    lands_last(client, method, path, before)

    assert client.get("/console/").status_code == 200


@pytest.mark.parametrize("method, path", BACKGROUND)
def test_unlock_survives_a_background_answer_landing_last(client, people, method, path):
    client.set_cookie(DEVICE_COOKIE, people.lulja.device_secret, domain=HOST)
    token = token_of(client.get("/unlock"))
    before = session_cookie(client)
    response = client.post("/unlock", data={"pin": factories.PIN, "csrf_token": token})
    assert response.headers["Location"] == "/today"

    lands_last(client, method, path, before)

    assert client.get("/today").status_code == 200


@pytest.mark.parametrize("method, path", BACKGROUND)
def test_enrolment_survives_a_background_answer_landing_last(client, people, method, path):
    ylli = factories.survivor(people.arta, "Ylli", pin=None)
    code = factories.enrolment_code(ylli, people.arta)
    token = token_of(client.get("/enrol"))
    before = session_cookie(client)
    client.post("/enrol", data={"code": code, "csrf_token": token})
    client.post("/enrol", data={"code": code, "step": "choose", "csrf_token": token})
    response = client.post(
        "/enrol", data={"code": code, "nickname": "Ylli", "pin": "135790", "pin_again": "135790", "csrf_token": token}
    )
    assert response.headers["Location"] == "/welcome"

    lands_last(client, method, path, before)

    assert client.get("/welcome").status_code == 200


@pytest.mark.parametrize("method, path", BACKGROUND)
def test_background_requests_never_send_the_session_back(client, people, login_as, method, path):
    for person in (None, people.arta, people.lulja):
        if person is not None:
            login_as(person)
        client.get("/login")  # a session with a form token in it, at least
        response = lands_last(client, method, path, session_cookie(client))
        assert session_sets(response) == [], (path, person)


def test_every_background_endpoint_exists(app):
    endpoints = set(app.view_functions)
    assert BROWSER_REQUESTS <= endpoints
    assert _PASSIVE_ENDPOINTS <= endpoints and STILL_ANSWERED <= endpoints
    routed = {app.url_map.bind(HOST).match(path.split("?")[0], method=method)[0] for method, path in BACKGROUND}
    assert routed == BROWSER_REQUESTS


def test_a_page_she_opens_still_writes_the_session(client, people):
    response = client.get("/login")
    assert session_sets(response)


def test_a_pages_polling_does_not_write_the_session_either(client, people, login_as):
    """Not even when the phone has moved to another network since it signed in."""
    login_as(people.lulja)
    request_id = factories.help_request(people.lulja).id
    client.get("/today")
    client.environ_base["REMOTE_ADDR"] = "198.51.100.23"
    poll = client.get(f"/help/requests/{request_id}/status", headers={"HX-Request": "true"})
    assert poll.status_code == 200 and session_sets(poll) == []
    login_as(people.arta)
    client.get("/console/")
    client.environ_base["REMOTE_ADDR"] = "198.51.100.24"
    poll = client.get("/console/inbox/list", headers={"HX-Request": "true"})
    assert poll.status_code == 200 and session_sets(poll) == []
