"""Wrong PINs fired at once: the lock still holds at five checked guesses."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import argon2
import pytest
from flask.testing import FlaskClient

from pwa.extensions import db
from pwa.models import Survivor
from pwa.security import DEVICE_COOKIE
from tests import factories


@pytest.fixture
def counted_checks(monkeypatch):
    """Count the PINs checked against the hash; each check takes as long as a real Argon2 one."""
    checked, lock = [], threading.Lock()
    real_verify = argon2.PasswordHasher.verify

    def verify(self, hash, password):
        with lock:
            checked.append(password)
        time.sleep(0.05)
        return real_verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", verify)
    return checked


def test_twenty_wrong_pins_at_once_check_at_most_five(make_app, counted_checks):
    app = make_app(WTF_CSRF_ENABLED=False)
    with app.app_context():
        people = factories.small_organisation(factories.organisation())
        secret, survivor_id = people.lulja.device_secret, people.lulja.id
    start = threading.Barrier(20)

    def guess(number: int) -> int:
        phone = FlaskClient(app, app.response_class)
        phone.set_cookie(DEVICE_COOKIE, secret, domain="dera.test")
        start.wait()
        return phone.post("/unlock", data={"pin": f"{100000 + number}"}).status_code

    counted_checks.clear()
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(guess, range(20)))
    assert all(status in (200, 403) for status in statuses), statuses
    assert len(counted_checks) <= 5, len(counted_checks)
    with app.app_context():
        survivor = db.session.get(Survivor, survivor_id)
        assert survivor.is_locked and survivor.failed_pin_attempts == 5
