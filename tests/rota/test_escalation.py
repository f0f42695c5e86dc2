"""Escalation goes to whoever the rota puts on duty at that moment, and the supervisors."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from pwa.extensions import db
from pwa.help import services
from pwa.models import PushMessage, utcnow
from pwa.push.services import save_subscription
from tests import factories

MONDAY, TUESDAY = 0, 1


def _subscribe(staff, push_service):
    browser = push_service.browser()
    save_subscription(db.session, staff, browser.endpoint, browser.p256dh, browser.auth_b64, utcnow())
    db.session.commit()
    return browser


def _told(at) -> set[str]:
    return {m.subscription.endpoint for m in db.session.scalars(select(PushMessage).where(PushMessage.created_at >= at))}


def test_a_request_escalating_after_midnight_goes_to_the_night_shift(people, push_service):
    genta = factories.staff(people.org, "genta")
    factories.on_duty(people.besnik, weekdays=[MONDAY], starts=22 * 60, ends=6 * 60)
    factories.on_duty(genta, weekdays=[MONDAY, TUESDAY], starts=8 * 60, ends=16 * 60)
    night, day, supervisor = (_subscribe(s, push_service) for s in (people.besnik, genta, people.supervisor))
    sent = datetime(2027, 1, 11, 22, 45, tzinfo=timezone.utc)  # Monday 23:45 in Tirana
    factories.help_request(people.lulja, urgency="now", now=sent)
    escalated_at = sent + timedelta(minutes=30)  # Tuesday 00:15
    assert services.escalate_overdue_requests(db.session, escalated_at) == 1
    assert _told(escalated_at) == {night.endpoint, supervisor.endpoint}


def test_with_nobody_on_duty_only_the_supervisors_are_told(people, push_service):
    factories.on_duty(people.besnik, weekdays=[MONDAY], starts=8 * 60, ends=16 * 60)
    off_duty, supervisor = (_subscribe(s, push_service) for s in (people.besnik, people.supervisor))
    sent = datetime(2027, 1, 11, 20, 0, tzinfo=timezone.utc)  # Monday 21:00
    factories.help_request(people.lulja, urgency="now", now=sent)
    escalated_at = sent + timedelta(minutes=30)
    services.escalate_overdue_requests(db.session, escalated_at)
    assert _told(escalated_at) == {supervisor.endpoint}
