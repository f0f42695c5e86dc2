"""A case manager enrols a survivor: a one-time code and a QR of the enrolment link."""
import re

from sqlalchemy import select

from pwa.extensions import db
from pwa.models import AuditEvent, Survivor


def test_case_manager_enrols_and_sees_the_code_once(client, people, login_as):
    login_as(people.arta)
    response = client.post("/console/enrol", data={"nickname": "Ylli", "case_manager_id": people.arta.id})
    page = response.get_data(as_text=True)
    code = re.search(r'class="code-display"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})<', page).group(1)
    assert "<svg" in page and f"/enrol#{code}" in page
    ylli = db.session.scalar(select(Survivor).where(Survivor.nickname == "Ylli"))
    assert ylli.case_manager_id == people.arta.id and not ylli.is_enrolled


def test_enrolled_code_works_on_a_phone(app, client, people, login_as):
    login_as(people.arta)
    response = client.post("/console/enrol", data={"nickname": "Ylli", "case_manager_id": people.arta.id})
    code = re.search(r"([A-Z0-9]{4}-[A-Z0-9]{4})", response.get_data(as_text=True)).group(1)
    phone = app.test_client()
    done = phone.post(f"/enrol/{code}", data={"nickname": "Ylli", "pin": "135790", "pin_again": "135790"})
    assert done.headers["Location"] == "/welcome"


def test_case_manager_cannot_enrol_for_a_colleague(client, people, login_as):
    login_as(people.arta)
    client.post("/console/enrol", data={"nickname": "Ylli", "case_manager_id": people.besnik.id})
    ylli = db.session.scalar(select(Survivor).where(Survivor.nickname == "Ylli"))
    assert ylli is None or ylli.case_manager_id == people.arta.id


def test_supervisor_chooses_the_case_manager(client, people, login_as):
    login_as(people.supervisor)
    client.post("/console/enrol", data={"nickname": "Ylli", "case_manager_id": people.besnik.id})
    ylli = db.session.scalar(select(Survivor).where(Survivor.nickname == "Ylli"))
    assert ylli.case_manager_id == people.besnik.id


def test_bad_nickname_is_explained_and_nothing_is_made(client, people, login_as):
    login_as(people.arta)
    response = client.post("/console/enrol", data={"nickname": "", "case_manager_id": people.arta.id})
    assert response.status_code == 200 and 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Survivor.id))) == 2


def test_new_code_with_htmx_returns_the_fragment(client, people, login_as):
    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/code", data={}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "code-display" in html
    assert "HX-Request" in response.headers["Vary"]


def test_new_code_without_javascript_shows_the_code_page(client, people, login_as):
    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/code", data={})
    assert "code-display" in response.get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "new_code" in actions


def test_qr_svg_has_no_inline_style(client, people, login_as):
    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/code", data={}, headers={"HX-Request": "true"})
    assert "style=" not in response.get_data(as_text=True)


def test_the_code_is_shown_once_and_never_kept_in_the_session_cookie(app, client, people, login_as):
    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/code", data={})
    code = re.search(r'class="code-display"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})<', response.get_data(as_text=True)).group(1)
    with client.session_transaction() as session:
        assert code not in repr(dict(session)) and code.replace("-", "") not in repr(dict(session))
    assert client.get(f"/console/people/{people.lulja.id}/code").status_code == 302


def test_codes_are_stored_as_a_keyed_hash(app, client, people, login_as):
    import hashlib

    from pwa.models import EnrolmentCode

    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/code", data={})
    code = re.search(r'class="code-display"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})<', response.get_data(as_text=True)).group(1)
    stored = db.session.scalars(select(EnrolmentCode.code_hash)).all()
    plain = code.replace("-", "")
    assert hashlib.sha256(plain.encode()).hexdigest() not in stored
    assert len(stored) >= 1 and all(len(value) == 64 for value in stored)
