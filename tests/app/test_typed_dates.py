"""Dates and times typed by hand, where a browser has no picker: the ways people in Albania write them."""
import importlib
import pkgutil
from datetime import date, datetime, time, timezone

import pytest
import wtforms
from bs4 import BeautifulSoup
from sqlalchemy import select

import pwa
from pwa import forms
from pwa.extensions import db
from pwa.models import Appointment, AuditEvent, CheckIn, DirectoryService, DutyException, Goal
from tests import factories

NOW = datetime(2026, 5, 11, 8, 0, tzinfo=timezone.utc)  # Monday 10:00 in Tirana
# 31 May 2026, as a picker sends it and as people type it.
TYPED = ["2026-05-31", "31.05.2026", "31.5.2026", "31/05/2026", "31/5/2026", "31-05-2026", " 31. 05. 2026. "]
REFUSED = [
    ("31.02.2026", "Kjo datë nuk ekziston. Kontrollo ditën dhe muajin."),
    ("05/31/2026", "Kjo datë nuk ekziston. Kontrollo ditën dhe muajin."),
    ("nesër", "Shkruaj datën si ditë, muaj dhe vit, për shembull 31.05.2026."),
    ("31.05.26", "Shkruaj datën si ditë, muaj dhe vit, për shembull 31.05.2026."),
    ("31.05/2026", "Shkruaj datën si ditë, muaj dhe vit, për shembull 31.05.2026."),
]


@pytest.fixture(autouse=True)
def frozen(app):
    app.config["CLOCK"] = lambda: NOW
    yield
    app.config.pop("CLOCK", None)


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.parametrize("typed", TYPED)
def test_her_step_takes_the_date_as_she_types_it(client, people, login_as, typed):
    goal = factories.goal(people.lulja, steps=())
    login_as(people.lulja)
    assert client.post(f"/plan/goals/{goal.id}/steps", data={"text": "Shkruaj CV", "due_date": typed}).status_code in (302, 303)
    assert [step.due_date for step in db.session.get(Goal, goal.id).steps] == [date(2026, 5, 31)]


@pytest.mark.parametrize("typed, message", REFUSED)
def test_a_date_she_cannot_mean_is_refused_and_her_words_are_kept(client, people, login_as, typed, message):
    goal = factories.goal(people.lulja, steps=())
    login_as(people.lulja)
    page = _soup(client.post(f"/plan/goals/{goal.id}/steps", data={"text": "Shkruaj CV", "due_date": typed}))
    assert message in page.select_one(".error-summary").get_text()
    assert page.find(id="text")["value"] == "Shkruaj CV"
    assert page.find(id="due_date")["value"] == typed.strip()
    assert db.session.get(Goal, goal.id).steps == []


def test_a_date_understood_goes_back_to_the_picker_in_its_own_form(client, people, login_as):
    goal = factories.goal(people.lulja, steps=())
    login_as(people.lulja)
    page = _soup(client.post(f"/plan/goals/{goal.id}/steps", data={"text": " ", "due_date": "31.5.2026"}))
    assert page.find(id="due_date")["value"] == "2026-05-31"


def test_a_check_in_typed_with_dots(client, people, login_as):
    factories.goal(people.lulja)
    login_as(people.arta)
    client.post(f"/console/people/{people.lulja.id}/plan/check-ins", data={"checkin-held_on": "4.5.2026", "checkin-note": "Më e qetë"})
    assert db.session.scalar(select(CheckIn.held_on)) == date(2026, 5, 4)


def test_a_check_in_with_a_wrong_date_keeps_the_note(client, people, login_as):
    factories.goal(people.lulja)
    login_as(people.arta)
    page = _soup(client.post(f"/console/people/{people.lulja.id}/plan/check-ins", data={"checkin-held_on": "4 maj", "checkin-note": "Më e qetë"}))
    assert "Shkruaj datën si ditë, muaj dhe vit" in page.select_one(".error-summary").get_text()
    assert page.find(id="checkin-note").get_text().strip() == "Më e qetë"
    assert db.session.scalar(select(CheckIn.id)) is None


@pytest.mark.parametrize("day, at", [("12.5.2026", "14.30"), ("12/05/2026", "14:30"), ("2026-05-12", "14:30")])
def test_an_appointment_typed_the_albanian_way(client, people, login_as, day, at):
    login_as(people.arta)
    data = {"day": day, "time": at, "title": "Takim", "place": "Zyra"}
    assert client.post(f"/console/people/{people.lulja.id}/appointments/new", data=data).status_code in (302, 303)
    assert db.session.scalar(select(Appointment.starts_at)).replace(tzinfo=timezone.utc) == datetime(2026, 5, 12, 12, 30, tzinfo=timezone.utc)


def test_the_staff_day_list_takes_a_typed_day(client, people, login_as):
    login_as(people.arta)
    page = _soup(client.get("/console/appointments?day=14.5.2026"))
    assert page.select_one(".error-summary") is None
    assert page.find(id="day")["value"] == "2026-05-14"


def test_a_rota_exception_typed_with_slashes_and_dotted_hours(client, people, login_as):
    login_as(people.supervisor)
    data = {"exception-staff_id": people.besnik.id, "exception-on_date": "12/1/2027", "exception-kind": "on",
            "exception-starts": "8.30", "exception-ends": "16.00"}
    client.post("/console/rota/exceptions", data=data)
    exception = db.session.scalar(select(DutyException))
    assert exception.on_date == date(2027, 1, 12) and not exception.is_off


def test_a_rota_time_that_is_no_time_is_explained_in_albanian(client, people, login_as):
    login_as(people.supervisor)
    data = {"exception-staff_id": people.besnik.id, "exception-on_date": "12.1.2027", "exception-kind": "on",
            "exception-starts": "tetë", "exception-ends": "16:00"}
    html = client.post("/console/rota/exceptions", data=data).get_data(as_text=True)
    assert "Shkruaj orën dhe minutat, për shembull 14:30." in html and "Not a valid" not in html
    assert db.session.scalar(select(DutyException.id)) is None


def test_a_service_checked_on_a_typed_date_with_dotted_hours(client, people, login_as):
    from tests.services_map.test_console import GOOD

    login_as(people.supervisor)
    data = {**GOOD, "verified_on": "20.11.2025", "opens_MO": "8.30", "closes_MO": "16.00"}
    assert client.post("/console/services/new", data=data).status_code == 302
    service = db.session.scalar(select(DirectoryService))
    assert service.verified_on == date(2025, 11, 20)
    assert ("MO", "08:30", "16:00") in [(s.byday, s.opens_at, s.closes_at) for s in service.schedules]


def test_figures_and_the_audit_log_take_typed_dates(client, people, login_as):
    db.session.add(AuditEvent(staff_id=people.arta.id, survivor_id=people.lulja.id, action="view", at=datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)))
    db.session.commit()
    login_as(people.supervisor)
    audit = _soup(client.get("/console/audit/?start=4.5.2026&end=4/5/2026"))
    assert audit.select_one(".error-summary") is None and len(audit.select("main table tbody tr")) == 1
    figures = _soup(client.get("/console/figures/?period=custom&start=1.4.2026&end=30.4.2026"))
    assert figures.find(id="start")["value"] == "2026-04-01" and figures.select_one(".error-summary") is None


@pytest.mark.parametrize("typed", ["14:30", "14.30", "14:30:00", " 14.30 "])
def test_a_time_typed_with_a_colon_or_a_dot(typed):
    assert forms.parse_time(typed) == time(14, 30)


@pytest.mark.parametrize("typed", ["24:00", "14", "2.30 pm", "14:3", "14:60", "١٤:٣٠"])
def test_a_time_that_is_not_one_is_refused(typed):
    with pytest.raises(ValueError):
        forms.parse_time(typed)


def test_every_date_and_time_field_is_the_shared_one():
    for module in pkgutil.walk_packages(pwa.__path__, "pwa."):
        importlib.import_module(module.name)
    for form in _forms(wtforms.Form):
        for name, unbound in vars(form).items():
            kind = getattr(unbound, "field_class", None)
            if kind is None:
                continue
            if issubclass(kind, wtforms.DateField):
                assert issubclass(kind, forms.DateField), (form, name)
            if issubclass(kind, (wtforms.TimeField, wtforms.DateTimeField)):
                assert issubclass(kind, (forms.TimeField, forms.DateField)), (form, name)
            if issubclass(kind, wtforms.StringField) and (name in ("day", "time") or name.endswith(("_date", "_on"))):
                pytest.fail(f"{form.__name__}.{name} is a date or time in a text field")


def _forms(cls):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("pwa."):
            yield sub
        yield from _forms(sub)
