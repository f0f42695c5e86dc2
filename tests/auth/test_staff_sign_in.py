"""Staff sign in with username and password."""
import pytest

from pwa.models import Staff
from tests import factories


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


# Someone guessing her name elsewhere cannot lock her out of the browser she signs in on.

def _from(app, address: str):
    """A browser at ``address``."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def _guess(browser, username="arta", password="a wrong guess"):
    return browser.post("/login", data={"username": username, "password": password}).status_code


@pytest.fixture
def limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        yield app, factories.small_organisation(factories.organisation())


def _spend_her_accounts_budget_elsewhere(app, username="arta"):
    """Guesses from ten other addresses, until the account's shared budget is spent."""
    statuses = [_guess(_from(app, f"203.0.113.{n}"), username) for n in range(11)]
    assert statuses[-1] == 429 and statuses.count(200) >= 9


def _browser_signed_in_once(app, person, address: str):
    """A browser at ``address`` where ``person`` signed in and out again."""
    browser = _from(app, address)
    factories.sign_in_staff(browser, person)
    browser.post("/logout", data={})
    return browser


def test_guesses_elsewhere_do_not_lock_her_out_of_her_own_browser(limited):
    app, people = limited
    hers = _browser_signed_in_once(app, people.arta, "192.0.2.10")

    _spend_her_accounts_budget_elsewhere(app)

    # A browser she never signed in on shares the account's budget, even at her address...
    assert _guess(_from(app, "192.0.2.10"), password=factories.PASSWORD) == 429
    # ...hers has its own.
    response = hers.post("/login", data={"username": "arta", "password": factories.PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/console/"


def test_with_the_second_factor_her_browser_is_known_only_after_the_code(limited):
    app, people = limited
    hers = _from(app, "192.0.2.10")
    assert hers.post("/login", data={"username": "drita", "password": factories.PASSWORD}).headers["Location"] == "/login/code"
    assert hers.get_cookie("dera_staff_browser", domain="dera.test", path="/login") is None
    hers.post("/login/code", data={"code": factories.second_factor_code(people.supervisor)})
    hers.post("/logout", data={})

    _spend_her_accounts_budget_elsewhere(app, "drita")

    assert hers.post("/login", data={"username": "drita", "password": factories.PASSWORD}).headers["Location"] == "/login/code"
    response = hers.post("/login/code", data={"code": factories.second_factor_code(people.supervisor)})
    assert response.headers["Location"] == "/console/"


def test_her_own_browser_has_a_limit_too(limited):
    app, people = limited
    hers = _browser_signed_in_once(app, people.arta, "192.0.2.10")
    hers.environ_base["REMOTE_ADDR"] = "192.0.2.11"  # her phone's browser, now on another network
    statuses = [_guess(hers) for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    # Her browser's guesses were her own: the account's shared budget is untouched.
    assert _guess(_from(app, "198.51.100.7"), password=factories.PASSWORD) == 302


def test_a_browser_known_for_one_account_gets_no_budget_for_another(limited):
    app, people = limited
    besniks = _browser_signed_in_once(app, people.besnik, "192.0.2.20")
    _spend_her_accounts_budget_elsewhere(app)
    assert _guess(besniks, password=factories.PASSWORD) == 429


def test_a_forged_or_copied_mark_gets_no_budget_of_its_own(limited):
    app, people = limited
    _spend_her_accounts_budget_elsewhere(app)
    forger = _from(app, "203.0.113.200")
    forger.set_cookie("dera_staff_browser", "eyJhIjoidXNlcm5hbWU6eCIsImIiOiJ5In0.forged.signature", domain="dera.test", path="/login")
    assert _guess(forger, password=factories.PASSWORD) == 429
