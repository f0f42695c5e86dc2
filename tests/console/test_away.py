"""Away and delegate, and the duty rota."""
import pytest

from pwa.extensions import db
from tests import factories


def test_a_case_manager_marks_herself_away_with_a_delegate(client, people, login_as):
    request = factories.help_request(people.lulja)
    login_as(people.arta)
    response = client.post("/console/away", data={"away": "yes", "delegate_id": str(people.besnik.id)})
    assert response.status_code == 302
    db.session.refresh(people.arta)
    db.session.refresh(request)
    assert (people.arta.away, people.arta.delegate_id, request.assigned_to_id) == (True, people.besnik.id, people.besnik.id)
    assert "Për ty përgjigjet Besnik" in client.get("/console/away").get_data(as_text=True)


def test_away_needs_a_delegate(client, people, login_as):
    login_as(people.arta)
    html = client.post("/console/away", data={"away": "yes", "delegate_id": ""}).get_data(as_text=True)
    assert "Zgjidh kush përgjigjet për ty sa mungon." in html
    db.session.refresh(people.arta)
    assert not people.arta.away


@pytest.mark.parametrize("delegate", ["self", "other_organisation", "closed_account"])
def test_the_delegate_is_an_active_colleague_of_the_same_organisation(client, people, login_as, delegate):
    if delegate == "self":
        chosen = people.arta
    elif delegate == "other_organisation":
        chosen = factories.staff(factories.organisation("Tjetër"), "other")
    else:
        chosen = factories.staff(people.org, "gone", active=False)
    login_as(people.arta)
    html = client.post("/console/away", data={"away": "yes", "delegate_id": str(chosen.id)}).get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    db.session.refresh(people.arta)
    assert not people.arta.away


def test_coming_back(client, people, login_as):
    people.arta.away, people.arta.delegate_id = True, people.besnik.id
    db.session.commit()
    login_as(people.arta)
    client.post("/console/away", data={"away": "no", "delegate_id": ""})
    db.session.refresh(people.arta)
    assert not people.arta.away
    login_as(people.besnik)
    assert client.get(f"/console/people/{people.lulja.id}").status_code == 404


def test_a_bad_away_answer_changes_nothing(client, people, login_as):
    login_as(people.arta)
    html = client.post("/console/away", data={"away": "maybe"}).get_data(as_text=True)
    assert "Zgjidh nëse je në punë apo mungon." in html


def test_the_duty_queue_link_shows_for_staff_on_duty(client, people, login_as):
    factories.on_duty(people.besnik)
    login_as(people.besnik)
    assert 'href="/console/duty"' in client.get("/console/").get_data(as_text=True)
