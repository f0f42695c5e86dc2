"""Appointment rules: times in Tirana, reminders per offset, remade on change, her answer, retention."""
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from pwa.appointments import services
from pwa.extensions import db
from pwa.models import Appointment, AppointmentReminder, PushMessage
from pwa.push.services import save_subscription
from tests import factories

NOW = datetime(2026, 5, 11, 8, 0, tzinfo=timezone.utc)  # Monday 10:00 in Tirana (summer time)


def _statuses(appointment):
    return {r.offset_minutes // 60: r.status for r in appointment.reminders}


def test_tirana_time_is_stored_in_utc_summer_and_winter():
    assert services.tirane_to_utc(date(2026, 7, 1), time(14, 30)) == datetime(2026, 7, 1, 12, 30, tzinfo=timezone.utc)
    assert services.tirane_to_utc(date(2026, 12, 1), time(14, 30)) == datetime(2026, 12, 1, 13, 30, tzinfo=timezone.utc)


def test_a_day_in_tirana_is_23_hours_when_the_clocks_go_forward():
    start, end = services.day_bounds(date(2026, 3, 29))
    assert end - start == timedelta(hours=23)


def test_one_reminder_per_offset_due_before_the_start(people):
    starts = NOW + timedelta(days=3)
    appointment = factories.appointment(people.lulja, starts, now=NOW)
    assert [(r.offset_minutes, r.due_at, r.status) for r in appointment.reminders] == [
        (24 * 60, starts - timedelta(hours=24), "queued"),
        (2 * 60, starts - timedelta(hours=2), "queued"),
    ]


def test_reminders_whose_time_has_passed_are_skipped_when_scheduling(people):
    appointment = factories.appointment(people.lulja, NOW + timedelta(hours=5), now=NOW)
    assert _statuses(appointment) == {24: "skipped", 2: "queued"}


def test_the_organisation_offsets_decide_the_reminders(people):
    people.org.reminder_hours = "48,6,1"
    db.session.commit()
    appointment = factories.appointment(people.lulja, NOW + timedelta(days=3), now=NOW)
    assert sorted(_statuses(appointment)) == [1, 6, 48]


def test_a_new_time_remakes_the_reminders_and_asks_her_again(people):
    appointment = factories.appointment(people.lulja, NOW + timedelta(hours=5), now=NOW)
    appointment.cant_come_at = NOW
    later = NOW + timedelta(days=2)
    services.change_appointment(db.session, appointment, later, "Takim", "Zyra", NOW)
    db.session.commit()
    assert _statuses(appointment) == {24: "queued", 2: "queued"}
    assert [r.due_at for r in appointment.reminders] == [later - timedelta(hours=24), later - timedelta(hours=2)]
    assert appointment.cant_come_at is None
    assert db.session.scalar(select(func.count(AppointmentReminder.id))) == 2


def test_a_new_title_alone_keeps_her_answer(people):
    appointment = factories.appointment(people.lulja, now=NOW)
    appointment.cant_come_at = NOW
    services.change_appointment(db.session, appointment, appointment.starts_at, "Vizitë", "Zyra", NOW)
    assert appointment.cant_come_at == NOW


def test_cancelling_skips_the_queued_reminders(people):
    appointment = factories.appointment(people.lulja, now=NOW)
    services.cancel_appointment(db.session, appointment, NOW)
    db.session.commit()
    assert _statuses(appointment) == {24: "skipped", 2: "skipped"} and appointment.is_cancelled


def test_new_organisation_offsets_remake_the_reminders_of_upcoming_appointments(people):
    appointment = factories.appointment(people.lulja, now=NOW)
    people.org.reminder_hours = "1"
    assert services.resync_organisation(db.session, people.org, NOW) == 1
    db.session.commit()
    assert _statuses(appointment) == {1: "queued"}


def test_title_and_place_are_encrypted_at_rest(people):
    factories.appointment(people.lulja, title="Vizitë te mjeku", place="Rruga e Kavajës", now=NOW)
    raw = db.session.execute(text("SELECT title, place FROM appointment")).one()
    assert b"Vizit" not in bytes(raw.title) and b"Kavaj" not in bytes(raw.place)


def test_upcoming_is_hers_soonest_first_with_cancelled_ones(people):
    later = factories.appointment(people.lulja, NOW + timedelta(days=5), now=NOW)
    sooner = factories.appointment(people.lulja, NOW + timedelta(days=1), now=NOW)
    services.cancel_appointment(db.session, sooner, NOW)
    factories.appointment(people.lulja, NOW - timedelta(days=1), now=NOW - timedelta(days=3))
    factories.appointment(people.dielli, NOW + timedelta(days=2), now=NOW)
    assert services.upcoming_for(db.session, people.lulja, NOW) == [sooner, later]
    assert services.next_appointment(db.session, people.lulja, NOW) == later


def test_a_day_lists_only_the_people_i_may_see(people):
    mine = factories.appointment(people.lulja, NOW + timedelta(hours=3), now=NOW)
    factories.appointment(people.dielli, NOW + timedelta(hours=4), now=NOW)
    factories.appointment(people.lulja, NOW + timedelta(days=1), now=NOW)
    assert services.appointments_on(db.session, people.arta, date(2026, 5, 11)) == [mine]
    assert len(services.appointments_on(db.session, people.supervisor, date(2026, 5, 11))) == 2


def test_cant_come_tells_the_case_manager_with_a_neutral_push(people):
    save_subscription(db.session, people.arta, "https://push.example/arta", "B" * 87, "A" * 22, NOW)
    appointment = factories.appointment(people.lulja, title="Vizitë te mjeku", now=NOW)
    services.say_cant_come(db.session, appointment, NOW)
    db.session.commit()
    payload = db.session.scalar(select(PushMessage.payload))
    assert appointment.cant_come and "mjeku" not in payload and "Lulja" not in payload
    assert "Dikush u përgjigj për një takim" in payload


def test_cant_come_goes_to_the_delegate_while_the_case_manager_is_away(people):
    people.arta.away, people.arta.delegate_id = True, people.besnik.id
    db.session.commit()
    assert services.responsible_staff(people.lulja) == people.besnik


@pytest.mark.parametrize(
    "starts,locale,text",
    [
        (datetime(2026, 5, 11, 12, 30, tzinfo=timezone.utc), "sq", "Ke një kujtesë: sot, ora 14:30"),
        (datetime(2026, 5, 12, 12, 30, tzinfo=timezone.utc), "sq", "Ke një kujtesë: nesër, ora 14:30"),
        (datetime(2026, 5, 14, 7, 5, tzinfo=timezone.utc), "sq", "Ke një kujtesë: e enjte, 14 maj, ora 09:05"),
        (datetime(2026, 5, 12, 12, 30, tzinfo=timezone.utc), "en", "You have a reminder: tomorrow at 14:30"),
    ],
)
def test_reminder_text_says_only_when_in_her_language(app, starts, locale, text):
    assert services.reminder_text(starts, NOW, locale) == text


def test_past_appointments_go_after_the_retention_period(people):
    people.org.appointment_retention_days = 10
    db.session.commit()
    factories.appointment(people.lulja, NOW - timedelta(days=11), now=NOW - timedelta(days=20))
    kept = factories.appointment(people.lulja, NOW - timedelta(days=9), now=NOW - timedelta(days=20))
    assert services.purge_past_appointments(db.session, NOW) == 1
    db.session.commit()
    assert db.session.scalars(select(Appointment)).all() == [kept]
    assert db.session.scalar(select(func.count(AppointmentReminder.id))) == 2


def test_the_delegate_sees_the_away_colleagues_day(people):
    mine = factories.appointment(people.lulja, NOW + timedelta(hours=3), now=NOW)
    people.arta.away, people.arta.delegate_id = True, people.besnik.id
    db.session.commit()
    assert services.appointments_on(db.session, people.besnik, date(2026, 5, 11)) == [mine]
