"""Sign-in rules: passwords, enrolment codes, device binding and PINs.

Plain functions: they take the database session and the time explicitly and
never touch ``request`` or templates.
"""
from __future__ import annotations

import enum
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from itsdangerous import BadSignature
from sqlalchemy import select, update

from .. import signing
from ..models import Device, EnrolmentCode, Role, Staff, Survivor, staff_by_username

_default_hasher = PasswordHasher()


def _hasher() -> PasswordHasher:
    """Argon2id with the library's recommended parameters, unless the app sets others."""
    if has_app_context() and current_app.config.get("ARGON2_PARAMETERS"):
        return PasswordHasher(**current_app.config["ARGON2_PARAMETERS"])
    return _default_hasher

# Letters and digits that cannot be mistaken for each other when read aloud or typed.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8
PIN_PATTERN = re.compile(r"[0-9]{6}")


def hash_secret(secret: str) -> str:
    """Argon2 hash for passwords and PINs."""
    return _hasher().hash(secret)


def verify_secret(secret_hash: str | None, secret: str) -> bool:
    if not secret_hash:
        return False
    try:
        return _hasher().verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


def digest(value: str) -> str:
    """SHA-256 of a long random value (device secrets).

    These values carry enough randomness that a fast hash is safe, and a
    digest can be looked up directly.
    """
    return hashlib.sha256(value.encode()).hexdigest()


def code_hashes(code: str) -> list[str]:
    """Keyed hashes of an enrolment code (HMAC with each secret key, the current one first).

    A code has about 37 bits: a plain hash of it is cracked in seconds from a
    leaked database. Keyed, the database alone cannot test a single guess. The
    current key's hash is stored; a code made before a key rotation is found by
    the earlier key's.
    """
    return signing.keyed_digests(signing.secret_keys(), b"dera-enrolment-code:" + code.encode())


# Staff ------------------------------------------------------------------------------

def create_staff(session, organisation, username: str, first_name: str, password: str, role: Role) -> Staff:
    staff = Staff(
        organisation=organisation,
        username=username.strip().lower(),
        first_name=first_name.strip(),
        role=role,
        password_hash=hash_secret(password),
    )
    session.add(staff)
    return staff


def authenticate_staff(session, username: str, password: str, now: datetime) -> Staff | None:
    """The active staff member with this username and password, or None."""
    staff = staff_by_username(username)
    if staff is None:
        # Spend the same time as a real check, so timing does not tell which usernames exist.
        verify_secret(_dummy_hash(), password)
        return None
    if not verify_secret(staff.password_hash, password) or not staff.active:
        return None
    if _hasher().check_needs_rehash(staff.password_hash):
        staff.password_hash = hash_secret(password)
    staff.last_sign_in_at = now
    return staff


def _dummy_hash() -> str:
    """A hash to check unknown usernames against, so they take as long as known ones.

    Made on first use, not at import: an Argon2 hash costs about 150 ms and 64 MiB.
    """
    hasher = _hasher()
    return _dummy_hash_for(hasher.time_cost, hasher.memory_cost, hasher.parallelism)


@functools.lru_cache(maxsize=4)
def _dummy_hash_for(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism).hash("not a real password")


# The browsers a staff member signed in on ------------------------------------------------
# Guesses at one account share one budget wherever they come from; each browser where the person
# completed a sign-in has a budget of its own, so someone guessing her name elsewhere cannot lock
# her out of her usual browser.

KNOWN_BROWSER_DAYS = 90
_KNOWN_BROWSER_SALT = "dera-known-browser"


def account_keys(keys: signing.Keys, username: str | None) -> list[str]:
    """One staff account as the rate limits know it, under each secret key: a keyed hash of the name, never the name."""
    name = (username or "").strip().lower()
    return ["username:" + digest[:32] for digest in signing.keyed_digests(keys, name.encode())]


def known_browser_token(keys: signing.Keys, username: str) -> str:
    """A signed mark for a browser where ``username`` has just signed in (password and app code)."""
    mark = {"a": account_keys(keys, username)[0], "b": secrets.token_urlsafe(12)}
    return signing.serializer(keys, salt=_KNOWN_BROWSER_SALT).dumps(mark)


def known_browser(keys: signing.Keys, token: str | None, username: str | None) -> str | None:
    """The browser's own id when ``token`` marks it as one where this account signed in, else None."""
    if not token or len(token) > 500:
        return None
    try:
        mark = signing.serializer(keys, salt=_KNOWN_BROWSER_SALT).loads(token, max_age=KNOWN_BROWSER_DAYS * 24 * 3600)
    except BadSignature:
        return None
    if isinstance(mark, dict) and mark.get("a") in account_keys(keys, username) and isinstance(mark.get("b"), str):
        return mark["b"]
    return None


# Enrolment ----------------------------------------------------------------------------

def normalise_code(code: str) -> str:
    """Upper-case the code and drop spaces and dashes, as people type it."""
    return re.sub(r"[\s\-]", "", code or "").upper()


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def issue_enrolment_code(session, survivor: Survivor, staff: Staff, now: datetime, hours: int) -> str:
    """Make a new one-time code for ``survivor``; earlier unused codes stop working."""
    session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.survivor_id == survivor.id, EnrolmentCode.used_at.is_(None))
        .values(expires_at=now)
    )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    session.add(
        EnrolmentCode(
            survivor=survivor,
            code_hash=code_hashes(code)[0],
            created_by_id=staff.id,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    return format_code(code)


def find_enrolment(session, code: str, now: datetime) -> EnrolmentCode | None:
    """The unused, unexpired enrolment for this code, or None."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH:
        return None
    enrolment = session.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash.in_(code_hashes(code))))
    if enrolment is None or enrolment.used_at is not None or enrolment.expires_at <= now:
        return None
    return enrolment


def complete_enrolment(session, enrolment: EnrolmentCode, nickname: str, pin: str, now: datetime) -> tuple[Survivor, str] | None:
    """Bind a new phone: set nickname and PIN, return the survivor and the device secret.

    Returns None when the code was used in the meantime (it works once, even
    when two phones try it at the same moment). Earlier phones are unbound.
    """
    claimed = session.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.id == enrolment.id, EnrolmentCode.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        return None
    survivor = enrolment.survivor
    for device in list(survivor.devices):
        session.delete(device)
    survivor.nickname = nickname.strip()
    survivor.pin_hash = hash_secret(pin)
    survivor.failed_pin_attempts = 0
    survivor.locked_at = None
    survivor.enrolled_at = now
    survivor.last_active_on = now
    survivor.end_sessions()
    secret = secrets.token_urlsafe(32)
    session.add(Device(survivor=survivor, secret_hash=digest(secret), created_at=now, last_used_at=now))
    return survivor, secret


def device_for_secret(session, secret: str | None) -> Device | None:
    if not secret or len(secret) > 200:
        return None
    return session.scalar(select(Device).where(Device.secret_hash == digest(secret)))


# PIN ----------------------------------------------------------------------------------

class Unlock(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass
class UnlockResult:
    outcome: Unlock
    attempts_left: int = 0


def unlock_with_pin(session, device: Device, pin: str, now: datetime, max_attempts: int) -> UnlockResult:
    """Check a PIN typed on an enrolled phone; lock the account after too many wrong ones.

    Each guess first takes one attempt in a single ``UPDATE … RETURNING`` that
    only succeeds under the limit, and only then is checked: however many
    guesses arrive at once, at most ``max_attempts`` reach the hash.
    """
    survivor = device.survivor
    taken = session.execute(
        update(Survivor)
        .where(Survivor.id == survivor.id, Survivor.locked_at.is_(None), Survivor.failed_pin_attempts < max_attempts)
        .values(failed_pin_attempts=Survivor.failed_pin_attempts + 1)
        .returning(Survivor.failed_pin_attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if taken is None:
        session.refresh(survivor, ["locked_at", "failed_pin_attempts"])
        if survivor.locked_at is None:
            survivor.locked_at = now
            survivor.end_sessions()
        return UnlockResult(Unlock.LOCKED)
    if PIN_PATTERN.fullmatch(pin or "") and verify_secret(survivor.pin_hash, pin):
        survivor.failed_pin_attempts = 0
        survivor.last_active_on = now
        device.last_used_at = now
        return UnlockResult(Unlock.OK)
    session.expire(survivor, ["failed_pin_attempts"])
    if taken >= max_attempts:
        survivor.locked_at = now
        survivor.end_sessions()
        return UnlockResult(Unlock.LOCKED)
    return UnlockResult(Unlock.WRONG, max_attempts - taken)


def change_pin(survivor: Survivor, new_pin: str) -> None:
    survivor.pin_hash = hash_secret(new_pin)
