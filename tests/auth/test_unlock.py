"""Unlocking with the PIN on the enrolled phone; five wrong PINs lock the account."""
import pytest

from pwa.extensions import db
from pwa.security import DEVICE_COOKIE
from pwa.models import utcnow as _utcnow
from tests import factories


@pytest.fixture
def phone(client, people):
    client.set_cookie(DEVICE_COOKIE, people.lulja.device_secret, domain="dera.test")
    return client


def test_enrolled_phone_opens_on_the_pin_page(phone):
    assert phone.get("/").headers["Location"] == "/unlock"
    assert phone.get("/unlock").status_code == 200


def test_right_pin_opens_today(phone, people):
    response = phone.post("/unlock", data={"pin": factories.PIN})
    assert response.headers["Location"] == "/today"
    assert "Lulja" in phone.get("/today").get_data(as_text=True)


def test_wrong_pin_says_how_many_tries_are_left(phone, people):
    html = phone.post("/unlock", data={"pin": "000000"}).get_data(as_text=True)
    assert "4" in html and 'aria-invalid="true"' in html


def test_five_wrong_pins_lock_the_account(phone, people):
    for _ in range(5):
        response = phone.post("/unlock", data={"pin": "000000"})
    assert response.status_code == 403
    db.session.refresh(people.lulja)
    assert people.lulja.is_locked
    # Even the right PIN no longer opens it.
    assert phone.post("/unlock", data={"pin": factories.PIN}).status_code == 403


def test_locked_page_says_what_to_do(phone, people):
    for _ in range(5):
        phone.post("/unlock", data={"pin": "000000"})
    html = phone.get("/unlock").get_data(as_text=True)
    assert 'href="tel:112"' in html


def test_right_pin_resets_the_count(phone, people):
    for _ in range(4):
        phone.post("/unlock", data={"pin": "000000"})
    phone.post("/unlock", data={"pin": factories.PIN})
    db.session.refresh(people.lulja)
    assert people.lulja.failed_pin_attempts == 0


def test_locking_ends_open_sessions(app, people):
    open_session = app.test_client()
    factories.sign_in_survivor(open_session, people.lulja)
    attacker = app.test_client()
    attacker.set_cookie(DEVICE_COOKIE, people.lulja.device_secret, domain="dera.test")
    for _ in range(5):
        attacker.post("/unlock", data={"pin": "000000"})
    assert open_session.get("/today").status_code == 302


def test_reenrolment_unlocks(client, app, people):
    lulja = people.lulja
    lulja.failed_pin_attempts, lulja.locked_at = 5, _utcnow()
    db.session.commit()
    code = factories.enrolment_code(lulja, people.arta)
    client.post(f"/enrol/{code}", data={"nickname": "Lulja", "pin": "192837", "pin_again": "192837"})
    db.session.refresh(lulja)
    assert not lulja.is_locked and lulja.failed_pin_attempts == 0


def test_without_a_device_cookie_there_is_no_pin_page(client, people):
    assert client.get("/unlock").headers["Location"] == "/"


def test_a_forged_device_cookie_is_ignored(client, people):
    client.set_cookie(DEVICE_COOKIE, "x" * 43, domain="dera.test")
    assert client.get("/unlock").headers["Location"] == "/"


def test_survivor_can_change_her_pin(client, people, login_as):
    login_as(people.lulja)
    response = client.post("/settings", data={"current_pin": factories.PIN, "new_pin": "975310", "new_pin_again": "975310"})
    assert response.status_code == 302
    db.session.refresh(people.lulja)
    from pwa.auth.services import verify_secret

    assert verify_secret(people.lulja.pin_hash, "975310")
