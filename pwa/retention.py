"""Retention: delete what Dera no longer needs (run by ``flask --app pwa purge``, daily)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_

from .appointments.services import purge_past_appointments
from .cases.services import purge_closed_cases
from .auditlog.services import purge_old_events
from .help.services import purge_closed_requests
from .models import EnrolmentCode
from .rota.services import local_moment, purge_past_exceptions

# Used or expired enrolment codes are kept this long, so staff can see that a code was used.
ENROLMENT_CODE_DAYS = 30


def purge_expired_records(session, now: datetime, audit_days: int) -> dict[str, int]:
    """Delete old enrolment codes, audit events, past appointments, closed help requests, closed cases and past rota exceptions; return how many went."""
    code_cutoff = now - timedelta(days=ENROLMENT_CODE_DAYS)
    codes = session.execute(
        delete(EnrolmentCode).where(
            or_(EnrolmentCode.used_at < code_cutoff, EnrolmentCode.expires_at < code_cutoff)
        )
    ).rowcount
    audit = purge_old_events(session, now, audit_days)
    return {
        "enrolment_codes": codes,
        "audit_events": audit,
        "appointments": purge_past_appointments(session, now),
        "help_requests": purge_closed_requests(session, now),
        "closed_cases": purge_closed_cases(session, now),
        "duty_exceptions": purge_past_exceptions(session, local_moment(now)[0]),
    }
