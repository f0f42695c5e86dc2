"""Demo data: one organisation, a supervisor, two case managers and three people in the programme.

Every name here is invented. Passwords are printed because they are demo passwords.
"""
from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

from flask import current_app

from .appointments.services import schedule_appointment, tirane_day, tirane_to_utc
from .auth.services import create_staff
from .console.services import enrol_survivor
from .help.services import create_help_request, new_key
from .models import Organisation, Role, utcnow
from .signing import secret_keys
from .staff.services import new_recovery_codes, start_two_factor
from .plan import services as plan_services
from .services_map.services import import_directory, published_services

# The starter directory: national lines and well-known organisations, at town level.
STARTER_DIRECTORY = Path(__file__).parent / "data" / "services-albania.json"

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

# Each person's plan: the stage, whether it is agreed, and goals as
# (template or None, own title, status, steps done, own steps in Albanian, days until the first step is due).
PLANS = {
    "Lulja": ("transition", True, [
        ("crisis.safe", None, "reached", 0, (), None),
        ("growth.course", None, "active", 1, (), 5),
        (None, "Një dhomë me qira në Tiranë", "active", 1, ("Të shoh tri dhoma", "Të llogaris sa mund të paguaj", "Të nënshkruaj kontratën"), 12),
    ]),
    "Ylli": ("crisis", False, [
        ("crisis.routine", None, "active", 1, ("Të zgjohem çdo ditë në të njëjtën orë", "Një shëtitje çdo pasdite"), 2),
        ("crisis.wellbeing", None, "active", 0, ("Vizitë te mjeku i familjes",), 7),
    ]),
    "Dielli": ("inclusion", True, [
        ("transition.job", None, "reached", 0, (), None),
        ("growth.business", None, "active", 2, (), 20),
        ("inclusion.home", None, "paused", 0, ("Të kursej çdo muaj",), None),
    ]),
}


class DemoRefused(RuntimeError):
    pass


def load_demo(session, base_url: str) -> list[str]:
    """Add the demo people; return the lines that tell how to sign in as each."""
    now = utcnow()
    hours = current_app.config["ENROLMENT_HOURS"]
    organisation = Organisation(name="Qendra Demo")
    session.add(organisation)
    supervisor = create_staff(session, organisation, SUPERVISOR[0], SUPERVISOR[1], SUPERVISOR[2], Role.SUPERVISOR)
    # Supervisors sign in with an authenticator app: the demo's is set up with a printed key.
    supervisor.totp_secret, supervisor.totp_enabled_at = start_two_factor(supervisor), now
    session.flush()
    # And has recovery codes, as a supervisor who set up the app has.
    recovery_codes = new_recovery_codes(session, supervisor, now, secret_keys())
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
        f"  supervisor    {SUPERVISOR[0]:8} password {SUPERVISOR[2]}, then the code from an authenticator app"
        f" set up with the key {supervisor.totp_secret}",
        f"                (or one of these recovery codes, each once: {', '.join(recovery_codes)})",
    ]
    for username, _first, password, _phone in CASE_MANAGERS:
        lines.append(f"  case manager  {username:8} password {password}")
    lines += ["", f"People in the programme enrol a phone once (valid for {hours} hours), then unlock with their PIN:"]
    survivors = {}
    for nickname, manager in SURVIVORS:
        survivor, code = enrol_survivor(session, managers[manager], managers[manager], nickname, now, hours)
        _demo_plan(session, survivor, managers[manager], now, *PLANS[nickname])
        survivors[nickname] = survivor
        lines.append(f"  {nickname:8} (case manager {manager}): {base_url}/enrol#{code}  (or type {code} at {base_url}/enrol)")
        if nickname == "Ylli":
            # One open request, so that Arta's inbox shows what a request looks like.
            create_help_request(session, survivor, new_key(), "housing", "today", "message", None, now)
    for nickname, days, at, title, place in APPOINTMENTS:
        survivor = survivors[nickname]
        starts_at = tirane_to_utc(tirane_day(now) + timedelta(days=days), at)
        schedule_appointment(session, survivor.case_manager, survivor, starts_at, title, place, now)
    lines += [
        "",
        f"Service directory: {directory.services} services from {STARTER_DIRECTORY.name} (public at {base_url}/services).",
        "",
        "Use a separate browser profile or a private window for each person: a phone is bound to one person.",
        "A case manager can make a new code for anyone on their caseload in the console.",
    ]
    return lines


def _demo_plan(session, survivor, manager, now, stage: str, agreed: bool, goals) -> None:
    """A plan with goals from the templates and by hand, some steps done, and a check-in."""
    plan = plan_services.ensure_plan(session, survivor, now)
    plan.stage = stage
    for template, title, status, done, own_steps, due_in in goals:
        if template:
            goal = plan_services.add_goal_from_template(session, plan, template, manager, now)
        else:
            goal = plan_services.add_goal(session, plan, now, area="housing", stage=stage, title=title, by_staff=manager)
        for text in own_steps:
            plan_services.add_step(session, goal, now, text=text, by_staff=manager)
        session.refresh(goal, ["steps"])
        for index, step in enumerate(goal.steps):
            if index < done:
                step.done_at = now - timedelta(days=3)
            elif due_in is not None and index == done:
                step.due_date = (now + timedelta(days=due_in)).date()
        plan_services.set_goal_status(session, goal, status, now - timedelta(days=10))
        if status == "active":
            _recommend_a_service(session, goal, manager, now)
    if agreed:
        plan_services.record_agreement(session, plan, True, now - timedelta(days=14), staff=manager)
    plan_services.add_check_in(session, plan, manager, (now - timedelta(days=4)).date(), "Demo: më shumë qetësi këtë javë.", now)


def _recommend_a_service(session, goal, manager, now) -> None:
    """Recommend the first directory service in the goal's area, as a case manager would."""
    service = next((s for s in published_services(session) if goal.area in s.areas), None)
    if service is not None:
        plan_services.recommend_service(session, goal, service, now, manager)
