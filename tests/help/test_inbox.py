"""The staff inbox: requests by urgency and age; acknowledge, answer, resolve; the duty queue."""
from datetime import timedelta

import pytest

from pwa.extensions import db
from pwa.help import services
from pwa.models import utcnow
from tests import factories


def test_the_inbox_lists_her_request_most_urgent_first(client, people, login_as):
    factories.help_request(people.lulja, urgency="week", setback="housing")
    factories.help_request(people.lulja, urgency="now", setback="safety_and_threats")
    login_as(people.arta)
    html = client.get("/console/inbox").get_data(as_text=True)
    assert html.index("Ndihem në rrezik ose më kërcënojnë") < html.index("Problem me shtëpinë")
    assert "Lulja" in html and "në pritje:" in html


def test_the_inbox_shows_only_my_people(client, people, login_as):
    factories.help_request(people.dielli)
    login_as(people.arta)
    html = client.get("/console/inbox").get_data(as_text=True)
    assert "Dielli" not in html and "Nuk ka kërkesa të hapura." in html


def test_the_navigation_counts_open_requests(client, people, login_as):
    factories.help_request(people.lulja)
    factories.help_request(people.lulja)
    login_as(people.arta)
    assert '<span class="count">2</span>' in client.get("/console/").get_data(as_text=True)


def test_the_inbox_counts_its_requests_once_for_the_list_and_the_navigation(client, people, login_as):
    from tests.queries import recorded_statements

    factories.help_request(people.lulja)
    factories.help_request(people.lulja, urgency="week")
    factories.help_request(people.dielli)
    login_as(people.arta)
    with recorded_statements() as statements:
        html = client.get("/console/inbox").get_data(as_text=True)
    assert '<span class="count">2</span>' in html and html.count('class="request urgency-') == 2
    assert sum("count(" in statement.lower() for statement in statements) == 1


def test_the_inbox_reads_no_note_or_outcome_to_list_requests(client, people, login_as):
    """A row shows neither: they stay encrypted in the database until the request's own page."""
    from tests.queries import recorded_statements

    factories.help_request(people.lulja, note="Më duhet të flas me dikë")
    login_as(people.arta)
    with recorded_statements() as statements:
        html = client.get("/console/inbox").get_data(as_text=True)
    assert "Lulja" in html and "Më duhet" not in html
    assert not any("help_request.note" in statement or "help_request.outcome" in statement for statement in statements)


def test_acknowledging_shows_seen_to_her(app, client, people, login_as):
    request = factories.help_request(people.lulja)
    login_as(people.arta)
    response = client.post(f"/console/requests/{request.id}/seen", data={"next": "inbox"})
    assert response.headers["Location"] == "/console/inbox"
    phone = app.test_client()
    factories.sign_in_survivor(phone, people.lulja)
    html = phone.get(f"/help/requests/{request.id}").get_data(as_text=True)
    assert '<li class="done">U pa' in html


def test_acknowledging_with_htmx_returns_the_row(client, people, login_as):
    request = factories.help_request(people.lulja)
    login_as(people.arta)
    response = client.post(f"/console/requests/{request.id}/seen", data={}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li class="request urgency-now" id="request-{request.id}"') and "E pashë" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_request_page_shows_her_note(client, people, login_as):
    request = factories.help_request(people.lulja, note="Pronari më kërcënon")
    login_as(people.arta)
    assert "Pronari më kërcënon" in client.get(f"/console/requests/{request.id}").get_data(as_text=True)


def test_answering_records_how(client, people, login_as):
    request = factories.help_request(people.lulja)
    login_as(people.arta)
    assert client.post(f"/console/requests/{request.id}/answered", data={"how": "meet"}).status_code == 303
    db.session.refresh(request)
    assert (request.status, request.answered_how) == ("answered", "meet")


def test_answering_needs_a_known_way(client, people, login_as):
    request = factories.help_request(people.lulja)
    login_as(people.arta)
    html = client.post(f"/console/requests/{request.id}/answered", data={"how": "pigeon"}).get_data(as_text=True)
    assert "Zgjidh si e kontaktove." in html
    db.session.refresh(request)
    assert request.status == "sent"


def test_resolving_needs_a_short_outcome(client, people, login_as):
    request = factories.help_request(people.lulja)
    login_as(people.arta)
    html = client.post(f"/console/requests/{request.id}/resolve", data={"outcome": ""}).get_data(as_text=True)
    assert "Shkruaj përfundimin me pak fjalë." in html
    html = client.post(f"/console/requests/{request.id}/resolve", data={"outcome": "x" * 121}).get_data(as_text=True)
    assert 'value="' + "x" * 121 in html  # what was typed is kept
    db.session.refresh(request)
    assert request.status == "sent"


def test_resolving_closes_it_and_encrypts_the_outcome(client, people, login_as):
    from sqlalchemy import text

    request = factories.help_request(people.lulja)
    login_as(people.arta)
    client.post(f"/console/requests/{request.id}/resolve", data={"outcome": "Qiraja u pagua"})
    db.session.refresh(request)
    assert (request.status, request.outcome) == ("resolved", "Qiraja u pagua")
    assert b"Qiraja" not in bytes(db.session.execute(text("SELECT outcome FROM help_request")).scalar())
    assert "Lulja" not in client.get("/console/inbox").get_data(as_text=True)


def test_her_record_lists_her_requests(client, people, login_as):
    factories.help_request(people.lulja, setback="legal_process")
    login_as(people.arta)
    assert "Gjykata ose çështje ligjore" in client.get(f"/console/people/{people.lulja.id}").get_data(as_text=True)


def test_the_supervisor_sees_the_duty_queue_and_how_long_requests_waited(client, people, login_as):
    sent = utcnow() - timedelta(hours=1)
    request = factories.help_request(people.dielli, now=sent)
    services.escalate_overdue_requests(db.session, sent + timedelta(minutes=30))
    login_as(people.supervisor)
    html = client.get("/console/duty").get_data(as_text=True)
    assert "Dielli" in html and "Sa pritën kërkesat" in html
    client.post(f"/console/requests/{request.id}/seen", data={"next": "duty"})
    assert "Asgjë nuk është në pritje." in client.get("/console/duty").get_data(as_text=True)


def test_the_case_manager_on_duty_sees_and_acknowledges_escalated_requests(client, people, login_as):
    factories.on_duty(people.besnik)
    sent = utcnow() - timedelta(hours=1)
    request = factories.help_request(people.lulja, now=sent)
    services.escalate_overdue_requests(db.session, sent + timedelta(minutes=30))
    login_as(people.besnik)
    assert "Lulja" in client.get("/console/duty").get_data(as_text=True)
    assert client.post(f"/console/requests/{request.id}/seen", data={}).status_code == 303
    db.session.refresh(request)
    assert (request.status, request.assigned_to_id) == ("seen", people.besnik.id)


def test_the_delegate_answers_while_the_case_manager_is_away(client, people, login_as):
    people.arta.away, people.arta.delegate_id = True, people.besnik.id
    db.session.commit()
    request = factories.help_request(people.lulja)
    login_as(people.besnik)
    assert "Lulja" in client.get("/console/inbox").get_data(as_text=True)
    assert client.post(f"/console/requests/{request.id}/seen", data={}).status_code == 303


@pytest.mark.parametrize("path", ["/console/inbox", "/console/inbox/list"])
def test_survivors_get_404_on_the_inbox(client, people, login_as, path):
    login_as(people.lulja)
    assert client.get(path).status_code == 404
