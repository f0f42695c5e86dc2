"""Fixtures for the push tests: Lulja's browser, subscribed to the local push service."""
import pytest

from pwa.extensions import db
from pwa.models import utcnow
from pwa.push import services


@pytest.fixture
def subscribed(app, people, push_service):
    browser = push_service.browser()
    services.save_subscription(db.session, people.lulja, browser.endpoint, browser.p256dh, browser.auth_b64, utcnow())
    db.session.commit()
    return browser
