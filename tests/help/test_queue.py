"""The queue endpoint: requests kept on the phone while offline, sent later by the page or the service worker."""
import re
import time
import uuid

import pytest
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.help import services
from pwa.models import HelpRequest
from pwa.security import DEVICE_COOKIE

SECRET = "test-secret-key-that-is-long-enough-0123456789"
ANSWERS = {"setback": "housing", "urgency": "today", "contact": "message", "note": "Qiraja"}


@pytest.fixture
def phone(app, people):
    """Lulja's phone: its device cookie, with no session (the idle lock may have ended it)."""
    phone = app.test_client()
    phone.set_cookie(DEVICE_COOKIE, people.lulja.device_secret, domain="dera.test")
    return phone


def _item(people, **changes):
    return {**ANSWERS, "key": str(uuid.uuid4()), "token": services.make_queue_token(SECRET, people.lulja), **changes}


def _count() -> int:
    return db.session.scalar(select(func.count(HelpRequest.id)))


def test_a_queued_request_is_stored_once_however_often_it_is_replayed(phone, people):
    item = _item(people)
    first = phone.post("/help/queue", json=item)
    assert first.status_code == 201 and first.json["url"] == f"/help/requests/{first.json['id']}"
    for _ in range(3):
        again = phone.post("/help/queue", json=item)
        assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert _count() == 1


def test_no_form_token_is_needed_but_the_queue_token_is(phone, people):
    assert phone.post("/help/queue", json=_item(people, token="forged")).status_code == 401
    assert _count() == 0


def test_another_phone_cannot_send_with_her_token(app, people):
    other = app.test_client()
    other.set_cookie(DEVICE_COOKIE, people.dielli.device_secret, domain="dera.test")
    assert other.post("/help/queue", json=_item(people)).status_code == 401
    assert _count() == 0


def test_a_phone_without_its_cookie_cannot_send(app, people):
    assert app.test_client().post("/help/queue", json=_item(people)).status_code == 401


def test_a_locked_account_cannot_send(phone, people):
    from pwa.models import utcnow

    people.lulja.locked_at = utcnow()
    db.session.commit()
    assert phone.post("/help/queue", json=_item(people)).status_code == 401


@pytest.mark.parametrize("change", [{"setback": "lottery"}, {"urgency": ""}, {"contact": None}, {"key": "not-a-uuid"}, {"note": "a" * 501}])
def test_malformed_requests_are_refused_and_nothing_is_stored(phone, people, change):
    response = phone.post("/help/queue", json=_item(people, **change))
    assert response.status_code == 400 and response.json["errors"]
    assert _count() == 0


def test_the_answers_are_explained_in_her_language(phone, people):
    response = phone.post("/help/queue", json=_item(people, setback="lottery"))
    assert response.json["errors"]["setback"] == ["Zgjidh çfarë ndodhi."]


def test_not_json_is_refused(phone):
    assert phone.post("/help/queue", data="x").status_code == 415
    assert phone.post("/help/queue", data="x", content_type="application/json").status_code == 400


def test_it_works_after_the_idle_lock_and_does_not_unlock_the_app(client, people, login_as):
    login_as(people.lulja)
    with client.session_transaction() as session:
        session["seen"] = time.time() - 3600
    response = client.post("/help/queue", json=_item(people))
    assert response.status_code == 201
    assert client.get("/today").headers["Location"] == "/unlock"


def test_signed_in_pages_carry_the_queue_token_and_the_module(client, people, login_as):
    login_as(people.lulja)
    html = client.get("/today").get_data(as_text=True)
    token = re.search(r'<meta name="help-queue" content="([^"]+)" data-url="/help/queue">', html).group(1)
    assert services.queue_sender(SECRET, token, None, 7) == people.lulja.id
    assert 'type="module" src="/static/js/offline-queue.js' in html


def test_staff_pages_carry_no_queue_token(client, people, login_as):
    login_as(people.arta)
    assert 'name="help-queue"' not in client.get("/console/").get_data(as_text=True)


def test_the_service_worker_knows_the_queue(client, org):
    worker = client.get("/sw.js").get_data(as_text=True)
    assert '"helpQueue": "/help/queue"' in worker and 'addEventListener("sync"' in worker


def test_a_request_queued_before_she_was_moved_to_another_phone_is_refused(phone, people):
    item = _item(people)
    from pwa.auth import services as auth
    from pwa.models import utcnow

    code = auth.issue_enrolment_code(db.session, people.lulja, people.arta, utcnow(), 72)
    auth.complete_enrolment(db.session, auth.find_enrolment(db.session, code, utcnow()), "Lulja", "135790", utcnow())
    db.session.commit()
    assert phone.post("/help/queue", json=item).status_code == 401


def test_strangers_cannot_use_up_her_queue(make_app):
    from tests import factories

    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        people = factories.small_organisation(factories.organisation())
        stranger = app.test_client()
        for _ in range(60):
            assert stranger.post("/help/queue", json=_item(people, token="forged")).status_code == 401
        assert stranger.post("/help/queue", json=_item(people, token="forged")).status_code == 429
        phone = app.test_client()
        phone.set_cookie(DEVICE_COOKIE, people.lulja.device_secret, domain="dera.test")
        assert phone.post("/help/queue", json=_item(people)).status_code == 201


def test_her_refused_requests_do_not_use_up_her_good_ones(make_app):
    from tests import factories

    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        people = factories.small_organisation(factories.organisation())
        phone = app.test_client()
        phone.set_cookie(DEVICE_COOKIE, people.lulja.device_secret, domain="dera.test")
        for _ in range(60):
            assert phone.post("/help/queue", json=_item(people, setback="lottery")).status_code == 400
        assert phone.post("/help/queue", json=_item(people)).status_code == 201
