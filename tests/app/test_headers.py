"""Security headers on every response."""
import pytest

PAGES = ["/", "/login", "/enrol", "/today", "/console/", "/no-such-page", "/healthz"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers(client, people, login_as, path):
    login_as(people.lulja)
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "http" not in csp  # no other origin
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/today", "/plan", "/help", "/contacts", "/settings", "/welcome"])
def test_authenticated_pages_are_never_stored(client, people, login_as, path):
    login_as(people.lulja)
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_static_files_are_cacheable(client, org):
    response = client.get("/static/css/dera.css")
    assert "max-age" in response.headers["Cache-Control"]


def test_session_cookie_is_httponly_and_lax(client, people, login_as):
    response = login_as(people.arta)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookies_are_secure_and_hsts_is_sent_in_production(make_app, monkeypatch):
    monkeypatch.setenv("DERA_ENV", "production")
    monkeypatch.setenv("DERA_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DERA_NOTES_KEY", "n" * 44)
    monkeypatch.setenv("DERA_VAPID_SUBJECT", "mailto:ndihma@organizata.al")
    monkeypatch.setenv("DERA_ALLOW_SQLITE", "1")
    app = make_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["DEVICE_COOKIE_SECURE"]
    assert "Strict-Transport-Security" in app.test_client().get("/healthz").headers


def test_post_without_csrf_token_is_refused_with_a_try_again_page(client, people):
    response = client.post("/login", data={"username": "arta", "password": "x", "csrf_token": "stale"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'href="/login"' in html  # a way back to the form


def test_htmx_errors_come_back_as_a_message_to_show(client, people, login_as):
    login_as(people.besnik)
    response = client.post(f"/console/people/{people.lulja.id}/code", data={}, headers={"HX-Request": "true"})
    assert response.status_code == 404 and 'role="alert"' in response.get_data(as_text=True)


def test_htmx_csrf_header_is_accepted(client, people, login_as):
    login_as(people.arta)
    page = client.get(f"/console/people/{people.lulja.id}").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    response = client.post(
        f"/console/people/{people.lulja.id}/code", headers={"HX-Request": "true", "X-CSRFToken": token}, no_csrf=True
    )
    assert response.status_code == 200 and "code-display" in response.get_data(as_text=True)


def test_htmx_request_without_token_is_refused(client, people, login_as):
    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/code", headers={"HX-Request": "true"}, no_csrf=True)
    assert response.status_code == 400


def test_request_log_carries_no_client_address(app, org, caplog):
    import logging
    import threading
    import urllib.error
    import urllib.request

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/healthz").read()
        except urllib.error.HTTPError:  # 503 without a worker: the log line is what matters here
            pass
        thread.join()
    server.server_close()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /healthz" in line for line in lines)
    assert not any("127.0.0.1" in line for line in lines)


def test_rate_limit_keys_are_not_addresses(app):
    from pwa.extensions import client_key

    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.9"}):
        assert "203.0.113.9" not in client_key()
