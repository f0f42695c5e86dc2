"""Factories for the people and records tests need, stored in the real database."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from pwa.auth import services as auth_services
from pwa.console import services as console_services
from pwa.extensions import db
from pwa.models import HelpRequest, Organisation, Role, Staff, Survivor, utcnow
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


def sign_in_staff(client, person: Staff, password: str | None = None):
    response = client.post("/login", data={"username": person.username, "password": password or PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
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
