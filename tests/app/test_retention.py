"""Retention: old enrolment codes and audit events are deleted; recent ones stay."""
from datetime import timedelta

from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import AuditEvent, EnrolmentCode, utcnow
from pwa.retention import purge_expired_records
from tests import factories


def test_old_codes_and_audit_events_go_recent_ones_stay(people):
    now = utcnow()
    factories.enrolment_code(people.lulja, people.arta, now=now - timedelta(days=40))
    factories.enrolment_code(people.dielli, people.besnik, now=now)
    db.session.add_all([
        AuditEvent(staff_id=people.arta.id, survivor_id=people.lulja.id, action="view", at=now - timedelta(days=800)),
        AuditEvent(staff_id=people.arta.id, survivor_id=people.lulja.id, action="view", at=now - timedelta(days=10)),
    ])
    db.session.commit()
    counts = purge_expired_records(db.session, now, audit_days=730)
    db.session.commit()
    assert counts["audit_events"] == 1
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 1
    # The fresh code stays usable.
    assert db.session.scalar(select(func.count(EnrolmentCode.id)).where(EnrolmentCode.used_at.is_(None), EnrolmentCode.expires_at > now)) == 1


def test_purge_command(app, people):
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "deleted" in result.output


def test_past_appointments_are_purged_with_the_rest(people):
    now = utcnow()
    factories.appointment(people.lulja, now - timedelta(days=31), now=now - timedelta(days=40))
    assert purge_expired_records(db.session, now, audit_days=730)["appointments"] == 1
