"""Staff for years: deactivating and reactivating accounts, roles, password resets and the second factor.

Plain functions: they take the database session and the time explicitly. Nothing here can leave an
organisation without an active supervisor.
"""
from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete, func, select, update

from .. import signing
from ..auth.services import CODE_ALPHABET, digest, hash_secret, normalise_code
from ..models import DutyException, DutyShift, PushSubscription, RecoveryCode, Role, Staff, Survivor

# How many recovery codes a person gets, and how long each is.
RECOVERY_CODES = 10
RECOVERY_CODE_LENGTH = 10
RESET_CODE_LENGTH = 12
# Wrong second-factor codes in a row before the sign-in starts again from the password.
MAX_CODE_ATTEMPTS = 5


class LastSupervisor(Exception):
    """The change would leave the organisation without an active supervisor."""


class HoldsCases(Exception):
    """The person still has people on their caseload; they are moved first."""


def _other_active_supervisors(session, staff: Staff) -> int:
    return session.scalar(
        select(func.count(Staff.id)).where(
            Staff.organisation_id == staff.organisation_id,
            Staff.role == Role.SUPERVISOR,
            Staff.active.is_(True),
            Staff.id != staff.id,
        )
    )


def _guard_last_supervisor(session, staff: Staff) -> None:
    if staff.is_supervisor and staff.active and _other_active_supervisors(session, staff) == 0:
        raise LastSupervisor()


def open_cases_of(session, staff: Staff) -> int:
    """How many open cases ``staff`` holds."""
    return session.scalar(
        select(func.count(Survivor.id)).where(Survivor.case_manager_id == staff.id, Survivor.closed_at.is_(None))
    )


def deactivate(session, staff: Staff, now: datetime) -> None:
    """Close the account at once: sessions and push subscriptions end; the record stays for the audit log."""
    _guard_last_supervisor(session, staff)
    if open_cases_of(session, staff):
        raise HoldsCases()
    staff.active = False
    staff.deactivated_at = now
    # Off the rota: nobody is sent requests through an account that cannot sign in.
    session.execute(delete(DutyShift).where(DutyShift.staff_id == staff.id))
    session.execute(delete(DutyException).where(DutyException.staff_id == staff.id))
    staff.password_reset_hash = staff.password_reset_expires_at = None
    staff.end_sessions()
    session.execute(delete(PushSubscription).where(PushSubscription.staff_id == staff.id))
    # Colleagues who named this person as their delegate are no longer covered by them.
    session.execute(update(Staff).where(Staff.delegate_id == staff.id, Staff.away.is_(False)).values(delegate_id=None))


def reactivate(staff: Staff) -> None:
    """Open the account again; the person signs in with their password (or a reset)."""
    staff.active = True
    staff.deactivated_at = None


def change_role(session, staff: Staff, role: Role) -> None:
    """Make ``staff`` a case manager or a supervisor (never the last supervisor a case manager)."""
    if role != Role.SUPERVISOR:
        _guard_last_supervisor(session, staff)
    staff.role = role


# Password reset -----------------------------------------------------------------------------

def issue_password_reset(staff: Staff, now: datetime, hours: int) -> str:
    """A one-time code with which ``staff`` chooses a new password; only its hash is kept."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(RESET_CODE_LENGTH))
    staff.password_reset_hash = digest(code)
    staff.password_reset_expires_at = now + timedelta(hours=hours)
    return code


def find_password_reset(session, code: str, now: datetime) -> Staff | None:
    """The active staff member this unexpired reset code belongs to, or None."""
    code = normalise_code(code)
    if len(code) != RESET_CODE_LENGTH:
        return None
    staff = session.scalar(select(Staff).where(Staff.password_reset_hash == digest(code)))
    if staff is None or not staff.active or staff.password_reset_expires_at is None or staff.password_reset_expires_at <= now:
        return None
    return staff


def complete_password_reset(staff: Staff, password: str) -> None:
    """Set the new password; the code stops working and every session of the person ends."""
    staff.password_hash = hash_secret(password)
    staff.password_reset_hash = staff.password_reset_expires_at = None
    staff.failed_code_attempts = 0
    staff.end_sessions()


# Second factor ------------------------------------------------------------------------------

def start_two_factor(staff: Staff) -> str:
    """A new authenticator secret, kept (encrypted) but not in use until a code from it is confirmed."""
    if staff.totp_secret is None:
        staff.totp_secret = pyotp.random_base32()
    return staff.totp_secret


def provisioning_uri(staff: Staff, issuer: str) -> str:
    return pyotp.TOTP(staff.totp_secret).provisioning_uri(name=staff.username, issuer_name=issuer)


def _matching_counter(secret: str, code: str, now: datetime) -> int | None:
    """The 30-second step whose code this is (allowing one step of clock drift), or None."""
    totp = pyotp.TOTP(secret)
    code = (code or "").replace(" ", "")
    if not code.isdigit() or len(code) != totp.digits:
        return None
    for drift in (0, -1, 1):
        moment = int(now.timestamp()) + drift * totp.interval
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def confirm_two_factor(session, staff: Staff, code: str, now: datetime, keys: signing.Keys) -> list[str] | None:
    """Turn the second factor on when ``code`` matches the new secret; return the recovery codes, shown once."""
    counter = _matching_counter(staff.totp_secret or "", code, now)
    if counter is None:
        return None
    staff.totp_enabled_at = now
    staff.totp_last_counter = counter
    return new_recovery_codes(session, staff, now, keys)


def _recovery_hashes(keys: signing.Keys, code: str) -> list[str]:
    # Keyed, so a copy of the database alone cannot be used to try codes offline. The current
    # key's hash is stored; codes made before a key rotation match the earlier key's.
    return signing.keyed_digests(keys, normalise_code(code).encode())


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def new_recovery_codes(session, staff: Staff, now: datetime, keys: signing.Keys) -> list[str]:
    """Replace the person's recovery codes with fresh ones; the codes are returned once and kept as hashes."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(staff_id=staff.id, code_hash=_recovery_hashes(keys, code)[0], created_at=now))
    return [format_recovery_code(code) for code in codes]


def verify_second_factor(session, staff: Staff, code: str, now: datetime, keys: signing.Keys) -> bool:
    """Check a code from the app (never the same one twice) or an unused recovery code (used up now)."""
    counter = _matching_counter(staff.totp_secret or "", code, now) if staff.has_two_factor else None
    if counter is not None:
        # Claim the step in the database, so one code cannot sign in twice, even at the same moment.
        claimed = session.execute(
            update(Staff)
            .where(Staff.id == staff.id, (Staff.totp_last_counter.is_(None)) | (Staff.totp_last_counter < counter))
            .values(totp_last_counter=counter, failed_code_attempts=0)
        ).rowcount
        if claimed == 1:
            session.refresh(staff, ["totp_last_counter", "failed_code_attempts"])
            return True
    elif len(normalise_code(code)) == RECOVERY_CODE_LENGTH:
        used = session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.staff_id == staff.id,
                RecoveryCode.code_hash.in_(_recovery_hashes(keys, code)),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=now)
        ).rowcount
        if used == 1:
            staff.failed_code_attempts = 0
            return True
    session.execute(
        update(Staff).where(Staff.id == staff.id).values(failed_code_attempts=Staff.failed_code_attempts + 1)
    )
    session.refresh(staff, ["failed_code_attempts"])
    return False


def too_many_code_attempts(staff: Staff) -> bool:
    return staff.failed_code_attempts >= MAX_CODE_ATTEMPTS


def recovery_codes_left(session, staff: Staff) -> int:
    return session.scalar(
        select(func.count(RecoveryCode.id)).where(RecoveryCode.staff_id == staff.id, RecoveryCode.used_at.is_(None))
    )


def reset_two_factor(session, staff: Staff) -> None:
    """A supervisor clears a colleague's lost authenticator; they set it up again at their next sign-in."""
    staff.totp_secret = None
    staff.totp_enabled_at = None
    staff.totp_last_counter = None
    staff.failed_code_attempts = 0
    session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == staff.id))
    staff.end_sessions()
