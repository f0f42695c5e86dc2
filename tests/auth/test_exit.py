"""Quick exit without JavaScript: GET /exit ends the session and leaves for the exit URL."""
import pytest

from pwa.extensions import db


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
