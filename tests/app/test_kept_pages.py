"""Pages kept rendered: sent again from memory, and never once anything they show has changed."""
import re
from datetime import datetime, timedelta, timezone

import brotli
import pytest
from sqlalchemy import select, update

from pwa.extensions import db
from pwa.models import AuditEvent, Goal, HelpRequest, Organisation
from tests import factories
from tests.conftest import decoded_body
from tests.queries import recorded_statements

NOW = datetime(2026, 11, 30, 9, 0, 10, tzinfo=timezone.utc)
ANSWERS = {"setback": "health", "urgency": "now", "contact": "call", "note": ""}


@pytest.fixture
def clock(app):
    """The app's clock, held still; ``clock.at`` moves it."""

    class Clock:
        at = NOW

    app.config["CLOCK"] = lambda: Clock.at
    return Clock


def _statements(client, path: str, **kwargs):
    with recorded_statements() as statements:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return response, len(statements)


def _version() -> str:
    db.session.expire_all()
    return db.session.scalar(select(Organisation.view_version))


@pytest.mark.parametrize("path", ["/today", "/plan", "/contacts", "/help", "/services"])
def test_a_page_opened_again_is_sent_from_memory(client, people, login_as, clock, path):
    login_as(people.lulja)
    first, _ = _statements(client, path)
    again, statements = _statements(client, path)
    assert statements == 1  # who is signed in, with the organisation's view version
    first, again = decoded_body(first), decoded_body(again)
    if path == "/help":  # a new key for a new request on every page sent
        first, again = (re.sub(rb'name="key" type="hidden" value="[^"]+"', b"", body) for body in (first, again))
    assert first == again


@pytest.mark.parametrize("who, path", [
    ("arta", "/console/"), ("arta", "/console/inbox"), ("supervisor", "/console/"), ("supervisor", "/console/inbox"),
    ("supervisor", "/console/duty"), ("supervisor", "/console/?closed=1"), ("supervisor", "/console/staff"),
    ("supervisor", "/console/rota/"), ("supervisor", "/console/services/"), ("supervisor", "/console/services/reports"),
])
def test_staff_lists_opened_again_are_sent_from_memory(client, people, login_as, clock, who, path):
    login_as(getattr(people, who))
    client.get(path)  # shows (and so ends) any message left at sign-in
    first, _ = _statements(client, path)
    again, statements = _statements(client, path)
    assert statements == 1 and first.get_data() == again.get_data()


def test_what_staff_do_shows_on_her_next_page_at_once(app, client, people, login_as, clock):
    login_as(people.lulja)
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', client.get("/help").get_data(as_text=True)).group(1)
    address = client.post("/help", data={**ANSWERS, "key": key}).headers["Location"]
    sent = client.get(address).get_data(as_text=True)
    assert client.get(address).get_data(as_text=True) == sent

    staff = app.test_client()
    factories.sign_in_staff(staff, people.arta)
    inbox = staff.get("/console/inbox").get_data(as_text=True)
    request_id = db.session.scalar(select(HelpRequest.id))
    assert staff.post(f"/console/requests/{request_id}/seen", data={"next": "inbox"}).status_code == 303

    seen = client.get(address).get_data(as_text=True)
    assert seen != sent and "U pa" in seen
    assert staff.get("/console/inbox").get_data(as_text=True) != inbox


def test_her_own_change_shows_on_her_next_page(client, people, login_as, clock):
    login_as(people.lulja)
    goal = factories.goal(people.lulja, steps=("Zgjidh një kurs",))
    before = client.get(f"/plan/goals/{goal.id}").get_data(as_text=True)
    assert "Regjistrohu" not in before
    assert client.post(f"/plan/goals/{goal.id}/steps", data={"text": "Regjistrohu"}).status_code == 303
    after = client.get(f"/plan/goals/{goal.id}").get_data(as_text=True)
    assert "Regjistrohu" in after and "Hapi yt u shtua." in after  # the message, once
    again = client.get(f"/plan/goals/{goal.id}").get_data(as_text=True)
    assert "Regjistrohu" in again and "Hapi yt u shtua." not in again


def test_a_change_written_in_bulk_renews_the_version(client, people, login_as, clock):
    goal = factories.goal(people.lulja, title="Gjej një kurs")
    login_as(people.lulja)
    assert "Gjej një kurs" in client.get("/plan").get_data(as_text=True)
    version = _version()
    db.session.execute(update(Goal).where(Goal.id == goal.id).values(title="Gjej një punë"))
    db.session.commit()
    assert _version() != version
    page = client.get("/plan").get_data(as_text=True)
    assert "Gjej një punë" in page and "Gjej një kurs" not in page


def test_what_no_page_shows_keeps_the_version(client, people, login_as, clock):
    login_as(people.arta)
    version = _version()
    assert client.get(f"/console/people/{people.lulja.id}").status_code == 200  # writes an audit event
    assert db.session.scalar(select(AuditEvent.id).limit(1)) is not None
    assert _version() == version


def _without_signed_tokens(page: str) -> str:
    # The form tokens carry the second they were signed: a page rendered again a second later differs there only.
    return re.sub(r"[\w-]+\.[\w-]{6}\.[\w-]{27}", "TOKEN", page)


def test_each_person_gets_her_own_page(app, client, people, login_as, clock):
    factories.help_request(people.lulja, note="vetëm për Luljen")
    login_as(people.lulja)
    mine = client.get("/today").get_data(as_text=True)
    other = app.test_client()
    factories.sign_in_survivor(other, people.dielli)  # her sign-in is a change pages show: Lulja's page is made again
    theirs = other.get("/today").get_data(as_text=True)
    assert _without_signed_tokens(theirs) != _without_signed_tokens(mine)
    assert _without_signed_tokens(client.get("/today").get_data(as_text=True)) == _without_signed_tokens(mine)


def test_a_new_minute_renders_the_page_again(client, people, login_as, clock):
    login_as(people.lulja)
    client.get("/today")
    _, statements = _statements(client, "/today")
    assert statements == 1
    clock.at = NOW + timedelta(minutes=1)
    _, statements = _statements(client, "/today")
    assert statements > 1


def test_a_kept_page_is_never_sent_after_leaving_quickly(client, people, login_as, clock):
    login_as(people.lulja)
    client.get("/today")
    client.get("/exit")
    response = client.get("/today")
    assert response.status_code == 302


def test_a_kept_page_is_compressed_once_and_as_the_browser_asks(client, people, login_as, clock):
    login_as(people.lulja)
    plain = client.get("/today").get_data()
    for encoding, decode in (("br", brotli.decompress), ("gzip", __import__("gzip").decompress), ("identity", lambda b: b)):
        response = client.get("/today", headers={"Accept-Encoding": encoding})
        assert response.headers.get("Content-Encoding", "identity") == encoding
        assert "Accept-Encoding" in response.headers["Vary"]
        assert decode(response.get_data()) == plain


def test_a_kept_page_with_a_new_key_in_each_answer_is_compressed_for_each(client, people, login_as, clock):
    login_as(people.lulja)
    client.get("/help")
    keys = set()
    for encoding, decode in (("br", brotli.decompress), ("gzip", __import__("gzip").decompress), ("br", brotli.decompress)):
        response = client.get("/help", headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding and "Accept-Encoding" in response.headers["Vary"]
        keys.add(re.search(rb'name="key" type="hidden" value="([^"]+)"', decode(response.get_data())).group(1))
    assert len(keys) == 3


def test_a_kept_page_with_a_token_and_a_query_is_not_compressed(client, people, login_as, clock):
    login_as(people.lulja)
    for _ in range(2):
        response = client.get("/services?q=qwertyuiop", headers={"Accept-Encoding": "br, gzip"})
        assert "Content-Encoding" not in response.headers
        assert b"qwertyuiop" in response.get_data() and b"help-queue" in response.get_data()


def test_kept_pages_stay_out_of_the_browser_cache(client, people, login_as, clock):
    login_as(people.lulja)
    for _ in range(2):
        assert client.get("/today").headers["Cache-Control"] == "no-store"


def test_sending_a_notification_keeps_the_version(app, people, push_service, clock):
    from pwa.models import utcnow
    from pwa.push import services
    from pwa.push.keys import load_vapid

    browser = push_service.browser()
    services.save_subscription(db.session, people.lulja, browser.endpoint, browser.p256dh, browser.auth_b64, utcnow())
    services.queue_notification(db.session, people.lulja, {"title": "Dera", "body": "Ke një kujtesë"}, utcnow())
    db.session.commit()
    version = _version()
    vapid = load_vapid(app.config["VAPID_PRIVATE_KEY_FILE"])
    assert services.deliver_due_messages(db.session, utcnow(), vapid, "mailto:test@dera.invalid")["sent"] == 1
    assert _version() == version


@pytest.mark.parametrize("who, path", [("lulja", "/today"), ("arta", "/console/inbox")])
def test_a_kept_page_loads_no_account_into_the_session(app, client, people, login_as, clock, who, path):
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    login_as(getattr(people, who))
    client.get(path)
    client.get(path)
    orm_statements = []
    record = orm_statements.append
    event.listen(Session, "do_orm_execute", record)
    try:
        again, statements = _statements(client, path)
    finally:
        event.remove(Session, "do_orm_execute", record)
    assert statements == 1 and orm_statements == []


def _written_elsewhere(model, person_id: int, **values) -> None:
    """A change made by another process's connection: no session of this app sees it, nothing renews the view version."""
    with db.engine.begin() as connection:
        connection.execute(update(model.__table__).where(model.__table__.c.id == person_id).values(**values))


def _lock(people):
    _written_elsewhere(type(people.lulja), people.lulja.id, locked_at=NOW)


def _close(people):
    _written_elsewhere(type(people.lulja), people.lulja.id, closed_at=NOW)


def _end_sessions(people):
    _written_elsewhere(type(people.lulja), people.lulja.id, session_token="ended")


@pytest.mark.parametrize("change", [_lock, _close, _end_sessions])
def test_a_kept_page_is_not_sent_once_she_may_no_longer_come_in(client, people, login_as, clock, change):
    login_as(people.lulja)
    client.get("/today")
    version = _version()
    assert client.get("/today").status_code == 200
    change(people)
    assert _version() == version
    response = client.get("/today")
    assert response.status_code == 302 and response.headers["Location"].startswith("/unlock")


def test_a_kept_staff_page_is_not_sent_once_she_is_deactivated(client, people, login_as, clock):
    from pwa.models import Staff

    login_as(people.arta)
    client.get("/console/inbox")
    assert client.get("/console/inbox").status_code == 200
    _written_elsewhere(Staff, people.arta.id, active=False)
    response = client.get("/console/inbox")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
