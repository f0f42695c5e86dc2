"""Escalation: an unseen request reaches the duty queue after the set time, once, even with two workers."""
from datetime import timedelta

from sqlalchemy import func, select

from pwa.extensions import db
from pwa.help import services
from pwa.models import PushMessage, utcnow
from pwa.push.services import save_subscription
from pwa.worker import run_once
from tests import factories
from tests.workers import at_once


def _subscribe(staff, push_service):
    browser = push_service.browser()
    save_subscription(db.session, staff, browser.endpoint, browser.p256dh, browser.auth_b64, utcnow())
    db.session.commit()
    return browser


def _escalate(at) -> int:
    return services.escalate_overdue_requests(db.session, at)


def test_an_unseen_now_request_escalates_after_thirty_minutes(people):
    sent = utcnow()
    request = factories.help_request(people.lulja, urgency="now", now=sent)
    assert _escalate(sent + timedelta(minutes=29)) == 0
    assert _escalate(sent + timedelta(minutes=30)) == 1
    db.session.refresh(request)
    assert request.escalated_at == sent + timedelta(minutes=30)
    assert [r.id for r in services.duty_queue(db.session, people.org.id)] == [request.id]


def test_it_escalates_only_once(people):
    sent = utcnow()
    factories.help_request(people.lulja, now=sent)
    assert _escalate(sent + timedelta(hours=1)) == 1
    assert _escalate(sent + timedelta(hours=2)) == 0


def test_a_seen_request_does_not_escalate(people):
    sent = utcnow()
    request = factories.help_request(people.lulja, now=sent)
    services.acknowledge(request, people.arta, sent + timedelta(minutes=5))
    db.session.commit()
    assert _escalate(sent + timedelta(hours=1)) == 0


def test_a_withdrawn_request_does_not_escalate(people):
    sent = utcnow()
    request = factories.help_request(people.lulja, now=sent)
    services.withdraw(request, sent + timedelta(minutes=5))
    db.session.commit()
    assert _escalate(sent + timedelta(hours=1)) == 0


def test_a_changed_setting_applies_to_new_requests(people):
    people.org.help_escalate_now_minutes = 10
    db.session.commit()
    sent = utcnow()
    factories.help_request(people.lulja, now=sent)
    assert _escalate(sent + timedelta(minutes=10)) == 1


def test_two_workers_escalate_each_request_once(app, people, push_service):
    supervisor = _subscribe(people.supervisor, push_service)
    sent = utcnow()
    for _ in range(10):
        factories.help_request(people.lulja, now=sent)
    frozen = sent + timedelta(hours=1)
    counts = at_once(app, lambda: _escalate(frozen))
    assert sum(counts) == 10
    assert db.session.scalar(select(func.count(PushMessage.id)).where(PushMessage.subscription.has(endpoint=supervisor.endpoint))) == 10


def test_escalation_tells_supervisors_and_the_case_manager_on_duty(people, push_service):
    factories.on_duty(people.besnik)
    on_duty, off_duty, supervisor = (_subscribe(s, push_service) for s in (people.besnik, people.arta, people.supervisor))
    sent = utcnow()
    factories.help_request(people.lulja, now=sent)  # arta, her case manager, is told now
    _escalate(sent + timedelta(hours=1))
    told = {m.subscription.endpoint for m in db.session.scalars(select(PushMessage))}
    assert told == {on_duty.endpoint, off_duty.endpoint, supervisor.endpoint}
    assert db.session.scalar(select(func.count(PushMessage.id))) == 3


def test_the_worker_escalates_with_the_apps_clock(app, people):
    sent = utcnow()
    request = factories.help_request(people.lulja, now=sent)
    app.config["CLOCK"] = lambda: sent + timedelta(minutes=31)
    assert run_once()["escalate_help"] == {"escalated": 1}
    db.session.refresh(request)
    assert request.escalated_at == sent + timedelta(minutes=31)
