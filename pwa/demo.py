"""Demo data: one organisation, a supervisor, two case managers and three people in the programme.

Every name here is invented. Passwords are printed because they are demo passwords.
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from .auth.services import create_staff
from .console.services import enrol_survivor
from .models import Organisation, Role, utcnow
from .services_map.services import import_directory

# The starter directory: national lines and well-known organisations, at town level.
STARTER_DIRECTORY = Path(__file__).parent / "data" / "services-albania.json"

SUPERVISOR = ("drita", "Drita", "drita-demo-2026")
CASE_MANAGERS = [
    ("arta", "Arta", "arta-demo-2026", "069 000 0001"),
    ("besnik", "Besnik", "besnik-demo-2026", "069 000 0002"),
]
# (nickname, username of the case manager)
SURVIVORS = [("Lulja", "arta"), ("Ylli", "arta"), ("Dielli", "besnik")]


class DemoRefused(RuntimeError):
    pass


def load_demo(session, base_url: str) -> list[str]:
    """Add the demo people; return the lines that tell how to sign in as each."""
    now = utcnow()
    hours = current_app.config["ENROLMENT_HOURS"]
    organisation = Organisation(name="Qendra Demo")
    session.add(organisation)
    supervisor = create_staff(session, organisation, SUPERVISOR[0], SUPERVISOR[1], SUPERVISOR[2], Role.SUPERVISOR)
    managers = {}
    for username, first_name, password, phone in CASE_MANAGERS:
        managers[username] = create_staff(session, organisation, username, first_name, password, Role.CASE_MANAGER)
        managers[username].work_phone = phone
    session.flush()
    directory = import_directory(session, STARTER_DIRECTORY, now)

    lines = [
        "Demo data loaded.",
        "",
        f"Open {base_url}/ in a browser.",
        "",
        "Staff sign in at " + f"{base_url}/login:",
        f"  supervisor    {SUPERVISOR[0]:8} password {SUPERVISOR[2]}",
    ]
    for username, _first, password, _phone in CASE_MANAGERS:
        lines.append(f"  case manager  {username:8} password {password}")
    lines += ["", f"People in the programme enrol a phone once (valid for {hours} hours), then unlock with their PIN:"]
    for nickname, manager in SURVIVORS:
        survivor, code = enrol_survivor(session, managers[manager], managers[manager], nickname, now, hours)
        lines.append(f"  {nickname:8} (case manager {manager}): {base_url}/enrol/{code}  (or type {code} at {base_url}/enrol)")
    lines += [
        "",
        f"Service directory: {directory.services} services from {STARTER_DIRECTORY.name} (public at {base_url}/services).",
        "",
        "Use a separate browser profile or a private window for each person: a phone is bound to one person.",
        "A case manager can make a new code for anyone on their caseload in the console.",
    ]
    return lines
