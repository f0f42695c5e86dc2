"""Quick exit without JavaScript: GET /exit ends the session and leaves for the exit URL."""
import pytest

from pwa.extensions import db
from tests import factories


def test_exit_ends_the_session_and_redirects_to_the_neutral_page(client, people, login_as):
    login_as(people.lulja)
    response = client.get("/exit")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://www.bbc.com/weather/3183875"
    assert client.get("/today").status_code == 302


def test_exit_url_is_an_organisation_setting(client, people, login_as):
    people.org.exit_url = "https://example.org/weather"
    db.session.commit()
    login_as(people.arta)
    assert client.get("/exit").headers["Location"] == "https://example.org/weather"


def test_a_copied_session_cookie_is_dead_after_exit(app, client, people, login_as):
    login_as(people.lulja)
    copy = app.test_client()
    copy.set_cookie("dera_session", client.get_cookie("dera_session", domain="dera.test").value, domain="dera.test")
    client.get("/exit")
    assert copy.get("/today").status_code == 302


def test_beacon_exit_works_without_a_form_token(client, people, login_as):
    login_as(people.lulja)
    response = client.post("/exit", data=b"", no_csrf=True)
    assert response.status_code == 204
    assert client.get("/today").status_code == 302


def test_exit_works_for_nobody_signed_in(client, org):
    assert client.get("/exit").status_code == 302


def test_exit_asks_the_browser_to_drop_its_cache(client, people, login_as):
    login_as(people.lulja)
    assert client.get("/exit").headers["Clear-Site-Data"] == '"cache"'


@pytest.mark.parametrize("path", ["/", "/login", "/enrol", "/today", "/console/", "/no-such-page"])
def test_every_page_has_quick_exit(client, people, login_as, path):
    login_as(people.lulja)
    response = client.get(path, follow_redirects=True)
    assert 'id="quick-exit"' in response.get_data(as_text=True)


# Every way back after leaving lands on the neutral site (pwa/auth/quick_exit.py) -----------------

NEUTRAL = "https://www.bbc.com/weather/3183875"


def _left(client, people, login_as):
    login_as(people.lulja)
    client.get("/exit")
    return client


@pytest.mark.parametrize("path", ["/today", "/plan", "/help", "/contacts", "/services", "/unlock", "/login", "/trusted-people", "/no-such-page"])
def test_after_leaving_every_page_answers_with_the_neutral_site_and_nothing_else(client, people, login_as, path):
    _left(client, people, login_as)
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == NEUTRAL
    assert response.get_data() == b""


def test_leaving_marks_the_phone_with_its_organisation(client, people, login_as):
    login_as(people.lulja)
    response = client.get("/exit")
    assert f"dera_left={people.org.id};" in response.headers["Set-Cookie"] or any(
        c.startswith(f"dera_left={people.org.id};") for c in response.headers.getlist("Set-Cookie")
    )


def test_the_beacon_marks_the_phone_too(client, people, login_as):
    login_as(people.lulja)
    client.post("/exit", data=b"", no_csrf=True)
    assert client.get("/today").headers["Location"] == NEUTRAL


def test_a_marker_set_by_the_page_alone_ends_a_session_the_lost_beacon_left_open(client, people, login_as):
    login_as(people.lulja)
    client.set_cookie("dera_left", "0", domain="dera.test")
    assert client.get("/plan").headers["Location"] == NEUTRAL
    client.delete_cookie("dera_left", domain="dera.test")
    assert client.get("/plan").headers["Location"].endswith("/unlock")


def test_htmx_requests_after_leaving_are_sent_to_the_neutral_site(client, people, login_as):
    _left(client, people, login_as)
    response = client.get("/today", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == NEUTRAL


def test_opening_dera_afresh_shows_the_pin_page_and_forgets_the_marker(client, people, login_as):
    _left(client, people, login_as)
    response = client.get("/")
    assert response.headers["Location"].endswith("/unlock")
    assert any(c.startswith("dera_left=;") for c in response.headers.getlist("Set-Cookie"))
    assert "PIN" in client.get("/unlock").get_data(as_text=True)


def test_a_live_enrolment_link_opens_after_leaving_but_a_used_one_does_not(client, people, login_as):
    _left(client, people, login_as)
    code = factories.enrolment_code(people.lulja, people.arta)
    client.set_cookie("dera_left", "0", domain="dera.test")
    assert client.get("/enrol/ACDE-FGHJ").headers["Location"] == NEUTRAL
    assert client.get(f"/enrol/{code}").status_code == 200


@pytest.mark.parametrize("path", ["/sw.js", "/manifest.webmanifest", "/healthz", "/offline"])
def test_what_the_phone_fetches_by_itself_is_still_answered_after_leaving(client, people, login_as, path):
    _left(client, people, login_as)
    answer = client.get(path)
    # /healthz says 503 while no worker runs: answered all the same, not sent to the neutral site.
    assert answer.status_code == (503 if path == "/healthz" else 200) and "Location" not in answer.headers


def test_services_are_answered_again_once_dera_is_opened_afresh(client, people, login_as):
    _left(client, people, login_as)
    client.get("/")
    assert client.get("/services").status_code == 200


# /exit never fails, whatever is stored ---------------------------------------------------------

@pytest.mark.parametrize("stored", [
    "https://www.bbc.com/weather/3183875\n", "javascript:alert(1)", "/today", "", "https://", "http://[::1",
    "https://exa mple.org/", "https://example.org/\u202eevil", "ftp://example.org/",
])
def test_exit_leaves_for_the_default_when_the_stored_address_is_unusable(client, people, login_as, stored):
    people.org.exit_url = stored
    db.session.commit()
    login_as(people.lulja)
    response = client.get("/exit")
    assert response.status_code == 302
    assert response.headers["Location"] == NEUTRAL
    assert client.get("/today").headers["Location"] == NEUTRAL


def test_exit_leaves_for_a_blank_page_when_no_address_is_usable(app, people):
    from flask.testing import FlaskClient

    people.org.exit_url = "not an address"
    db.session.commit()
    app.config["ORGANISATION_DEFAULTS"] = {**app.config["ORGANISATION_DEFAULTS"], "exit_url": "nor\nthis"}
    raw = FlaskClient(app, use_cookies=True)
    response = raw.get("/exit")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Dera" not in body and "<h1" not in body
    assert "dera_left" in response.headers["Set-Cookie"]


def test_the_button_carries_the_usable_address_only(client, people):
    people.org.exit_url = "javascript:alert(1)"
    db.session.commit()
    html = client.get("/login").get_data(as_text=True)
    assert f'data-exit-url="{NEUTRAL}"' in html


@pytest.mark.parametrize("marker", ["99999999999999999999", "-1", "١٢", "x", ""])
def test_any_marker_value_still_leaves_for_the_neutral_site(client, people, marker):
    client.set_cookie("dera_left", marker, domain="dera.test")
    response = client.get("/today")
    assert response.status_code == 302 and response.headers["Location"] == NEUTRAL


def test_the_marker_names_the_organisation_whose_exit_address_is_used(client, people):
    other = factories.organisation("Tjetër", exit_url="https://example.org/moti")
    client.set_cookie("dera_left", str(other.id), domain="dera.test")
    assert client.get("/plan").headers["Location"] == "https://example.org/moti"


def test_opening_dera_afresh_after_a_lost_beacon_still_asks_for_the_pin(client, people, login_as):
    login_as(people.lulja)
    client.set_cookie("dera_left", "0", domain="dera.test")
    assert client.get("/").headers["Location"].endswith("/unlock")
    assert client.get("/today").headers["Location"].endswith("/unlock")
