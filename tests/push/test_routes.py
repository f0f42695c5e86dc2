"""Subscribing a browser to push: who may, and what is accepted."""
import pytest
from sqlalchemy import select

from pwa.extensions import db
from pwa.models import PushSubscription


@pytest.fixture
def browser(push_service):
    return push_service.browser()


def _post_json(client, url, body):
    page = client.get("/no-such-page").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    return client.post(url, json=body, headers={"X-CSRFToken": token}, no_csrf=True)


def test_public_key_is_published(client, push_service):
    key = client.get("/push/key").json["publicKey"]
    assert len(key) == 87  # 65 bytes, base64url


def test_no_key_no_push(client, org, app):
    app.config["VAPID_PRIVATE_KEY_FILE"] = "/nonexistent.pem"
    assert client.get("/push/key").status_code == 404


def test_survivor_subscribes_and_unsubscribes(client, people, login_as, browser):
    login_as(people.lulja)
    assert _post_json(client, "/push/subscriptions", browser.subscription_json()).status_code == 201
    saved = db.session.scalar(select(PushSubscription))
    assert saved.survivor_id == people.lulja.id and saved.staff_id is None
    assert _post_json(client, "/push/subscriptions/remove", {"endpoint": browser.endpoint}).status_code == 200
    assert db.session.scalar(select(PushSubscription)) is None


def test_staff_subscribe_too(client, people, login_as, browser):
    login_as(people.arta)
    _post_json(client, "/push/subscriptions", browser.subscription_json())
    assert db.session.scalar(select(PushSubscription.staff_id)) == people.arta.id


def test_nobody_signed_in_cannot_subscribe(client, org, browser):
    assert _post_json(client, "/push/subscriptions", browser.subscription_json()).status_code == 401


def test_subscribing_needs_the_form_token(client, people, login_as, browser):
    login_as(people.lulja)
    assert client.post("/push/subscriptions", json=browser.subscription_json(), no_csrf=True).status_code == 400


@pytest.mark.parametrize(
    "change",
    [
        {"endpoint": "http://evil.example/push"},
        {"endpoint": "ftp://x"},
        {"keys": {"p256dh": "short", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}},
        {"keys": {"p256dh": "x" * 87, "auth": "!!"}},
        {"keys": None},
    ],
)
def test_malformed_subscriptions_are_refused(client, people, login_as, browser, change):
    login_as(people.lulja)
    assert _post_json(client, "/push/subscriptions", {**browser.subscription_json(), **change}).status_code == 400
    assert db.session.scalar(select(PushSubscription)) is None


def test_one_cannot_remove_someone_elses_subscription(app, client, people, login_as, browser):
    other = app.test_client()
    login_as(people.lulja)
    _post_json(client, "/push/subscriptions", browser.subscription_json())
    from tests import factories

    factories.sign_in_survivor(other, people.dielli)
    _post_json(other, "/push/subscriptions/remove", {"endpoint": browser.endpoint})
    assert db.session.scalar(select(PushSubscription)) is not None


def test_the_service_worker_renews_a_subscription_with_the_old_endpoint(client, people, login_as, browser, push_service):
    login_as(people.lulja)
    _post_json(client, "/push/subscriptions", browser.subscription_json())
    renewed = push_service.browser()
    response = client.post("/push/resubscribe", json={"oldEndpoint": browser.endpoint, **renewed.subscription_json()}, no_csrf=True)
    assert response.status_code == 200
    assert db.session.scalar(select(PushSubscription.endpoint)) == renewed.endpoint


def test_renewal_needs_a_known_old_endpoint(client, org, push_service):
    renewed = push_service.browser()
    response = client.post("/push/resubscribe", json={"oldEndpoint": "https://unknown/x", **renewed.subscription_json()}, no_csrf=True)
    assert response.status_code == 404
