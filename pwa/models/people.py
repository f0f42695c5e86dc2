"""The people who use Dera: staff (case managers, supervisors) and survivors."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedText
from ..extensions import db
from .organisation import Organisation
from .types import UTCDateTime, utcnow


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Role(str, enum.Enum):
    CASE_MANAGER = "case_manager"
    SUPERVISOR = "supervisor"


class Account:
    """What staff and survivors share for sign-in (flask-login's user protocol).

    The session holds ``kind:id:token``; changing ``session_token`` ends every
    session of the person at once (sign-out, quick exit, re-enrolment).
    """

    kind = ""
    is_active = True
    is_anonymous = False
    is_authenticated = True

    def get_id(self) -> str:
        return f"{self.kind}:{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        self.session_token = new_session_token()

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    @property
    def is_survivor(self) -> bool:
        return self.kind == "survivor"


class Staff(Account, db.Model):
    """A case manager or supervisor of one organisation."""

    kind = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    first_name: Mapped[str] = mapped_column(String(60))
    work_phone: Mapped[str | None] = mapped_column(String(30))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]))
    password_hash: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    away: Mapped[bool] = mapped_column(default=False)
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    session_token: Mapped[str] = mapped_column(String(40), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_reset_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_reset_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_counter: Mapped[int | None]
    failed_code_attempts: Mapped[int] = mapped_column(default=0)

    organisation: Mapped[Organisation] = relationship()
    delegate: Mapped["Staff | None"] = relationship(remote_side=[id])

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def has_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def needs_two_factor(self) -> bool:
        """Supervisors always sign in with a second factor; case managers when the organisation says so."""
        return self.is_supervisor or bool(self.organisation.case_manager_two_factor)


class Survivor(Account, db.Model):
    """A person in the programme. Dera keeps a nickname, never a real name."""

    kind = "survivor"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    case_manager_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    nickname: Mapped[str] = mapped_column(String(40))
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    failed_pin_attempts: Mapped[int] = mapped_column(default=0)
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locale: Mapped[str | None] = mapped_column(String(5))
    session_token: Mapped[str] = mapped_column(String(40), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_active_on: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closure_reason: Mapped[str | None] = mapped_column(String(20))
    closure_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closure_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    case_manager: Mapped[Staff] = relationship(foreign_keys=[case_manager_id])
    closure_requested_by: Mapped[Staff | None] = relationship(foreign_keys=[closure_requested_by_id])
    devices: Mapped[list["Device"]] = relationship(back_populates="survivor", cascade="all, delete-orphan")
    plan: Mapped["Plan | None"] = relationship(back_populates="survivor", cascade="all, delete-orphan")  # noqa: F821

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_enrolled(self) -> bool:
        return self.pin_hash is not None

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def closure_pending(self) -> bool:
        """A case manager asked to close the case and a supervisor has not decided yet."""
        return self.closure_requested_at is not None and self.closed_at is None


class Device(db.Model):
    """A phone a survivor enrolled; only the hash of its secret is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivor.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survivor: Mapped[Survivor] = relationship(back_populates="devices")


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app; kept only as a hash."""

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EnrolmentCode(db.Model):
    """A one-time code that binds a phone to a survivor; kept only as a hash."""

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("survivor.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    survivor: Mapped[Survivor] = relationship()


def staff_by_username(username: str) -> Staff | None:
    return db.session.scalar(select(Staff).where(Staff.username == username.strip().lower()))
