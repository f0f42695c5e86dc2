"""Staff for years: deactivation ends access at once, roles change, the last supervisor stays, passwords are reset by code."""
from datetime import timedelta

from sqlalchemy import select

from pwa.extensions import db
from pwa.models import PushSubscription, Role, utcnow
from tests import factories


def test_deactivation_ends_sessions_and_push_at_once(app, client, people, login_as):
    from pwa.cases.services import move_cases

    move_cases(db.session, people.supervisor, [people.dielli], people.arta, utcnow())
    db.session.add(PushSubscription(staff_id=people.besnik.id, endpoint="https://push.example/b", p256dh="k", auth="a"))
    db.session.commit()
    besnik = app.test_client()
    factories.sign_in_staff(besnik, people.besnik)
    login_as(people.supervisor)
    assert client.post(f"/console/staff/{people.besnik.id}/deactivate", data={}).status_code == 303
    assert besnik.get("/console/").status_code == 302
    assert db.session.scalar(select(PushSubscription.id)) is None
    response = app.test_client().post("/login", data={"username": "besnik", "password": factories.PASSWORD})
    assert response.status_code == 200


def test_someone_holding_cases_is_not_deactivated(client, people, login_as):
    login_as(people.supervisor)
    client.post(f"/console/staff/{people.arta.id}/deactivate", data={})
    db.session.refresh(people.arta)
    assert people.arta.active
    assert f"/console/staff/{people.arta.id}/caseload/move" in client.get(f"/console/staff/{people.arta.id}").get_data(as_text=True)


def test_a_reactivated_colleague_signs_in_again(app, client, people, login_as):
    people.besnik.active = False
    db.session.commit()
    login_as(people.supervisor)
    client.post(f"/console/staff/{people.besnik.id}/reactivate", data={})
    assert factories.sign_in_staff(app.test_client(), people.besnik)


def test_the_last_active_supervisor_can_be_neither_deactivated_nor_demoted(client, people, login_as):
    login_as(people.supervisor)
    client.post(f"/console/staff/{people.supervisor.id}/deactivate", data={})
    client.post(f"/console/staff/{people.supervisor.id}/role", data={"role": "case_manager"})
    db.session.refresh(people.supervisor)
    assert people.supervisor.active and people.supervisor.role == Role.SUPERVISOR


def test_with_a_second_supervisor_a_role_can_change(client, people, login_as):
    login_as(people.supervisor)
    client.post(f"/console/staff/{people.arta.id}/role", data={"role": "supervisor"})
    client.post(f"/console/staff/{people.supervisor.id}/role", data={"role": "case_manager"})
    db.session.refresh(people.arta)
    db.session.refresh(people.supervisor)
    assert people.arta.role == Role.SUPERVISOR and people.supervisor.role == Role.CASE_MANAGER


def test_a_new_supervisor_sets_up_the_app_before_anything_else(app, client, people, login_as):
    login_as(people.supervisor)
    client.post(f"/console/staff/{people.arta.id}/role", data={"role": "supervisor"})
    arta = app.test_client()
    factories.sign_in_staff(arta, people.arta)
    assert arta.get("/console/").headers["Location"] == "/console/account/two-factor"


def test_a_reset_code_is_shown_once_and_lets_the_person_choose_a_password(app, client, people, login_as):
    login_as(people.supervisor)
    html = client.post(f"/console/staff/{people.arta.id}/password-reset", data={}).get_data(as_text=True)
    code = html.split('class="code-display"')[1].split(">")[1].split("<")[0]
    db.session.refresh(people.arta)
    assert code not in (people.arta.password_reset_hash or "")
    other = app.test_client()
    new = {"new_password": "a brand new password", "new_password_again": "a brand new password"}
    assert other.post(f"/password-reset/{code}", data=new).headers["Location"] == "/login"
    assert factories.sign_in_staff(app.test_client(), people.arta, "a brand new password")
    assert other.get(f"/password-reset/{code}").status_code == 404


def test_a_reset_code_expires(app, client, people):
    from pwa.staff.services import issue_password_reset

    code = issue_password_reset(people.arta, utcnow() - timedelta(hours=25), 24)
    db.session.commit()
    assert client.get(f"/password-reset/{code}").status_code == 404


def test_a_typed_reset_code_leads_to_the_form_and_a_wrong_one_is_explained(client, people):
    from pwa.staff.services import issue_password_reset

    code = issue_password_reset(people.arta, utcnow(), 24)
    db.session.commit()
    assert client.post("/password-reset", data={"code": code.lower()}).status_code == 302
    response = client.post("/password-reset", data={"code": "ABCDEFGHJKMN"})
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)


def test_password_reset_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [client.get(f"/password-reset/ABCDEFGHJKM{n % 9}").status_code for n in range(21)]
    assert statuses[:20] == [404] * 20 and statuses[20] == 429


def test_the_staff_list_is_paginated(client, people, login_as):
    for n in range(50):
        factories.staff(people.org, f"colleague{n:02d}", first_name=f"Kolege {n:02d}")
    login_as(people.supervisor)
    supervisor = f'href="/console/staff/{people.supervisor.id}"'
    first = client.get("/console/staff").get_data(as_text=True)
    assert supervisor in first and 'href="/console/staff?page=2"' in first  # supervisors first
    second = client.get("/console/staff?page=2").get_data(as_text=True)
    assert "Kolege 49" in second and supervisor not in second and 'rel="prev"' in second
