"""The second factor: enrol with the app, sign in with its code, a wrong code, recovery codes used once, rate limits."""
import re

import pyotp
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import RecoveryCode
from tests import factories

PASSWORD = {"password": factories.PASSWORD}


def _password_step(client, person):
    response = client.post("/login", data={"username": person.username, **PASSWORD})
    assert response.headers["Location"] == "/login/code"


def _enrol(client, person) -> list[str]:
    """Set up the app as a person does: open the page, read the key, type the app's code."""
    html = client.get("/console/account/two-factor").get_data(as_text=True)
    assert "<svg" in html
    db.session.refresh(person)
    code = pyotp.TOTP(person.totp_secret).now()
    html = client.post("/console/account/two-factor", data={"code": code}).get_data(as_text=True)
    return re.findall(r"<code>([A-Z0-9-]+)</code>", html)


def test_a_supervisor_without_the_app_is_sent_to_set_it_up_and_then_signs_in_with_it(app, client, people):
    people.supervisor.totp_secret = people.supervisor.totp_enabled_at = None
    db.session.commit()
    factories.sign_in_staff(client, people.supervisor)
    assert client.get("/console/").headers["Location"] == "/console/account/two-factor"
    assert client.get("/console/staff").headers["Location"] == "/console/account/two-factor"
    codes = _enrol(client, people.supervisor)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/console/").status_code == 200
    # The codes are kept only as hashes.
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert not stored & {c.replace("-", "") for c in codes}
    other = app.test_client()
    _password_step(other, people.supervisor)
    assert other.post("/login/code", data={"code": factories.second_factor_code(people.supervisor)}).headers["Location"] == "/console/"


def test_a_wrong_code_does_not_sign_in(client, people):
    _password_step(client, people.supervisor)
    response = client.post("/login/code", data={"code": "000000"})
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    assert client.get("/console/").headers["Location"] == "/login"


def test_the_password_alone_opens_nothing(client, people):
    _password_step(client, people.supervisor)
    assert client.get("/console/").headers["Location"] == "/login"


def test_a_code_from_the_app_works_once(app, client, people):
    _password_step(client, people.supervisor)
    code = factories.second_factor_code(people.supervisor)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    other = app.test_client()
    _password_step(other, people.supervisor)
    assert other.post("/login/code", data={"code": code}).status_code == 200


def test_a_recovery_code_signs_in_once(app, client, people):
    from pwa.staff.services import new_recovery_codes
    from pwa.models import utcnow

    codes = new_recovery_codes(db.session, people.supervisor, utcnow(), app.config["SECRET_KEY"])
    db.session.commit()
    _password_step(client, people.supervisor)
    assert client.post("/login/code", data={"code": codes[0].lower()}).headers["Location"] == "/console/"
    other = app.test_client()
    _password_step(other, people.supervisor)
    assert other.post("/login/code", data={"code": codes[0]}).status_code == 200
    assert db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.used_at.is_(None))) == 9


def test_too_many_wrong_codes_start_the_sign_in_again(client, people):
    _password_step(client, people.supervisor)
    for _ in range(4):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 200
    assert client.post("/login/code", data={"code": "000000"}).headers["Location"] == "/login"
    # Even the right code now needs the password first.
    assert client.post("/login/code", data={"code": factories.second_factor_code(people.supervisor)}).headers["Location"] == "/login"


def test_the_code_step_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        people = factories.small_organisation(factories.organisation())
        client = app.test_client()
        _password_step(client, people.supervisor)
        statuses = [client.post("/login/code", data={"code": "000000"}).status_code for _ in range(6)]
    assert 429 in statuses


def test_case_managers_need_the_app_when_the_organisation_says_so(client, people):
    people.org.case_manager_two_factor = True
    db.session.commit()
    factories.sign_in_staff(client, people.arta)
    assert client.get("/console/").headers["Location"] == "/console/account/two-factor"


def test_case_managers_do_without_by_default(client, people):
    factories.sign_in_staff(client, people.arta)
    assert client.get("/console/").status_code == 200


def test_a_supervisor_clears_a_lost_app(app, client, people, login_as):
    people.arta.role = factories.Role.SUPERVISOR
    db.session.commit()
    login_as(people.supervisor)
    arta = app.test_client()
    factories.sign_in_staff(arta, people.arta)
    _enrol(arta, people.arta)
    client.post(f"/console/staff/{people.arta.id}/two-factor/reset", data={})
    db.session.refresh(people.arta)
    assert not people.arta.has_two_factor
    assert arta.get("/console/").headers["Location"] == "/login"
