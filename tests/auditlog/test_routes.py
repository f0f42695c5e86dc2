"""Supervisors read the audit log per person and per staff member, by dates and kind, a page at a time, and as CSV."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from pwa.extensions import db
from pwa.models import AuditEvent
from pwa.retention import purge_expired_records
from tests import factories
from tests.roles import ROLES, expected_status, sign_in_as

URLS = ["/console/audit/", "/console/audit/log.csv"]


def _event(staff, survivor, action="view", at=None):
    event = AuditEvent(staff_id=staff.id if staff else None, survivor_id=survivor.id if survivor else None, action=action, at=at or datetime(2027, 1, 11, 9, 0, tzinfo=timezone.utc))
    db.session.add(event)
    db.session.commit()
    return event


def _rows(client, query="") -> list[list[str]]:
    soup = BeautifulSoup(client.get(f"/console/audit/{query}").get_data(as_text=True), "html.parser")
    return [[cell.get_text(strip=True) for cell in row.find_all("td")] for row in soup.select("main table tbody tr")]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("role", ROLES)
def test_only_supervisors_read_the_log_and_only_their_own_organisations(client, people, role, url):
    _event(people.arta, people.lulja)
    sign_in_as(role, people, client)
    response = client.get(url)
    assert response.status_code == expected_status(role)
    if role == "other_supervisor":
        assert "Lulja" not in response.get_data(as_text=True)


def test_the_log_shows_who_did_what_to_whose_record(client, people, login_as):
    _event(people.arta, people.lulja, "plan_edit")
    login_as(people.supervisor)
    [row] = _rows(client)
    assert row[0].startswith("11 janar 2027, 10:00") and row[1:] == ["Arta", "Lulja", "Ndryshoi planin"]


def test_filters_by_person_staff_member_kind_and_dates(client, people, login_as):
    _event(people.arta, people.lulja, "view", datetime(2027, 1, 10, 23, 30, tzinfo=timezone.utc))  # 11 Jan 00:30 in Tirana
    _event(people.besnik, people.dielli, "plan_edit", datetime(2027, 1, 11, 23, 30, tzinfo=timezone.utc))  # 12 Jan 00:30
    login_as(people.supervisor)
    assert [r[2] for r in _rows(client, f"?survivor={people.lulja.id}")] == ["Lulja"]
    assert [r[1] for r in _rows(client, f"?staff={people.besnik.id}")] == ["Besnik"]
    assert [r[3] for r in _rows(client, "?action=plan_edit")] == ["Ndryshoi planin"]
    assert [r[2] for r in _rows(client, "?start=2027-01-11&end=2027-01-11")] == ["Lulja"]
    assert [r[2] for r in _rows(client, "?start=2027-01-12")] == ["Dielli"]


def test_a_wrong_date_range_is_explained_and_the_log_still_shows(client, people, login_as):
    _event(people.arta, people.lulja, at=datetime(2027, 2, 5, 9, 0, tzinfo=timezone.utc))  # after the start, which still holds
    login_as(people.supervisor)
    html = client.get("/console/audit/?start=2027-02-01&end=2027-01-01").get_data(as_text=True)
    assert "Data e mbarimit është para datës së fillimit." in html
    assert "Lulja" in html


def test_the_log_comes_a_page_at_a_time(client, people, login_as):
    start = datetime(2027, 1, 1, tzinfo=timezone.utc)
    db.session.add_all(AuditEvent(staff_id=people.arta.id, survivor_id=people.lulja.id, action="view", at=start + timedelta(minutes=n)) for n in range(60))
    db.session.commit()
    login_as(people.supervisor)
    assert len(_rows(client)) == 50
    assert len(_rows(client, "?page=2")) == 10
    html = client.get("/console/audit/?page=2").get_data(as_text=True)
    assert "Faqja 2 nga 2" in html and 'rel="prev"' in html


def test_the_csv_holds_the_same_events_as_the_pages(client, people, login_as):
    _event(people.arta, people.lulja, "plan_edit")
    _event(people.besnik, people.dielli, "view")
    login_as(people.supervisor)
    response = client.get(f"/console/audit/log.csv?staff={people.arta.id}")
    assert response.mimetype == "text/csv" and "no-store" in response.headers["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [["Kur", "Punonjësi", "Personi", "Veprimi"], ["2027-01-11 10:00", "Arta", "Lulja", "Ndryshoi planin"]]


def test_the_log_never_holds_what_she_wrote(client, people, login_as):
    request = factories.help_request(people.lulja, note="Mesazh shumë privat")
    login_as(people.arta)
    client.get(f"/console/requests/{request.id}")
    client.post(f"/console/requests/{request.id}/resolve", data={"outcome": "Përfundim sekret"})
    login_as(people.supervisor)
    page = client.get("/console/audit/").get_data(as_text=True)
    download = client.get("/console/audit/log.csv").get_data(as_text=True)
    assert "Hapi një kërkesë për ndihmë" in page and "Mbylli një kërkesë për ndihmë" in page
    for text in (page, download):
        assert "Mesazh shumë privat" not in text and "Përfundim sekret" not in text


def test_a_nickname_cannot_become_a_spreadsheet_formula(client, people, login_as):
    people.lulja.nickname = "=cmd()"
    _event(people.arta, people.lulja)
    login_as(people.supervisor)
    assert "'=cmd()" in client.get("/console/audit/log.csv").get_data(as_text=True)


def test_the_log_keeps_events_for_the_organisations_own_period(people):
    other_org = factories.organisation("Tjetër")
    other = factories.staff(other_org, "other")
    people.org.audit_retention_days = 100
    now = datetime(2027, 6, 1, tzinfo=timezone.utc)
    old, recent, elsewhere, orphan = (
        _event(*args, at=now - timedelta(days=days)).id
        for args, days in (((people.arta, people.lulja), 101), ((people.arta, people.lulja), 99), ((other, None), 101), ((None, None, "deleted_by_person"), 731))
    )
    assert purge_expired_records(db.session, now, audit_days=730)["audit_events"] == 2
    db.session.commit()
    assert set(db.session.scalars(select(AuditEvent.id))) == {recent, elsewhere}


def test_a_supervisor_sets_the_audit_logs_retention(client, people, login_as):
    login_as(people.supervisor)
    html = client.get("/console/organisation").get_data(as_text=True)
    assert 'name="audit_retention_days" type="text" value="730"' in html or 'value="730"' in html
    data = {field: getattr(people.org, field) or "" for field in (
        "app_name", "exit_url", "idle_lock_survivor_minutes", "idle_lock_staff_minutes", "helpline", "reminder_hours",
        "appointment_retention_days", "help_escalate_now_minutes", "help_escalate_today_hours", "help_escalate_week_days", "help_retention_days",
        "checkin_interval_crisis_days", "checkin_interval_transition_days", "checkin_interval_inclusion_days", "closed_case_retention_days",
    )}
    client.post("/console/organisation", data={**data, "audit_retention_days": "365"})
    db.session.refresh(people.org)
    assert people.org.audit_retention_days == 365


def test_a_supervisor_goes_from_a_record_to_its_log_and_a_case_manager_does_not(client, people, login_as):
    login_as(people.supervisor)
    link = f'href="/console/audit/?survivor={people.lulja.id}"'
    assert link in client.get(f"/console/people/{people.lulja.id}").get_data(as_text=True)
    login_as(people.arta)
    assert link not in client.get(f"/console/people/{people.lulja.id}").get_data(as_text=True)


def test_the_log_finds_people_by_part_of_their_nickname(client, people, login_as):
    _event(people.arta, people.lulja)
    _event(people.besnik, people.dielli)
    _event(people.arta, None, "view")
    login_as(people.supervisor)
    assert [r[2] for r in _rows(client, "?person=ULJ")] == ["Lulja"]
    assert _rows(client, "?person=%25") == []  # a wildcard is only a character to find
    html = client.get("/console/audit/?person=" + "x" * 41).get_data(as_text=True)
    assert "40" in html and "Dielli" in html  # too long: explained, and the filter is left out


def test_the_log_of_one_record_says_whose_it_is_and_how_to_see_every_record(client, people, login_as):
    _event(people.arta, people.lulja, "plan_edit")
    _event(people.besnik, people.dielli)
    login_as(people.supervisor)
    soup = BeautifulSoup(client.get(f"/console/audit/?survivor={people.lulja.id}&action=plan_edit").get_data(as_text=True), "html.parser")
    assert "Vetëm veprimet për personin: Lulja." in soup.main.get_text()
    assert soup.find("a", string="Shfaq veprimet për të gjithë")["href"] == "/console/audit/?action=plan_edit"
    assert soup.find("input", attrs={"name": "survivor", "type": "hidden"})["value"] == str(people.lulja.id)


def test_the_page_links_keep_the_filters_and_nothing_else(client, people, login_as):
    start = datetime(2027, 1, 1, tzinfo=timezone.utc)
    db.session.add_all(AuditEvent(staff_id=people.arta.id, survivor_id=people.lulja.id, action="view", at=start + timedelta(minutes=n)) for n in range(60))
    db.session.commit()
    login_as(people.supervisor)
    soup = BeautifulSoup(client.get("/console/audit/?action=view&_external=1&page=1").get_data(as_text=True), "html.parser")
    [link] = soup.select("nav.pagination a")
    assert link["href"] in ("/console/audit/?page=2&action=view", "/console/audit/?action=view&page=2")


def test_a_long_log_is_counted_only_so_far_and_still_pages_on(client, people, login_as, monkeypatch):
    from pwa.auditlog import routes

    monkeypatch.setattr(routes, "COUNT_LIMIT", 60)
    start = datetime(2027, 1, 1, tzinfo=timezone.utc)
    db.session.add_all(AuditEvent(staff_id=people.arta.id, survivor_id=people.lulja.id, action="view", at=start + timedelta(minutes=n)) for n in range(120))
    db.session.commit()
    login_as(people.supervisor)
    html = client.get("/console/audit/?page=2").get_data(as_text=True)
    assert "Më shumë se 60 veprime" in html and "Faqja 2<" in html and 'rel="next"' in html
    last = client.get("/console/audit/?page=3").get_data(as_text=True)
    assert len(_rows(client, "?page=3")) == 20 and 'rel="next"' not in last and 'rel="prev"' in last
