"""A new request reaches staff as a real encrypted web push, with neutral text only."""
from datetime import timedelta

from flask import current_app

from pwa.extensions import db
from pwa.models import utcnow
from pwa.push.keys import load_vapid
from pwa.push.services import deliver_due_messages, queue_notification, save_subscription
from pwa.worker import run_once
from tests import factories


def _subscribe(staff, push_service):
    browser = push_service.browser()
    save_subscription(db.session, staff, browser.endpoint, browser.p256dh, browser.auth_b64, utcnow())
    db.session.commit()
    return browser


def _without_id(messages):
    """The messages as the tests wrote them (each also carries its outbox id, the phone's tag)."""
    return [{key: value for key, value in message.items() if key != "id"} for message in messages]


def test_a_new_request_arrives_encrypted_with_the_neutral_text(client, people, login_as, push_service):
    arta = _subscribe(people.arta, push_service)
    login_as(people.lulja)
    page = client.get("/help").get_data(as_text=True)
    key = page.split('name="key" type="hidden" value="')[1].split('"')[0]
    client.post("/help", data={"key": key, "setback": "violence_at_home", "urgency": "now", "contact": "call", "note": "Më rrahu"})
    run_once()
    received = arta.received()[0]
    assert received.headers["content-encoding"] == "aes128gcm" and received.headers["urgency"] == "high"
    assert _without_id(arta.messages()) == [{"title": "Dera", "body": "Ke një kërkesë të re", "url": "/console/inbox", "tag": "dera-inbox"}]


def test_the_text_is_in_the_staff_members_language(people, push_service):
    people.arta.locale = "en"
    arta = _subscribe(people.arta, push_service)
    factories.help_request(people.lulja)
    run_once()
    assert arta.messages()[0]["body"] == "New request in your inbox"


def test_the_organisations_neutral_name_is_the_title(people, push_service):
    people.org.app_name = "Kalendari"
    arta = _subscribe(people.arta, push_service)
    factories.help_request(people.lulja)
    run_once()
    assert arta.messages()[0]["title"] == "Kalendari"


def test_an_escalated_request_reaches_the_supervisor_with_the_duty_queue_link(app, people, push_service):
    supervisor = _subscribe(people.supervisor, push_service)
    sent = utcnow()
    factories.help_request(people.lulja, now=sent, note="sekret")
    app.config["CLOCK"] = lambda: sent + timedelta(minutes=45)
    run_once()
    assert _without_id(supervisor.messages()) == [{"title": "Dera", "body": "Ke një kërkesë të re", "url": "/console/duty", "tag": "dera-inbox"}]


def test_the_paths_in_notifications_are_the_real_pages(app):
    from flask import url_for

    from pwa.help.services import DUTY_PATH, INBOX_PATH

    with app.test_request_context():
        assert (url_for("inbox.show_inbox"), url_for("inbox.show_duty_queue")) == (INBOX_PATH, DUTY_PATH)


def test_a_request_is_sent_before_the_everyday_reminders_queued_ahead_of_it(people, push_service):
    """Claimed and sent most urgent first: a bulk of reminders does not hold back the push a person asked for help with."""
    arta = _subscribe(people.arta, push_service)
    phone = _subscribe(people.lulja, push_service)
    now = utcnow()
    for n in range(60):  # everyday reminders, queued first
        queue_notification(db.session, people.lulja, {"body": f"r{n}"}, now, urgency="normal")
    db.session.commit()
    factories.help_request(people.lulja, urgency="today")
    vapid = load_vapid(current_app.config["VAPID_PRIVATE_KEY_FILE"])
    deliver_due_messages(db.session, utcnow(), vapid, "mailto:test@dera.invalid", limit=20, at_once=1)
    assert len(phone.received()) == 60 and len(arta.received()) == 1
    assert arta.received()[0].headers["urgency"] == "high"
    assert arta.received()[0].at < min(message.at for message in phone.received())
