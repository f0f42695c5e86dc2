"""She sees what Dera keeps about her, downloads it, and deletes it."""
import json

from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import AuditEvent, Device, Goal, Plan, Survivor
from tests import factories


def test_what_we_keep_lists_her_nickname_and_goals(client, people, login_as, course):
    login_as(people.lulja)
    html = client.get("/settings/my-data").get_data(as_text=True)
    assert "Lulja" in html and "Find a course" in html


def test_the_download_is_the_same_data(client, people, login_as, course):
    login_as(people.lulja)
    response = client.get("/settings/my-data.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["nickname"] == "Lulja"
    assert [s["text"] for s in data["plan"]["goals"][0]["steps"]] == ["Choose a course", "Sign up", "Go to the first lesson"]


def test_staff_notes_are_not_in_her_copy(client, people, login_as, course):
    from pwa.models import utcnow
    from pwa.plan.services import add_check_in

    add_check_in(db.session, course.plan, people.arta, utcnow().date(), "A note for the team only", utcnow())
    db.session.commit()
    login_as(people.lulja)
    assert "A note for the team only" not in client.get("/settings/my-data.json").get_data(as_text=True)


def test_delete_needs_her_pin_and_then_removes_everything(client, people, login_as, course):
    lulja_id = people.lulja.id
    login_as(people.lulja)
    assert client.post("/settings/delete", data={"pin": "000000"}).status_code == 200
    assert db.session.get(Survivor, people.lulja.id) is not None
    response = client.post("/settings/delete", data={"pin": factories.PIN})
    assert response.headers["Location"] == "/settings/deleted"
    assert "dera_device=;" in response.headers["Set-Cookie"] or "dera_device=\"\"" in response.headers["Set-Cookie"]
    assert db.session.get(Survivor, lulja_id) is None
    assert db.session.scalar(select(func.count(Plan.id)).where(Plan.survivor_id == lulja_id)) == 0
    assert db.session.scalar(select(func.count(Device.id)).where(Device.survivor_id == lulja_id)) == 0
    assert db.session.scalar(select(func.count(Goal.id))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "deleted_by_person"))
    assert event.survivor_id is None and event.staff_id is None


def test_after_deleting_she_is_signed_out_and_gone_from_the_caseload(app, client, people, login_as, course):
    login_as(people.lulja)
    client.post("/settings/delete", data={"pin": factories.PIN})
    assert client.get("/today").status_code == 302
    office = app.test_client()
    factories.sign_in_staff(office, people.arta)
    assert "Lulja" not in office.get("/console/").get_data(as_text=True)


def test_other_people_are_untouched(client, people, login_as, course):
    login_as(people.lulja)
    client.post("/settings/delete", data={"pin": factories.PIN})
    assert db.session.get(Survivor, people.dielli.id) is not None
    assert db.session.scalar(select(func.count(Device.id)).where(Device.survivor_id == people.dielli.id)) == 1


def test_staff_cannot_reach_these_pages(client, people, login_as):
    login_as(people.arta)
    for path in ("/settings/my-data", "/settings/my-data.json", "/settings/delete"):
        assert client.get(path).status_code == 404


def test_appointments_are_in_her_copy_and_go_with_her_data(client, people, login_as, course):
    from pwa.models import Appointment

    factories.appointment(people.lulja, title="Te mjeku", place="Qendra shëndetësore")
    lulja_id = people.lulja.id
    login_as(people.lulja)
    data = json.loads(client.get("/settings/my-data.json").get_data(as_text=True))
    assert [(a["title"], a["place"]) for a in data["appointments"]] == [("Te mjeku", "Qendra shëndetësore")]
    client.post("/settings/delete", data={"pin": factories.PIN})
    assert db.session.scalar(select(func.count(Appointment.id)).where(Appointment.survivor_id == lulja_id)) == 0


def test_help_requests_are_in_her_copy_with_her_note(client, people, login_as, course):
    from pwa.help.services import create_help_request, new_key
    from pwa.models import utcnow

    create_help_request(db.session, people.lulja, new_key(), "housing", "today", "message", "Më duhet një vend", utcnow())
    db.session.commit()
    login_as(people.lulja)
    data = json.loads(client.get("/settings/my-data.json").get_data(as_text=True))
    assert [(r["what_happened"], r["note"]) for r in data["help_requests"]] == [("housing", "Më duhet një vend")]
