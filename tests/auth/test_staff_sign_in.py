"""Staff sign in with username and password."""
from pwa.models import Staff


def test_staff_sign_in_leads_to_caseload(client, people):
    response = client.post("/login", data={"username": "arta", "password": "correct horse battery"})
    assert response.headers["Location"] == "/console/"
    assert "Lulja" in client.get("/console/").get_data(as_text=True)


def test_wrong_password_says_so_and_keeps_username(client, people):
    response = client.post("/login", data={"username": "arta", "password": "wrong"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="arta"' in html
    assert "do not match" in html or "nuk përputhen" in html


def test_password_is_stored_as_argon2_hash(people):
    assert people.arta.password_hash.startswith("$argon2id$")


def test_inactive_staff_cannot_sign_in(client, people, app):
    people.arta.active = False
    from pwa.extensions import db

    db.session.commit()
    response = client.post("/login", data={"username": "arta", "password": "correct horse battery"})
    assert response.status_code == 200


def test_sign_out_ends_every_session(client, people, login_as, app):
    login_as(people.arta)
    other = app.test_client()
    other.post("/login", data={"username": "arta", "password": "correct horse battery"})
    client.post("/logout", data={})
    assert other.get("/console/").status_code == 302


def test_sign_in_is_rate_limited(make_app, org):
    from tests import factories

    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        factories.staff(factories.organisation("Rate"), "arta")
        client = app.test_client()
        statuses = [client.post("/login", data={"username": "arta", "password": "nope"}).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[-1] == 429


def test_username_is_case_insensitive(client, people):
    response = client.post("/login", data={"username": "  ARTA ", "password": "correct horse battery"})
    assert response.status_code == 302
    assert isinstance(people.arta, Staff)


def test_guesses_at_one_account_from_many_addresses_are_limited_even_at_once(make_app, monkeypatch):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import argon2
    from flask.testing import FlaskClient

    from tests import factories

    checked, lock = [], threading.Lock()
    real_verify = argon2.PasswordHasher.verify

    def verify(self, hash, password):
        with lock:
            checked.append(password)
        return real_verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", verify)
    app = make_app(RATELIMIT_ENABLED=True, WTF_CSRF_ENABLED=False)
    with app.app_context():
        factories.small_organisation(factories.organisation())
    start = threading.Barrier(20)

    def guess(number: int) -> int:
        browser = FlaskClient(app, app.response_class)
        start.wait()
        return browser.post(
            "/login", data={"username": "Arta ", "password": f"guess {number}"}, environ_base={"REMOTE_ADDR": f"10.0.0.{number}"}
        ).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(guess, range(20)))
    assert statuses.count(429) == 10 and len(checked) == 10, (statuses, len(checked))
