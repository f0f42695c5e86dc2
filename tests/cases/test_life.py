"""A case's life: moved to another case manager, closed with a reason, purged after the retention, reopened."""
from datetime import timedelta

from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import AuditEvent, CaseEvent, EnrolmentCode, HelpRequest, PushSubscription, Survivor, utcnow
from pwa.retention import purge_expired_records
from tests import factories

PIN = factories.PIN


def _kinds(survivor) -> list[str]:
    return list(db.session.scalars(select(CaseEvent.kind).where(CaseEvent.survivor_id == survivor.id).order_by(CaseEvent.id)))


def test_a_moved_person_is_invisible_to_the_old_worker_and_her_requests_follow(client, people, login_as):
    request = factories.help_request(people.lulja)
    login_as(people.supervisor)
    response = client.post(f"/console/people/{people.lulja.id}/move", data={"case_manager_id": people.besnik.id})
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.assigned_to_id == people.besnik.id
    assert "moved" in _kinds(people.lulja)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "move_case")).staff_id == people.supervisor.id
    arta = client.application.test_client()
    factories.sign_in_staff(arta, people.arta)
    assert arta.get(f"/console/people/{people.lulja.id}").status_code == 404
    assert arta.get(f"/console/requests/{request.id}").status_code == 404


def test_she_sees_her_new_workers_name(client, people, login_as):
    from pwa.cases.services import move_cases

    move_cases(db.session, people.supervisor, [people.lulja], people.besnik, utcnow())
    db.session.commit()
    login_as(people.lulja)
    assert "Besnik" in client.get("/settings/my-data").get_data(as_text=True)


def test_a_whole_caseload_moves_in_one_step(client, people, login_as):
    third = factories.survivor(people.arta, "Hëna")
    login_as(people.supervisor)
    response = client.post(f"/console/staff/{people.arta.id}/caseload/move", data={"case_manager_id": people.besnik.id})
    assert response.status_code == 302
    managers = set(db.session.scalars(select(Survivor.case_manager_id).where(Survivor.id.in_([people.lulja.id, third.id]))))
    assert managers == {people.besnik.id}
    assert db.session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.kind == "moved")) == 2


def test_moving_to_someone_outside_the_list_is_refused(client, people, login_as):
    other = factories.staff(factories.organisation("Tjetër"), "other")
    login_as(people.supervisor)
    response = client.post(f"/console/people/{people.lulja.id}/move", data={"case_manager_id": other.id})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.get_data(as_text=True)
    db.session.refresh(people.lulja)
    assert people.lulja.case_manager_id == people.arta.id


def test_closing_ends_her_phone_sign_in_and_shows_the_kind_page(app, client, people, login_as):
    people.org.helpline = "0800 1234"
    db.session.commit()
    phone = app.test_client()
    factories.sign_in_survivor(phone, people.lulja)
    db.session.add(PushSubscription(survivor_id=people.lulja.id, endpoint="https://push.example/1", p256dh="k", auth="a"))
    db.session.commit()
    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/close", data={"reason": "goals_reached"})
    assert response.status_code == 302
    db.session.refresh(people.lulja)
    assert people.lulja.is_closed and people.lulja.closure_reason == "goals_reached"
    assert phone.get("/today").status_code == 302  # the session ended
    html = phone.get("/unlock").get_data(as_text=True)
    assert "0800 1234" in html and "129" in html and "Arta" not in html
    assert phone.post("/unlock", data={"pin": PIN}).status_code == 200
    assert phone.get("/today").status_code == 302
    assert db.session.scalar(select(func.count(PushSubscription.id))) == 0
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "closed"))
    assert event.reason == "goals_reached" and event.stage is None


def test_closing_needs_a_reason(client, people, login_as):
    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/close", data={})
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
    db.session.refresh(people.lulja)
    assert not people.lulja.is_closed


def test_a_code_given_before_the_closure_stops_working(client, people, login_as):
    code = factories.enrolment_code(people.lulja, people.arta)
    login_as(people.arta)
    client.post(f"/console/people/{people.lulja.id}/close", data={"reason": "moved_away"})
    assert client.application.test_client().get(f"/enrol/{code}").status_code == 404


def test_where_the_organisation_asks_a_supervisor_approves_the_closure(app, client, people, login_as):
    people.org.closure_needs_approval = True
    db.session.commit()
    login_as(people.arta)
    client.post(f"/console/people/{people.lulja.id}/close", data={"reason": "chose_to_stop"})
    db.session.refresh(people.lulja)
    assert people.lulja.closure_pending and not people.lulja.is_closed
    supervisor = app.test_client()
    factories.sign_in_staff(supervisor, people.supervisor)
    assert "Lulja" in supervisor.get("/console/?attention=1").get_data(as_text=True)
    assert supervisor.post(f"/console/people/{people.lulja.id}/close/approve", data={}).status_code == 303
    db.session.refresh(people.lulja)
    assert people.lulja.is_closed and people.lulja.closure_reason == "chose_to_stop"


def test_a_case_manager_cannot_approve_a_closure(client, people, login_as):
    people.org.closure_needs_approval = True
    db.session.commit()
    login_as(people.arta)
    client.post(f"/console/people/{people.lulja.id}/close", data={"reason": "chose_to_stop"})
    assert client.post(f"/console/people/{people.lulja.id}/close/approve", data={}).status_code == 404


def test_a_supervisor_may_keep_the_case_open(app, people):
    from pwa.cases.services import decline_closure, request_closure

    people.org.closure_needs_approval = True
    request_closure(db.session, people.arta, people.lulja, "lost_contact", utcnow())
    decline_closure(db.session, people.supervisor, people.lulja)
    db.session.commit()
    assert not people.lulja.closure_pending and people.lulja.closure_reason is None


def test_a_closed_record_is_purged_after_the_retention_unless_reopened(app, people):
    from pwa.cases.services import close_case

    people.org.closed_case_retention_days = 30
    now = utcnow()
    factories.help_request(people.lulja)
    close_case(db.session, people.arta, people.lulja, "goals_reached", now - timedelta(days=31))
    close_case(db.session, people.besnik, people.dielli, "moved_away", now - timedelta(days=29))
    db.session.commit()
    lulja_id = people.lulja.id
    counts = purge_expired_records(db.session, now, audit_days=730)
    db.session.commit()
    assert counts["closed_cases"] == 1
    assert db.session.get(Survivor, lulja_id) is None and db.session.get(Survivor, people.dielli.id) is not None
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 0
    # The anonymous milestones stay for the figures.
    assert db.session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.kind == "closed", CaseEvent.survivor_id.is_(None))) == 1


def test_reopening_issues_a_new_code_that_binds_her_phone_again(app, client, people, login_as):
    from pwa.cases.services import close_case

    close_case(db.session, people.arta, people.lulja, "lost_contact", utcnow())
    db.session.commit()
    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/reopen", data={})
    # The code is shown in the answer itself: it never sits in the session cookie.
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    db.session.refresh(people.lulja)
    assert not people.lulja.is_closed and _kinds(people.lulja)[-1] == "reopened"
    assert db.session.scalar(select(func.count(EnrolmentCode.id)).where(EnrolmentCode.used_at.is_(None), EnrolmentCode.expires_at > utcnow())) == 1
    assert 'class="code-display"' in html
    phone = app.test_client()
    code = html.split('class="code-display"')[1].split(">")[1].split("<")[0]
    assert phone.post("/enrol", data={"code": code, "nickname": "Lulja", "pin": "135790", "pin_again": "135790"}).status_code == 302
    assert phone.get("/today").status_code == 200


def test_a_closed_case_cannot_be_moved_closed_again_or_given_a_plain_code(client, people, login_as):
    from pwa.cases.services import close_case

    close_case(db.session, people.arta, people.lulja, "other", utcnow())
    db.session.commit()
    login_as(people.supervisor)
    assert client.get(f"/console/people/{people.lulja.id}/move").status_code == 404
    assert client.get(f"/console/people/{people.lulja.id}/close").status_code == 404
    assert client.post(f"/console/people/{people.lulja.id}/code", data={}).status_code == 404
    assert "Rihap rastin" in client.get(f"/console/people/{people.lulja.id}").get_data(as_text=True)


def test_what_the_app_keeps_tells_her_when_a_closed_case_is_deleted(client, people, login_as):
    people.org.closed_case_retention_days = 45
    db.session.commit()
    login_as(people.lulja)
    assert "i fshijmë të gjitha këto 45 ditë më vonë" in client.get("/settings/my-data").get_data(as_text=True)
