"""Factories for the people and records tests need, stored in the real database."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import pyotp

from pwa.auth import services as auth_services
from pwa.extensions import db
from pwa.models import Goal, HelpRequest, Organisation, Plan, Role, Staff, Step, Survivor, staff_by_username, utcnow
from pwa.security import DEVICE_COOKIE

PASSWORD = "correct horse battery"
PIN = "246810"


@lru_cache(maxsize=8)
def _hash(secret: str) -> str:
    # Argon2 is slow on purpose; tests reuse one hash per secret.
    return auth_services.hash_secret(secret)


def organisation(name: str = "Qendra Test", **settings) -> Organisation:
    org = Organisation(name=name, **settings)
    db.session.add(org)
    db.session.commit()
    return org


def staff(org: Organisation, username: str, role: Role = Role.CASE_MANAGER, first_name: str | None = None, **fields) -> Staff:
    """A staff member; supervisors have the authenticator app set up (``second_factor_code`` gives its code now)."""
    if role == Role.SUPERVISOR and "totp_secret" not in fields:
        fields.update(totp_secret=pyotp.random_base32(), totp_enabled_at=utcnow())
    person = Staff(
        organisation=org,
        username=username,
        first_name=first_name or username.capitalize(),
        role=role,
        password_hash=_hash(PASSWORD),
        **fields,
    )
    db.session.add(person)
    db.session.commit()
    return person


def survivor(case_manager: Staff, nickname: str = "Lulja", pin: str | None = PIN) -> Survivor:
    """A survivor; with a PIN she is enrolled and has a phone (``survivor.device_secret``)."""
    person = Survivor(organisation_id=case_manager.organisation_id, case_manager=case_manager, nickname=nickname)
    db.session.add(person)
    db.session.flush()
    person.device_secret = None
    if pin is not None:
        code = auth_services.issue_enrolment_code(db.session, person, case_manager, utcnow(), 72)
        enrolment = auth_services.find_enrolment(db.session, code, utcnow())
        _, secret = auth_services.complete_enrolment(db.session, enrolment, nickname, pin, utcnow())
        person.device_secret = secret
    db.session.commit()
    return person


def enrolment_code(survivor: Survivor, by: Staff, hours: int = 72, now=None) -> str:
    code = auth_services.issue_enrolment_code(db.session, survivor, by, now or utcnow(), hours)
    db.session.commit()
    return code


@dataclass
class SmallOrganisation:
    org: Organisation
    supervisor: Staff
    arta: Staff
    besnik: Staff
    lulja: Survivor
    dielli: Survivor


def small_organisation(org: Organisation) -> SmallOrganisation:
    supervisor = staff(org, "drita", Role.SUPERVISOR)
    arta = staff(org, "arta", work_phone="069 000 0001")
    besnik = staff(org, "besnik")
    return SmallOrganisation(org, supervisor, arta, besnik, survivor(arta, "Lulja"), survivor(besnik, "Dielli"))


def help_request(survivor: Survivor, urgency: str = "now", now=None, setback: str = "health", contact: str = "call", note=None, key=None) -> HelpRequest:
    """A help request as she sends it: stored, routed, with its notifications queued."""
    from pwa.help import services as help_services

    request, _created = help_services.create_help_request(
        db.session, survivor, key or help_services.new_key(), setback, urgency, contact, note, now or utcnow()
    )
    db.session.commit()
    return request


def second_factor_code(person: Staff) -> str:
    """The code the person's authenticator app shows at the app's time; the last one used is forgotten so it may be used again."""
    from pwa.clock import now

    person.totp_last_counter = None
    db.session.commit()
    return pyotp.TOTP(person.totp_secret).at(now())


def sign_in_staff(client, person: Staff, password: str | None = None):
    response = client.post("/login", data={"username": person.username, "password": password or PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if response.headers["Location"] == "/login/code":
        response = client.post("/login/code", data={"code": second_factor_code(person)})
        assert response.status_code == 302 and response.headers["Location"] != "/login", response.get_data(as_text=True)[:500]
    return response


def sign_in_survivor(client, person: Survivor, pin: str = PIN):
    client.set_cookie(DEVICE_COOKIE, person.device_secret, domain="dera.test")
    response = client.post("/unlock", data={"pin": pin})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def directory_service(
    name: str = "Qendra Shpresa",
    areas=("legal",),
    town: str | None = "Tiranë",
    point=(41.3275, 19.8189),
    phone: str | None = "069 123 4567",
    hours=(("MO,TU,WE,TH,FR", "08:00", "16:00"),),
    status: str = "active",
    verified_on=None,
    **fields,
):
    """A service in the directory, with its provider, a place, a phone and weekly hours."""
    from pwa.models import (
        DirectoryLocation,
        DirectoryOrganization,
        DirectoryPhone,
        DirectorySchedule,
        DirectoryService,
        DirectoryServiceAtLocation,
        DirectoryServiceCategory,
    )
    from pwa.services_map.services import new_id

    provider = DirectoryOrganization(id=new_id(), name=fields.pop("provider", name))
    service = DirectoryService(id=new_id(), organization=provider, name=name, status=status, verified_on=verified_on, **fields)
    service.categories = [DirectoryServiceCategory(area=area) for area in areas]
    if phone:
        service.phones = [DirectoryPhone(id=new_id(), number=phone, type="voice")]
    service.schedules = [
        DirectorySchedule(id=new_id(), position=n, byday=days, opens_at=opens, closes_at=closes)
        for n, (days, opens, closes) in enumerate(hours)
    ]
    if town:
        location = DirectoryLocation(id=new_id(), city=town, latitude=point[0] if point else None, longitude=point[1] if point else None)
        service.service_at_locations = [DirectoryServiceAtLocation(id=new_id(), location=location)]
    db.session.add(service)
    db.session.commit()
    return service
def _plan_of(survivor: Survivor) -> Plan:
    record = db.session.scalar(db.select(Plan).where(Plan.survivor_id == survivor.id))
    if record is None:
        record = Plan(survivor_id=survivor.id, stage="crisis")
        db.session.add(record)
        db.session.flush()
    return record


def plan(survivor: Survivor, stage: str = "crisis") -> Plan:
    """The survivor's plan (made once), in ``stage``."""
    record = _plan_of(survivor)
    record.stage = stage
    db.session.commit()
    return record


def goal(
    survivor: Survivor,
    title: str = "Find a course",
    steps: tuple[str, ...] = ("Choose a course", "Sign up"),
    area: str = "education_training",
    stage: str | None = None,
    status: str = "active",
    done: int = 0,
    **fields,
) -> Goal:
    """A goal in the survivor's plan with ``steps``, the first ``done`` of them ticked."""
    record_plan = _plan_of(survivor)
    record = Goal(
        plan=record_plan, title=title, area=area, stage=stage or record_plan.stage, status=status,
        position=len(record_plan.goals) + 1, added_by_staff_id=survivor.case_manager_id, **fields,
    )
    for index, text in enumerate(steps):
        record.steps.append(
            Step(text=text, position=index + 1, done_at=utcnow() if index < done else None, added_by_staff_id=survivor.case_manager_id)
        )
    db.session.add(record)
    db.session.commit()
    return record
def appointment(survivor: Survivor, starts_at=None, title: str = "Takim në zyrë", place: str = "Zyra, kati i dytë", now=None, by: Staff | None = None):
    """An appointment (three days ahead unless told), with its reminders, as a case manager schedules it."""
    from pwa.appointments.services import schedule_appointment

    now = now or utcnow()
    made = schedule_appointment(db.session, by or survivor.case_manager, survivor, starts_at or now + timedelta(days=3), title, place, now)
    db.session.commit()
    return made


def on_duty(person: Staff, weekdays=range(7), starts: int = 0, ends: int = 1440) -> None:
    """Put ``person`` on the duty rota (every day, all day, unless told)."""
    from pwa.models import DutyShift

    for weekday in weekdays:
        db.session.add(DutyShift(organisation_id=person.organisation_id, staff_id=person.id, weekday=weekday, starts_minute=starts, ends_minute=ends))
    db.session.commit()


def organisation_settings(org: Organisation, **changes) -> dict:
    """What the organisation settings form posts for ``org`` as it stands, with ``changes``."""
    from wtforms.fields.core import UnboundField

    from pwa.console.forms import OrganisationSettingsForm

    data = {}
    for name in dir(OrganisationSettingsForm):
        if isinstance(getattr(OrganisationSettingsForm, name), UnboundField) and hasattr(org, name):
            value = getattr(org, name)
            if value is True:
                data[name] = "y"
            elif value is not False:
                data[name] = "" if value is None else str(value)
    data.update(changes)
    return data
