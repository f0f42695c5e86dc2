"""Demo data: one organisation, a supervisor, two case managers and three people in the programme.

Every name here is invented. Passwords are printed because they are demo passwords.
"""
from __future__ import annotations

from datetime import time, timedelta

from flask import current_app

from .appointments.services import schedule_appointment, tirane_day, tirane_to_utc
from .auth.services import create_staff
from .console.services import enrol_survivor
from .models import Organisation, Role, utcnow

SUPERVISOR = ("drita", "Drita", "drita-demo-2026")
CASE_MANAGERS = [
    ("arta", "Arta", "arta-demo-2026", "069 000 0001"),
    ("besnik", "Besnik", "besnik-demo-2026", "069 000 0002"),
]
# (nickname, username of the case manager)
SURVIVORS = [("Lulja", "arta"), ("Ylli", "arta"), ("Dielli", "besnik")]
# (nickname, days from today, time in Tirana, title, place)
APPOINTMENTS = [
    ("Lulja", 1, time(10, 30), "Takim në zyrë", "Zyra, kati i dytë"),
    ("Lulja", 8, time(9, 0), "Kurs", "Qendra e formimit, salla 3"),
    ("Ylli", 3, time(14, 0), "Vizitë", "Qendra shëndetësore nr. 2"),
    ("Dielli", 2, time(11, 0), "Takim për punë", "Zyra e punësimit"),
]


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
    survivors = {}
    for nickname, manager in SURVIVORS:
        survivor, code = enrol_survivor(session, managers[manager], managers[manager], nickname, now, hours)
        survivors[nickname] = survivor
        lines.append(f"  {nickname:8} (case manager {manager}): {base_url}/enrol/{code}  (or type {code} at {base_url}/enrol)")
    for nickname, days, at, title, place in APPOINTMENTS:
        survivor = survivors[nickname]
        starts_at = tirane_to_utc(tirane_day(now) + timedelta(days=days), at)
        schedule_appointment(session, survivor.case_manager, survivor, starts_at, title, place, now)
    lines += [
        "",
        "Use a separate browser profile or a private window for each person: a phone is bound to one person.",
        "A case manager can make a new code for anyone on their caseload in the console.",
    ]
    return lines
