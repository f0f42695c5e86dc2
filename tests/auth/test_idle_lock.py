"""After the organisation's idle time the next request asks for the PIN or password again."""
import time

import pytest

from pwa.extensions import db


def _idle_for(client, minutes: float) -> None:
    with client.session_transaction() as session:
        session["seen"] = time.time() - minutes * 60


def test_survivor_is_asked_for_her_pin_after_five_idle_minutes(client, people, login_as):
    login_as(people.lulja)
    _idle_for(client, 5.5)
    response = client.get("/today")
    assert response.headers["Location"] == "/unlock"
    assert client.get("/today").status_code == 302


def test_survivor_stays_in_while_active(client, people, login_as):
    login_as(people.lulja)
    _idle_for(client, 4)
    assert client.get("/today").status_code == 200


def test_staff_have_thirty_minutes(client, people, login_as):
    login_as(people.arta)
    _idle_for(client, 29)
    assert client.get("/console/").status_code == 200
    _idle_for(client, 31)
    assert client.get("/console/").headers["Location"] == "/login"


def test_idle_time_is_an_organisation_setting(client, people, login_as):
    people.org.idle_lock_survivor_minutes = 15
    db.session.commit()
    login_as(people.lulja)
    _idle_for(client, 10)
    assert client.get("/today").status_code == 200


def test_unlock_page_says_why(client, people, login_as):
    login_as(people.lulja)
    _idle_for(client, 6)
    client.get("/today")
    html = client.get("/unlock").get_data(as_text=True)
    assert 'role="status"' in html


def test_after_unlocking_she_returns_to_the_page_she_asked_for(client, people, login_as):
    login_as(people.lulja)
    _idle_for(client, 6)
    client.get("/contacts")
    response = client.post("/unlock", data={"pin": "246810"})
    assert response.headers["Location"] == "/contacts"


@pytest.mark.parametrize("header", [{"HX-Request": "true"}])
def test_htmx_requests_are_sent_to_the_pin_page_with_a_full_load(client, people, login_as, header):
    login_as(people.lulja)
    _idle_for(client, 6)
    response = client.get("/today", headers=header)
    assert response.headers["HX-Redirect"] == "/unlock"


def test_changing_network_keeps_the_session(client, people, login_as):
    login_as(people.lulja)
    response = client.get("/today", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 200


def test_the_idle_clock_is_written_at_most_once_a_minute(client, people, login_as):
    login_as(people.lulja)
    client.get("/today")
    _idle_for(client, 0.5)
    assert "Set-Cookie" not in client.get("/today").headers
    _idle_for(client, 2)
    assert "session=" in client.get("/today").headers.get("Set-Cookie", "")
