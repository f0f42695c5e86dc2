"""The seven people every new console page is tried with (route × role tests)."""
from __future__ import annotations

from pwa.extensions import db
from pwa.models import Role
from tests import factories

ROLES = ["case_manager", "other_case_manager", "delegate", "supervisor", "other_supervisor", "survivor", "anonymous"]


def sign_in_as(role: str, people, client) -> None:
    """Sign ``client`` in as ``role`` in the small organisation (the delegate stands in for Arta, who is away)."""
    if role == "anonymous":
        return
    if role == "delegate":
        people.arta.away, people.arta.delegate = True, people.besnik
        db.session.commit()
    person = {
        "case_manager": people.arta,
        "other_case_manager": people.besnik,
        "delegate": people.besnik,
        "supervisor": people.supervisor,
        "survivor": people.lulja,
    }.get(role)
    if role == "other_supervisor":
        person = factories.staff(factories.organisation("Qendra Tjetër"), "zana", Role.SUPERVISOR)
    if person.is_staff:
        factories.sign_in_staff(client, person)
    else:
        factories.sign_in_survivor(client, person)


def expected_status(role: str) -> int:
    """Organisation pages: supervisors (of any organisation, each sees their own) get the page; others 404; nobody signed in, sign-in."""
    return {"supervisor": 200, "other_supervisor": 200, "anonymous": 302}.get(role, 404)
