"""Asking for help on the phone: the three questions, the note, the request's state, withdrawing."""
import re
import uuid

import pytest
from sqlalchemy import func, select, text

from pwa.extensions import db
from pwa.models import HelpRequest, PushMessage
from tests import factories

ANSWERS = {"setback": "health", "urgency": "now", "contact": "call", "note": ""}


def _form_key(html: str) -> str:
    return re.search(r'name="key" type="hidden" value="([^"]+)"', html).group(1)


def _ask(client, **changes):
    key = _form_key(client.get("/help").get_data(as_text=True))
    return client.post("/help", data={**ANSWERS, "key": key, **changes})


def _count() -> int:
    return db.session.scalar(select(func.count(HelpRequest.id)))


def test_the_page_asks_three_questions_and_says_112(client, people, login_as):
    login_as(people.lulja)
    html = client.get("/help").get_data(as_text=True)
    for question in ("Çfarë ndodhi?", "Sa shpejt të duhet ndihma?", "Si të lidhemi me ty?"):
        assert question in html
    assert 'href="tel:112"' in html
    assert html.count('name="setback"') == 11 and html.count('name="urgency"') == 3 and html.count('name="contact"') == 3


def test_every_setback_has_an_icon_hidden_from_screen_readers(client, people, login_as):
    login_as(people.lulja)
    html = client.get("/help").get_data(as_text=True)
    assert html.count('<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"') == 11


def test_the_form_carries_a_fresh_key_each_time(client, people, login_as):
    login_as(people.lulja)
    first, second = (_form_key(client.get("/help").get_data(as_text=True)) for _ in range(2))
    assert first != second and uuid.UUID(first)


def test_sending_stores_one_request_and_shows_it(client, people, login_as):
    login_as(people.lulja)
    response = _ask(client, note="Më pushuan nga puna")
    assert response.status_code == 303
    request = db.session.scalar(select(HelpRequest))
    assert (request.setback, request.urgency, request.contact, request.note) == ("health", "now", "call", "Më pushuan nga puna")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Do të të përgjigjet: Arta" in page and "U dërgua" in page


def test_the_same_key_twice_is_one_request(client, people, login_as):
    login_as(people.lulja)
    key = _form_key(client.get("/help").get_data(as_text=True))
    first = client.post("/help", data={**ANSWERS, "key": key})
    second = client.post("/help", data={**ANSWERS, "key": key})
    assert first.headers["Location"] == second.headers["Location"]
    assert _count() == 1


def test_the_note_is_encrypted_at_rest(client, people, login_as):
    login_as(people.lulja)
    _ask(client, note="Pronari do të më nxjerrë nga shtëpia")
    raw = db.session.execute(text("SELECT note FROM help_request")).scalar()
    assert b"Pronari" not in bytes(raw)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("setback", "lottery", "Zgjidh çfarë ndodhi."),
        ("setback", "", "Zgjidh çfarë ndodhi."),
        ("urgency", "yesterday", "Zgjidh sa shpejt të duhet ndihma."),
        ("contact", "pigeon", "Zgjidh si të lidhemi me ty."),
    ],
)
def test_unknown_answers_are_explained_and_nothing_is_stored(client, people, login_as, field, value, message):
    login_as(people.lulja)
    response = _ask(client, **{field: value}, note="mbaje këtë")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert "mbaje këtë" in html  # what she wrote is kept
    assert _count() == 0


def test_a_long_note_is_explained_and_nothing_is_stored(client, people, login_as):
    login_as(people.lulja)
    html = _ask(client, note="a" * 501).get_data(as_text=True)
    assert "500" in html and _count() == 0


def test_a_form_without_a_key_gets_a_new_one_and_stores_nothing(client, people, login_as):
    login_as(people.lulja)
    html = client.post("/help", data={**ANSWERS, "key": "not-a-key"}).get_data(as_text=True)
    assert "nuk u dërgua asgjë" in html and uuid.UUID(_form_key(html))
    assert _count() == 0


def test_sending_queues_the_notification_in_the_same_transaction(client, people, login_as, push_service):
    browser = push_service.browser()
    from pwa.push.services import save_subscription
    from pwa.models import utcnow

    save_subscription(db.session, people.arta, browser.endpoint, browser.p256dh, browser.auth_b64, utcnow())
    db.session.commit()
    login_as(people.lulja)
    _ask(client)
    assert db.session.scalar(select(func.count(PushMessage.id))) == 1


def test_she_withdraws_her_request(client, people, login_as):
    request = factories.help_request(people.lulja)
    login_as(people.lulja)
    response = client.post(f"/help/requests/{request.id}/withdraw", data={})
    assert response.status_code == 303
    db.session.refresh(request)
    assert request.status == "withdrawn" and request.closed_at is not None
    assert "Ti the që tani je mirë." in client.get(f"/help/requests/{request.id}").get_data(as_text=True)


def test_withdrawing_with_htmx_returns_the_status_fragment(client, people, login_as):
    request = factories.help_request(people.lulja)
    login_as(people.lulja)
    response = client.post(f"/help/requests/{request.id}/withdraw", data={}, headers={"HX-Request": "true"})
    assert 'class="request-status"' in response.get_data(as_text=True) and "<h1" not in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def test_the_page_shows_seen_once_staff_acknowledge(client, people, login_as):
    from pwa.help import services
    from pwa.models import utcnow

    request = factories.help_request(people.lulja)
    services.acknowledge(request, people.arta, utcnow())
    db.session.commit()
    login_as(people.lulja)
    html = client.get(f"/help/requests/{request.id}/status", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert re.search(r'<li class="done">U pa', html)


def test_past_requests_are_listed(client, people, login_as):
    factories.help_request(people.lulja, setback="housing")
    login_as(people.lulja)
    html = client.get("/help").get_data(as_text=True)
    assert "Kërkesat e tua" in html and "Problem me shtëpinë" in html


def test_today_shows_her_open_request(client, people, login_as):
    request = factories.help_request(people.lulja)
    login_as(people.lulja)
    assert f'href="/help/requests/{request.id}"' in client.get("/today").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/help/requests/{id}", "/help/requests/{id}/status"])
@pytest.mark.parametrize("htmx", [{}, {"HX-Request": "true"}])
def test_someone_elses_request_is_not_found(client, people, login_as, path, htmx):
    request = factories.help_request(people.dielli)
    login_as(people.lulja)
    assert client.get(path.format(id=request.id), headers=htmx).status_code == 404


def test_she_cannot_withdraw_someone_elses_request(client, people, login_as):
    request = factories.help_request(people.dielli)
    login_as(people.lulja)
    assert client.post(f"/help/requests/{request.id}/withdraw", data={}).status_code == 404
    db.session.refresh(request)
    assert request.status == "sent"


def test_polling_the_status_does_not_keep_the_app_unlocked(client, people, login_as, app):
    import time

    request = factories.help_request(people.lulja)
    login_as(people.lulja)
    with client.session_transaction() as session:
        session["seen"] = time.time() - 4 * 60
    client.get(f"/help/requests/{request.id}/status", headers={"HX-Request": "true"})
    with client.session_transaction() as session:
        assert time.time() - session["seen"] > 3 * 60


def test_polling_an_unchanged_request_gets_nothing_new(client, people, login_as):
    from pwa.help import services
    from pwa.models import utcnow

    request = factories.help_request(people.lulja)
    login_as(people.lulja)
    url = f"/help/requests/{request.id}/status?shown={request.state_key}"
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 204
    services.acknowledge(request, people.arta, utcnow())
    db.session.commit()
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200


def test_sending_is_limited_and_the_page_still_opens(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        people = factories.small_organisation(factories.organisation())
        phone = app.test_client()
        factories.sign_in_survivor(phone, people.lulja)
        for _ in range(60):
            assert _ask(phone).status_code == 303
        assert _ask(phone).status_code == 429
        assert phone.get("/help").status_code == 200
        assert _count() == 60
