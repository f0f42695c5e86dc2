"""The community service directory, modelled on Open Referral HSDS 3.

Tables are named ``directory_*`` so that HSDS's "organization" (a provider in the
directory) never gets confused with Dera's ``organisation`` (the NGO running Dera).
Identifiers are HSDS identifiers (usually UUIDs), kept as text so that an
imported directory exports with the same ones.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

ID = String(64)


class DirectoryOrganization(db.Model):
    """A provider of services (HSDS organization)."""

    __tablename__ = "directory_organization"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(200))

    services: Mapped[list["DirectoryService"]] = relationship(back_populates="organization")


class DirectoryLocation(db.Model):
    """A place where services are given (HSDS location, with its one address and accessibility note)."""

    __tablename__ = "directory_location"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("directory_organization.id"), index=True)
    location_type: Mapped[str] = mapped_column(String(20), default="physical")
    name: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    address_id: Mapped[str | None] = mapped_column(ID)
    address_1: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100), index=True)
    state_province: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    address_type: Mapped[str | None] = mapped_column(String(20))
    accessibility_id: Mapped[str | None] = mapped_column(ID)
    accessibility: Mapped[str | None] = mapped_column(Text)
    accessibility_en: Mapped[str | None] = mapped_column(Text)

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class DirectoryService(db.Model):
    """A service someone can use (HSDS service), with Dera's categories, cost and kind."""

    __tablename__ = "directory_service"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("directory_organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    alternate_name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    cost: Mapped[str | None] = mapped_column(String(20))
    scope: Mapped[str | None] = mapped_column(String(20))
    verified_on: Mapped[date | None] = mapped_column(Date)
    eligibility_description: Mapped[str | None] = mapped_column(Text)
    fees_description: Mapped[str | None] = mapped_column(Text)
    application_process: Mapped[str | None] = mapped_column(Text)
    alert: Mapped[str | None] = mapped_column(Text)
    # The Dera organisation whose supervisors keep this service; None: the server's administrators (CLI).
    keeper_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: Mapped[DirectoryOrganization] = relationship(back_populates="services")
    categories: Mapped[list["DirectoryServiceCategory"]] = relationship(
        cascade="all, delete-orphan", order_by="DirectoryServiceCategory.area"
    )
    phones: Mapped[list["DirectoryPhone"]] = relationship(cascade="all, delete-orphan", order_by="DirectoryPhone.position")
    schedules: Mapped[list["DirectorySchedule"]] = relationship(cascade="all, delete-orphan", order_by="DirectorySchedule.position")
    languages: Mapped[list["DirectoryLanguage"]] = relationship(cascade="all, delete-orphan", order_by="DirectoryLanguage.position")
    service_at_locations: Mapped[list["DirectoryServiceAtLocation"]] = relationship(
        cascade="all, delete-orphan", order_by="DirectoryServiceAtLocation.position"
    )

    @property
    def areas(self) -> list[str]:
        return [category.area for category in self.categories]

    @property
    def locations(self) -> list[DirectoryLocation]:
        return [link.location for link in self.service_at_locations]

    @property
    def is_published(self) -> bool:
        return self.status == "active"

    def kept_by(self, organisation_id: int | None) -> bool:
        """Whether this organisation's supervisors may change or hide the service for everyone."""
        return organisation_id is not None and self.keeper_id == organisation_id


class DirectoryServiceReport(db.Model):
    """Someone said a service's phone, address or hours are wrong: what, and on which day; nothing about who."""

    __tablename__ = "directory_service_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    reported_on: Mapped[date] = mapped_column(Date)


class DirectoryServiceHidden(db.Model):
    """A service one Dera organisation hides from its own people (others still see it)."""

    __tablename__ = "directory_service_hidden"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), primary_key=True, index=True)
    hidden_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DirectoryServiceCategory(db.Model):
    """An area of help a service gives (exported as an HSDS attribute)."""

    __tablename__ = "directory_service_category"

    service_id: Mapped[str] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[str] = mapped_column(String(30), primary_key=True)


class DirectoryServiceAtLocation(db.Model):
    """A service given at a place (HSDS service_at_location)."""

    __tablename__ = "directory_service_at_location"
    __table_args__ = (UniqueConstraint("service_id", "location_id"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("directory_location.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    location: Mapped[DirectoryLocation] = relationship()


class DirectoryPhone(db.Model):
    """A number to call or text for a service (HSDS phone)."""

    __tablename__ = "directory_phone"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str] = mapped_column(String(30))
    type: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)

    @property
    def tel(self) -> str:
        """The number for a ``tel:`` link: digits and a leading plus only."""
        number = self.number.strip()
        return ("+" if number.startswith("+") else "") + "".join(ch for ch in number if ch.isdigit())


class DirectorySchedule(db.Model):
    """Weekly opening hours (HSDS schedule with ``freq`` WEEKLY), in a named timezone."""

    __tablename__ = "directory_schedule"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    byday: Mapped[str] = mapped_column(String(40))
    opens_at: Mapped[str] = mapped_column(String(5))
    closes_at: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Tirane")

    @property
    def days(self) -> list[str]:
        return [day for day in self.byday.split(",") if day]


class DirectoryLanguage(db.Model):
    """A language a service is given in (HSDS language)."""

    __tablename__ = "directory_language"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str | None] = mapped_column(String(10))
    name: Mapped[str | None] = mapped_column(String(60))


class DirectoryState(db.Model):
    """One row: a new random version each time anything people see in the directory changes.

    Each app process keeps its copy of the published directory for as long as the version is
    the same, and the version is the directory's ``ETag``.
    """

    __tablename__ = "directory_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# What people see of the directory; a report that something is wrong changes none of it.
_SHOWN = (
    DirectoryOrganization, DirectoryLocation, DirectoryService, DirectoryServiceHidden, DirectoryServiceCategory,
    DirectoryServiceAtLocation, DirectoryPhone, DirectorySchedule, DirectoryLanguage,
)


@event.listens_for(Session, "before_flush")
def _new_directory_version(session, flush_context, instances) -> None:
    """Any change to the directory, in any way it is written, gives it a new version in the same transaction."""
    if not any(isinstance(record, _SHOWN) for record in (*session.new, *session.dirty, *session.deleted)):
        return
    state = session.get(DirectoryState, 1)
    if state is None:
        state = DirectoryState(id=1)
        session.add(state)
    state.version = uuid.uuid4().hex
    state.changed_at = utcnow()
