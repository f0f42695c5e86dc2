"""Help request rules: routing, idempotency, the inbox order, away and delegate, the queue token, retention."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.help import services
from pwa.models import HelpRequest, Role, utcnow
from tests import factories

SECRET = "test-secret-key-that-is-long-enough-0123456789"


def test_a_request_goes_to_her_case_manager(people):
    request = factories.help_request(people.lulja)
    assert request.assigned_to_id == people.arta.id and request.escalated_at is None


def test_while_the_case_manager_is_away_it_goes_to_the_delegate(people):
    people.arta.away, people.arta.delegate_id = True, people.besnik.id
    db.session.commit()
    assert factories.help_request(people.lulja).assigned_to_id == people.besnik.id


def test_away_without_a_delegate_goes_straight_to_the_duty_queue(people):
    people.arta.away = True
    db.session.commit()
    now = utcnow()
    request = factories.help_request(people.lulja, now=now)
    assert request.assigned_to_id is None and request.escalated_at == now


@pytest.mark.parametrize("urgency,delay", [("now", timedelta(minutes=30)), ("today", timedelta(hours=4)), ("week", timedelta(days=2))])
def test_the_escalation_time_follows_the_organisation_setting(people, urgency, delay):
    now = utcnow()
    assert factories.help_request(people.lulja, urgency=urgency, now=now).escalate_at == now + delay


def test_the_same_key_returns_the_same_request(people):
    key = services.new_key()
    first = factories.help_request(people.lulja, key=key)
    second, created = services.create_help_request(db.session, people.lulja, key, "housing", "week", "meet", None, utcnow())
    assert second.id == first.id and not created
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 1


def test_the_same_key_from_two_people_makes_two_requests(people):
    key = services.new_key()
    factories.help_request(people.lulja, key=key)
    factories.help_request(people.dielli, key=key)
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 2


def test_the_inbox_is_by_urgency_then_age(people):
    now = utcnow()
    week = factories.help_request(people.lulja, urgency="week", now=now - timedelta(hours=5))
    late_now = factories.help_request(people.lulja, urgency="now", now=now - timedelta(minutes=1))
    early_now = factories.help_request(people.lulja, urgency="now", now=now - timedelta(minutes=20))
    today = factories.help_request(people.lulja, urgency="today", now=now)
    from pwa.access import visibility

    assert [r.id for r in services.inbox(db.session, visibility(people.arta))] == [early_now.id, late_now.id, today.id, week.id]


def test_closed_requests_leave_the_inbox(people):
    from pwa.access import visibility

    request = factories.help_request(people.lulja)
    services.withdraw(request, utcnow())
    db.session.commit()
    assert services.inbox(db.session, visibility(people.arta)) == []


def test_acknowledging_makes_it_seen_by_whoever_acknowledged(people):
    request = factories.help_request(people.lulja)
    assert services.acknowledge(request, people.supervisor, utcnow())
    assert (request.status, request.assigned_to) == ("seen", people.supervisor)
    assert not services.acknowledge(request, people.arta, utcnow())  # the first one answers


def test_answered_then_resolved(people):
    request = factories.help_request(people.lulja)
    now = utcnow()
    services.mark_answered(request, people.arta, "call", now)
    assert (request.status, request.seen_at, request.answered_how) == ("answered", now, "call")
    services.resolve(request, people.arta, " Qiraja u pagua ", now)
    assert (request.status, request.closed_at, request.outcome) == ("resolved", now, "Qiraja u pagua")


def test_a_withdrawn_request_cannot_be_resolved(people):
    request = factories.help_request(people.lulja)
    services.withdraw(request, utcnow())
    assert not services.resolve(request, people.arta, "x", utcnow()) and request.status == "withdrawn"


def test_going_away_hands_open_requests_to_the_delegate_and_back(people):
    open_request = factories.help_request(people.lulja)
    closed = factories.help_request(people.lulja)
    services.resolve(closed, people.arta, "ok", utcnow())
    assert services.set_away(db.session, people.arta, True, people.besnik, utcnow()) == 1
    assert (open_request.assigned_to, closed.assigned_to) == (people.besnik, people.arta)
    services.set_away(db.session, people.arta, False, None, utcnow())
    assert open_request.assigned_to == people.arta and not people.arta.away


def test_the_duty_queue_is_supervisors_and_case_managers_on_duty(people):
    factories.on_duty(people.besnik)
    assert {s.username for s in services.duty_staff(db.session, people.org.id, utcnow())} == {"drita", "besnik"}


def test_an_away_case_manager_is_not_in_the_duty_queue(people):
    factories.on_duty(people.besnik)
    people.besnik.away = True
    db.session.commit()
    assert {s.username for s in services.duty_staff(db.session, people.org.id, utcnow())} == {"drita"}


def test_waiting_times_per_urgency(people):
    now = utcnow()
    seen_fast = factories.help_request(people.lulja, now=now - timedelta(hours=2))
    services.acknowledge(seen_fast, people.arta, now - timedelta(hours=2) + timedelta(minutes=10))
    factories.help_request(people.lulja, now=now - timedelta(hours=1))
    db.session.commit()
    figures = {f.urgency: f for f in services.waiting_times(db.session, people.org.id, now)}
    assert (figures["now"].requests, figures["now"].waiting, figures["now"].median_wait) == (2, 1, timedelta(minutes=10))
    assert figures["week"].requests == 0 and figures["week"].median_wait is None


def test_a_queue_token_names_its_person(people):
    token = services.make_queue_token(SECRET, people.lulja)
    assert services.queue_sender(SECRET, token, None, 7) == people.lulja.id
    assert services.queue_sender("another-secret-of-enough-length-0000000", token, None, 7) is None
    assert services.queue_sender(SECRET, "forged", None, 7) is None


def test_an_old_token_is_renewed_only_by_a_fresh_one_of_the_same_person(people, monkeypatch):
    import itsdangerous.timed

    old_time = 1_700_000_000
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: old_time)
    old = services.make_queue_token(SECRET, people.lulja)
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: old_time + 8 * 24 * 3600)
    assert services.queue_sender(SECRET, old, None, 7) is None
    assert services.queue_sender(SECRET, old, services.make_queue_token(SECRET, people.lulja), 7) == people.lulja.id
    assert services.queue_sender(SECRET, old, services.make_queue_token(SECRET, people.dielli), 7) is None


def test_a_token_whose_key_was_retired_is_renewed_only_by_a_fresh_one_of_the_person_it_names(people):
    retired = "a-secret-key-retired-since-0123456789abcdef"
    old = services.make_queue_token(retired, people.lulja)
    assert services.queue_sender(SECRET, old, None, 7) is None
    assert services.queue_sender(SECRET, old, services.make_queue_token(SECRET, people.lulja), 7) == people.lulja.id
    assert services.queue_sender(SECRET, old, services.make_queue_token(SECRET, people.dielli), 7) is None
    assert services.queue_sender(SECRET, "forged", services.make_queue_token(SECRET, people.lulja), 7) is None


def test_closed_requests_are_deleted_after_the_retention_period(people):
    now = utcnow()
    old = factories.help_request(people.lulja, now=now - timedelta(days=100))
    services.resolve(old, people.arta, "ok", now - timedelta(days=91))
    recent = factories.help_request(people.lulja, now=now - timedelta(days=100))
    services.withdraw(recent, now - timedelta(days=10))
    still_open = factories.help_request(people.lulja, now=now - timedelta(days=200))
    db.session.commit()
    assert services.purge_closed_requests(db.session, now) == 1
    db.session.commit()
    assert set(db.session.scalars(select(HelpRequest.id))) == {recent.id, still_open.id}


def test_retention_follows_each_organisations_setting(people):
    now = utcnow()
    people.org.help_retention_days = 7
    request = factories.help_request(people.lulja, now=now - timedelta(days=10))
    services.withdraw(request, now - timedelta(days=8))
    db.session.commit()
    assert services.purge_closed_requests(db.session, now) == 1


def test_the_purge_command_deletes_old_closed_requests(app, people):
    request = factories.help_request(people.lulja, now=utcnow() - timedelta(days=200))
    services.resolve(request, people.arta, "ok", utcnow() - timedelta(days=120))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert "help requests: 1 deleted" in result.output


def test_a_supervisor_can_stand_in_as_delegate(people):
    helper = factories.staff(people.org, "genta", Role.SUPERVISOR)
    services.set_away(db.session, people.arta, True, helper, utcnow())
    db.session.commit()
    assert factories.help_request(people.lulja).assigned_to_id == helper.id
