"""Agreement to the plan: given, withdrawn and given again, with times, seen by both."""
from datetime import timedelta

from bs4 import BeautifulSoup

from pwa.extensions import db
from pwa.models import PlanAgreement
from tests.plan.conftest import NOW


def _words(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").split())


def _history(response):
    return [_words(li.get_text()) for li in BeautifulSoup(response.get_data(as_text=True), "html.parser").select(".history li")]


def _at(app, moment):
    app.config["CLOCK"] = lambda: moment


def test_given_withdrawn_and_given_again_with_times_seen_by_both(app, client, people, login_as, course):
    login_as(people.lulja)
    for minutes, agree in ((0, "1"), (60, "0"), (24 * 60, "1")):
        _at(app, NOW + timedelta(minutes=minutes))
        assert client.post("/plan/agreement", data={"agree": agree}).status_code == 303
    survivor_view = client.get("/plan/agreement")
    assert _history(survivor_view) == [
        "4 mars 2026, 10:15 Pëlqimi u dha (në aplikacion)",
        "3 mars 2026, 11:15 Pëlqimi u tërhoq (në aplikacion)",
        "3 mars 2026, 10:15 Pëlqimi u dha (në aplikacion)",
    ]
    assert "Ti dhe Arta dhatë pëlqimin për këtë plan më 4 mars 2026." in survivor_view.get_data(as_text=True)
    client.post("/logout", data={})
    login_as(people.arta)
    staff_view = client.get(f"/console/people/{people.lulja.id}/plan")
    assert "Pëlqimi u dha nga të dy më 4 mars 2026, 10:15" in _words(staff_view.get_data(as_text=True))
    assert len(_history(staff_view)) == 3


def test_withdrawing_is_offered_once_agreed(client, people, login_as, course):
    login_as(people.lulja)
    client.post("/plan/agreement", data={"agree": "1"})
    html = client.get("/plan/agreement").get_data(as_text=True)
    assert "Tërhiq pëlqimin tim" in html and "Jap pëlqimin për planin tim" not in html


def test_the_plan_page_says_when_it_was_withdrawn(client, people, login_as, course, frozen):
    login_as(people.lulja)
    client.post("/plan/agreement", data={"agree": "1"})
    client.post("/plan/agreement", data={"agree": "0"})
    assert "E tërhoqe pëlqimin më 3 mars 2026." in client.get("/plan").get_data(as_text=True)


def test_agreeing_twice_is_recorded_once(client, people, login_as, course):
    login_as(people.lulja)
    client.post("/plan/agreement", data={"agree": "1"})
    client.post("/plan/agreement", data={"agree": "1"})
    assert db.session.scalar(db.select(db.func.count(PlanAgreement.id))) == 1


def test_an_empty_plan_cannot_be_agreed(client, people, login_as):
    login_as(people.lulja)
    response = client.post("/plan/agreement", data={"agree": "1"}, follow_redirects=True)
    assert "Plani yt nuk ka ende qëllime" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(PlanAgreement.id))) == 0


def test_the_case_manager_records_agreement_given_in_person(client, people, login_as, course, frozen):
    login_as(people.arta)
    client.post(f"/console/people/{people.lulja.id}/plan/agreement", data={"agree": "1"})
    row = db.session.scalar(db.select(PlanAgreement))
    assert row.given and row.in_person and row.recorded_by_id == people.arta.id
    client.post("/logout", data={})
    login_as(people.lulja)
    assert _history(client.get("/plan/agreement")) == ["3 mars 2026, 10:15 Pëlqimi u dha (personalisht)"]


def test_what_agreeing_means_is_said_plainly(client, people, login_as, course):
    login_as(people.lulja)
    html = client.get("/plan/agreement").get_data(as_text=True)
    assert "Mund ta tërheqësh pëlqimin në çdo kohë, këtu ose personalisht, dhe ndihma nuk ndalet." in html
