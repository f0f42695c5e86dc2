"""A survivor binds her phone with a one-time code, a nickname and a PIN."""
from datetime import timedelta

import pytest

from pwa.auth import services
from pwa.extensions import db
from pwa.models import Device, EnrolmentCode, utcnow
from pwa.security import DEVICE_COOKIE
from tests import factories


@pytest.fixture
def waiting(people):
    """Ylli, just added by Arta, and the code she gave him."""
    ylli = factories.survivor(people.arta, "Ylli", pin=None)
    return ylli, factories.enrolment_code(ylli, people.arta)


def test_enrolment_binds_the_phone_and_signs_in(client, waiting):
    ylli, code = waiting
    response = client.post(f"/enrol/{code}", data={"nickname": "Hëna", "pin": "135790", "pin_again": "135790"})
    assert response.headers["Location"] == "/welcome"
    cookie = client.get_cookie(DEVICE_COOKIE, domain="dera.test")
    assert cookie.http_only and len(cookie.value) >= 40
    db.session.refresh(ylli)
    assert ylli.nickname == "Hëna" and ylli.pin_hash.startswith("$argon2id$")
    assert client.get("/today").status_code == 200


def test_device_secret_is_stored_only_as_a_hash(client, waiting):
    ylli, code = waiting
    client.post(f"/enrol/{code}", data={"nickname": "Ylli", "pin": "135790", "pin_again": "135790"})
    secret = client.get_cookie(DEVICE_COOKIE, domain="dera.test").value
    stored = db.session.scalars(db.select(Device.secret_hash)).all()
    assert secret not in stored and services.digest(secret) in stored


def test_code_works_only_once(client, app, waiting):
    _, code = waiting
    client.post(f"/enrol/{code}", data={"nickname": "Ylli", "pin": "135790", "pin_again": "135790"})
    second = app.test_client().get(f"/enrol/{code}")
    assert second.status_code == 404


def test_code_expires_after_72_hours(client, people):
    ylli = factories.survivor(people.arta, "Ylli", pin=None)
    code = factories.enrolment_code(ylli, people.arta, now=utcnow() - timedelta(hours=72, minutes=1))
    assert client.get(f"/enrol/{code}").status_code == 404


def test_code_can_be_typed_in_lower_case_without_dash(client, waiting):
    _, code = waiting
    response = client.post("/enrol", data={"code": code.replace("-", " ").lower()})
    assert response.status_code == 200 and f'name="code" value="{code}"' in response.get_data(as_text=True)


def test_wrong_code_is_explained(client, people):
    response = client.post("/enrol", data={"code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "form",
    [
        {"nickname": "Ylli", "pin": "12345", "pin_again": "12345"},
        {"nickname": "Ylli", "pin": "12345a", "pin_again": "12345a"},
        {"nickname": "Ylli", "pin": "135790", "pin_again": "135791"},
        {"nickname": "Y", "pin": "135790", "pin_again": "135790"},
    ],
)
def test_bad_enrolment_input_changes_nothing_and_keeps_the_nickname(client, waiting, form):
    ylli, code = waiting
    response = client.post(f"/enrol/{code}", data=form)
    assert response.status_code == 200
    assert f'value="{form["nickname"]}"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(EnrolmentCode.used_at).where(EnrolmentCode.survivor_id == ylli.id)) is None
    assert client.get_cookie(DEVICE_COOKIE, domain="dera.test") is None


def test_enrolment_page_suggests_the_agreed_nickname(client, waiting):
    _, code = waiting
    html = client.post("/enrol", data={"code": code, "step": "choose"}).get_data(as_text=True)
    assert 'value="Ylli"' in html


def test_new_code_replaces_the_old_one_and_the_old_phone(client, app, people):
    old_secret = people.lulja.device_secret
    first = factories.enrolment_code(people.lulja, people.arta)
    second = factories.enrolment_code(people.lulja, people.arta)
    assert client.get(f"/enrol/{first}").status_code == 404
    client.post(f"/enrol/{second}", data={"nickname": "Lulja", "pin": "192837", "pin_again": "192837"})
    old_phone = app.test_client()
    old_phone.set_cookie(DEVICE_COOKIE, old_secret, domain="dera.test")
    assert old_phone.get("/unlock").headers["Location"] == "/"


def test_enrolment_code_is_claimed_once_even_when_racing(app, waiting):
    ylli, code = waiting
    enrolment = services.find_enrolment(db.session, code, utcnow())
    assert services.complete_enrolment(db.session, enrolment, "Ylli", "135790", utcnow()) is not None
    db.session.commit()
    # A second phone that read the code before the first finished gets nothing.
    assert services.complete_enrolment(db.session, enrolment, "Ylli", "135790", utcnow()) is None


def test_welcome_page_explains_quick_exit_and_its_limits(client, waiting):
    _, code = waiting
    client.post(f"/enrol/{code}", data={"nickname": "Ylli", "pin": "135790", "pin_again": "135790"})
    html = client.get("/welcome").get_data(as_text=True)
    assert "Shift" in html and 'href="/today"' in html


def test_guessing_codes_is_limited_wherever_a_code_is_tried(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        people = factories.small_organisation(factories.organisation())
        code = factories.enrolment_code(factories.survivor(people.arta, "Ylli", pin=None), people.arta)
        guesser = app.test_client()
        for number in range(10):
            assert guesser.get(f"/enrol/AAAA-{number:04d}").status_code == 404
        for number in range(10):
            assert guesser.post("/enrol", data={"code": f"AAAA-{number:04d}"}).status_code == 200
        assert guesser.get(f"/enrol/{code}").status_code == 429
        assert guesser.post("/enrol", data={"code": code}).status_code == 429


def test_a_code_only_works_with_this_servers_key(app, waiting):
    ylli, code = waiting
    assert services.find_enrolment(db.session, code, utcnow()) is not None
    app.config["SECRET_KEY"] = "another-secret-key-that-is-long-enough-987654"
    assert services.find_enrolment(db.session, code, utcnow()) is None


def test_the_code_travels_in_the_body_after_it_is_typed(client, waiting):
    ylli, code = waiting
    page = client.post("/enrol", data={"code": code.lower()})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f'name="code" value="{code}"' in html and 'action="/enrol"' in html
    done = client.post("/enrol", data={"code": code, "nickname": "Hëna", "pin": "135790", "pin_again": "135790"})
    assert done.headers["Location"] == "/welcome"
    db.session.refresh(ylli)
    assert ylli.nickname == "Hëna"


def test_a_wrong_code_in_the_body_binds_nothing(client, waiting):
    response = client.post("/enrol", data={"code": "AAAA-AAAA", "nickname": "Hëna", "pin": "135790", "pin_again": "135790"})
    assert response.status_code == 404 and client.get_cookie(DEVICE_COOKIE, domain="dera.test") is None
