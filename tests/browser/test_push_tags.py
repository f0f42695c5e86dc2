"""A notification delivered twice is shown once: the service worker tags it with its message id."""
import json

import pytest

from tests.browser.test_shell import controlled, people, until  # noqa: F401 (people is a fixture)
from tests.browser.test_foundation import bind_phone, unlock

SHOWN = "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(n => n.map(x => ({tag: x.tag, body: x.body})))"
# When the notification under each tag was shown.
SHOWN_AT = "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(n => Object.fromEntries(n.map(x => [x.tag, x.timestamp])))"


@pytest.fixture
def unlocked(phone, people):  # noqa: F811
    """Lulja's phone, unlocked, its page controlled by the service worker, notifications allowed."""
    phone.context.grant_permissions(["notifications"])
    bind_phone(phone, people[2])
    unlock(phone)
    controlled(phone.page)
    return phone


def _push_sender(phone):
    """Deliver push messages to the phone's service worker, as its push service would."""
    page = phone.page
    cdp = phone.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.evaluate("navigator.serviceWorker.ready")
    for _ in range(50):
        if registrations:
            break
        page.wait_for_timeout(100)
    registration_id = registrations[0]["registrationId"]

    def deliver(payload: dict) -> None:
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": phone.base_url, "registrationId": registration_id, "data": json.dumps(payload)})

    return deliver


def test_a_message_delivered_twice_shows_one_notification(unlocked):
    page = unlocked.page
    deliver = _push_sender(unlocked)
    message = {"title": "Dera", "body": "Ke një kujtesë", "url": "/appointments", "id": 41}
    deliver(message)
    until(page, f"async () => (await {SHOWN}).length === 1")
    deliver({**message, "id": 42, "body": "Kujtesë tjetër"})
    until(page, f"async () => (await {SHOWN}).length === 2")
    first_shown = page.evaluate(f"{SHOWN_AT}.then(at => at['dera-41'])")
    page.wait_for_timeout(50)  # so the copy, shown later, has a later timestamp (milliseconds)
    deliver(message)  # the worker died after sending it, before recording it: sent again
    # The copy was shown (the notification under its tag is a newer one) and took the first one's place.
    until(page, f"async () => (await {SHOWN_AT})['dera-41'] > {first_shown}")
    shown = sorted(page.evaluate(SHOWN), key=lambda n: n["tag"])
    assert shown == [{"tag": "dera-41", "body": "Ke një kujtesë"}, {"tag": "dera-42", "body": "Kujtesë tjetër"}]


def test_a_notifications_own_tag_wins_so_a_newer_reminder_replaces_the_older(unlocked):
    page = unlocked.page
    deliver = _push_sender(unlocked)
    deliver({"title": "Dera", "body": "nesër", "tag": "reminder-5", "id": 1})
    until(page, f"async () => (await {SHOWN}).length === 1")
    deliver({"title": "Dera", "body": "sot", "tag": "reminder-5", "id": 2})
    until(page, f"async () => (await {SHOWN})[0].body === 'sot'")
    assert page.evaluate(SHOWN) == [{"tag": "reminder-5", "body": "sot"}]
