"""Route × role: every new page of cases and staff accounts, for everyone who might ask for it."""
import pytest

from pwa.extensions import db
from pwa.models import Role
from tests import factories

# (method, url, who gets in); {lulja} is Arta's person, {arta} a case manager, {code} a reset code.
PAGES = [
    ("get", "/console/people/{lulja}/move", {"supervisor"}),
    ("get", "/console/staff/{arta}/caseload/move", {"supervisor"}),
    ("get", "/console/people/{lulja}/close", {"case_manager", "delegate", "supervisor"}),
    ("get", "/console/staff/{arta}", {"supervisor"}),
    ("post", "/console/staff/{arta}/reactivate", {"supervisor"}),
    ("post", "/console/staff/{arta}/password-reset", {"supervisor"}),
    ("post", "/console/staff/{arta}/two-factor/reset", {"supervisor"}),
    ("get", "/console/?closed=1", {"case_manager", "other_case_manager", "delegate", "supervisor", "other_supervisor"}),
    ("get", "/console/account/two-factor", {"case_manager", "other_case_manager", "delegate", "supervisor", "other_supervisor"}),
]
ROLES = ["case_manager", "other_case_manager", "delegate", "supervisor", "other_supervisor", "survivor", "anonymous"]


@pytest.fixture
def cast(app, people):
    """Everyone who might ask: Arta's delegate is Besnik while she is away; Dielli's case manager is Besnik."""
    delegate = factories.staff(people.org, "vera")
    people.arta.away, people.arta.delegate_id = True, delegate.id
    db.session.commit()
    other_org = factories.organisation("Tjetër")
    return {
        "case_manager": people.arta,
        "other_case_manager": people.besnik,
        "delegate": delegate,
        "supervisor": people.supervisor,
        "other_supervisor": factories.staff(other_org, "other", Role.SUPERVISOR),
        "survivor": people.lulja,
        "anonymous": None,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "allowed"), PAGES)
def test_route_by_role(client, people, cast, login_as, role, method, url, allowed):
    if cast[role] is not None:
        login_as(cast[role])
    path = url.format(lulja=people.lulja.id, arta=people.arta.id)
    response = client.get(path) if method == "get" else client.post(path, data={})
    if role == "anonymous":
        assert response.status_code == 302 and response.headers["Location"] in ("/login", "/")
    elif role in allowed:
        assert response.status_code in (200, 302, 303), response.status_code
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["reopen", "close/approve", "close/decline"])
def test_case_decisions_by_role(client, people, cast, login_as, role, action):
    from pwa.cases.services import close_case, request_closure
    from pwa.models import utcnow

    if action == "reopen":
        close_case(db.session, people.arta, people.lulja, "other", utcnow())
        allowed = {"case_manager", "delegate", "supervisor"}
    else:
        people.org.closure_needs_approval = True
        request_closure(db.session, people.arta, people.lulja, "other", utcnow())
        allowed = {"supervisor"}
    db.session.commit()
    if cast[role] is not None:
        # A closed case cannot sign in: the survivor asking is another person in the programme.
        login_as(people.dielli if role == "survivor" else cast[role])
    response = client.post(f"/console/people/{people.lulja.id}/{action}", data={})
    if role == "anonymous":
        assert response.status_code == 302
    elif role in allowed:
        # Reopening answers with the new code itself; the decisions go back to her record.
        assert response.status_code == (200 if action == "reopen" else 303)
    else:
        assert response.status_code == 404


def test_a_supervisor_cannot_move_people_to_another_organisations_worker_or_touch_its_staff(client, people, login_as):
    other = factories.staff(factories.organisation("Tjetër"), "other")
    login_as(people.supervisor)
    assert client.get(f"/console/staff/{other.id}").status_code == 404
    assert client.post(f"/console/staff/{other.id}/deactivate", data={}).status_code == 404
    assert client.get(f"/console/staff/{other.id}/caseload/move").status_code == 404


def test_the_password_reset_pages_are_open_to_anyone_with_a_code(client, people):
    assert client.get("/password-reset").status_code == 200
    assert client.get("/password-reset/NOTAREALCODE").status_code == 404
