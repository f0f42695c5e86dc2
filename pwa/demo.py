"""Demo data: one organisation, a supervisor, two case managers and three people in the programme.

Every name here is invented. Passwords are printed because they are demo passwords.
"""
from __future__ import annotations

from flask import current_app

from .auth.services import create_staff
from .console.services import enrol_survivor
from .help.services import create_help_request, new_key
from .models import Organisation, Role, utcnow

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
        if nickname == "Ylli":
            # One open request, so that Arta's inbox shows what a request looks like.
            create_help_request(session, survivor, new_key(), "housing", "today", "message", None, now)
    lines += [
        "",
        "Use a separate browser profile or a private window for each person: a phone is bound to one person.",
        "A case manager can make a new code for anyone on their caseload in the console.",
    ]
    return lines
