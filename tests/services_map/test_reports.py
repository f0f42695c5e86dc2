"""'This number didn't work': one tap on a service's page, nothing about who; supervisors see the queue and mark checked."""
import pytest
from sqlalchemy import inspect

from pwa.extensions import db
from pwa.models import DirectoryService, DirectoryServiceReport, Role
from tests import factories


@pytest.fixture
def ours(people):
    return factories.directory_service("Qendra Jonë", keeper_id=people.org.id)


def _reports():
    return db.session.scalars(db.select(DirectoryServiceReport)).all()


def test_a_services_page_offers_one_tap_reports(client, ours):
    html = client.get(f"/services/{ours.id}").get_data(as_text=True)
    assert f'action="/services/{ours.id}/wrong"' in html
    for kind in ("phone", "address", "hours"):
        assert f'name="kind" value="{kind}"' in html
    assert "<textarea" not in html.split('id="wrong"')[1]


@pytest.mark.parametrize("who", ["anonymous", "lulja"])
def test_anyone_reports_in_one_tap_and_nothing_about_them_is_kept(client, people, login_as, ours, who):
    if who != "anonymous":
        login_as(people.lulja)
    response = client.post(f"/services/{ours.id}/wrong", data={"kind": "phone"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/services/{ours.id}?reported=phone#wrong")
    assert "Faleminderit" in client.get(response.headers["Location"]).get_data(as_text=True)
    (report,) = _reports()
    assert report.kind == "phone" and report.service_id == ours.id
    assert {c.key for c in inspect(DirectoryServiceReport).columns} == {"id", "service_id", "kind", "reported_on"}


def test_a_report_needs_a_known_kind_and_a_shown_service(client, ours):
    hidden = factories.directory_service("E fshehur", status="inactive")
    assert client.post(f"/services/{ours.id}/wrong", data={"kind": "free text"}).status_code == 400
    assert client.post(f"/services/{hidden.id}/wrong", data={"kind": "phone"}).status_code == 404
    assert _reports() == []


def test_supervisors_see_the_queue_and_mark_checked(client, people, login_as, ours):
    for kind in ("phone", "phone", "hours"):
        client.post(f"/services/{ours.id}/wrong", data={"kind": kind})
    login_as(people.supervisor)
    html = client.get("/console/services/reports").get_data(as_text=True)
    assert "Qendra Jonë" in html and "<td>2</td>" in html and "Nuk është kontrolluar ende" in html
    assert client.post(f"/console/services/{ours.id}/checked", data={}).status_code == 302
    db.session.expire_all()
    assert _reports() == [] and db.session.get(DirectoryService, ours.id).verified_on is not None
    assert "Askush nuk ka njoftuar" in client.get("/console/services/reports").get_data(as_text=True)


@pytest.mark.parametrize("role", ["arta", "lulja", "other supervisor"])
def test_only_the_keeping_supervisors_mark_checked_and_only_supervisors_see_the_queue(client, people, login_as, ours, role):
    client.post(f"/services/{ours.id}/wrong", data={"kind": "address"})
    if role == "other supervisor":
        person = factories.staff(factories.organisation("Tjetër"), "vera", Role.SUPERVISOR)
    else:
        person = getattr(people, role)
    login_as(person)
    assert client.post(f"/console/services/{ours.id}/checked", data={}).status_code == 404
    assert len(_reports()) == 1
    if role != "other supervisor":
        assert client.get("/console/services/reports").status_code == 404


def test_the_queue_shows_the_first_reported_first_a_page_at_a_time(client, people, login_as):
    from datetime import date, timedelta

    services = [factories.directory_service(f"Shërbimi {n:02d}", keeper_id=people.org.id) for n in range(52)]
    for n, service in enumerate(services):
        db.session.add(DirectoryServiceReport(service_id=service.id, kind="phone", reported_on=date(2027, 3, 1) - timedelta(days=n)))
    db.session.add(DirectoryServiceReport(service_id=services[51].id, kind="hours", reported_on=date(2027, 3, 2)))
    db.session.commit()
    login_as(people.supervisor)
    first = client.get("/console/services/reports").get_data(as_text=True)
    assert first.index("Shërbimi 51") < first.index("Shërbimi 50") and "Shërbimi 01" not in first
    assert 'rel="next"' in first and "Faqja 1 nga 2" in first
    second = client.get("/console/services/reports?page=2").get_data(as_text=True)
    assert second.index("Shërbimi 01") < second.index("Shërbimi 00") and "Shërbimi 51" not in second
    row = first.split("Shërbimi 51")[1].split("</tr>")[0]
    assert "<td>1</td>" in row and row.count("<td>1</td>") == 2  # one phone report, one hours report
