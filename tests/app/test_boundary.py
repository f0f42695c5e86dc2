"""The input boundary: bodies of the wrong kind, ids beyond the database, clean text, settings that cannot break a page."""
import importlib
import pkgutil

import flask_wtf
import pytest
import wtforms
from sqlalchemy import func, select

import pwa
from pwa import forms
from pwa.extensions import db
from pwa.models import Goal, Organisation, Survivor
from tests import factories


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_of_dera_cleans_its_text():
    for module in pkgutil.walk_packages(pwa.__path__, "pwa."):
        importlib.import_module(module.name)
    ours = [cls for cls in _all_subclasses(wtforms.Form) if cls.__module__.startswith("pwa.") and cls.__module__ != "pwa.forms"]
    assert len(ours) > 20
    for cls in ours:
        assert issubclass(cls, (forms.FlaskForm, forms.Form)), cls
        if issubclass(cls, flask_wtf.FlaskForm):
            assert issubclass(cls, forms.FlaskForm), cls


def test_json_sent_to_a_form_is_refused_with_a_plain_message(client, people, login_as):
    login_as(people.lulja)
    client.get("/plan/goals/new")
    token = client.csrf_token
    response = client.post("/plan/goals/new", json={"title": 5, "area": ["x"]}, headers={"X-CSRFToken": token})
    assert response.status_code == 415
    assert "vetëm atë që dërgon formulari" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Goal.id))) == 0


def test_a_file_where_text_belongs_is_refused(client, people, login_as):
    from io import BytesIO

    login_as(people.lulja)
    response = client.post(
        "/plan/goals/new", data={"title": (BytesIO(b"Gjej pune"), "goal.txt"), "area": "economic"}, content_type="multipart/form-data"
    )
    assert response.status_code == 415
    assert "nuk merr skedarë" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Goal.id))) == 0


def test_a_body_too_large_gets_a_translated_413(client, people, login_as):
    login_as(people.lulja)
    response = client.post("/plan/goals/new", data={"title": "x" * 300_000, "area": "economic"})
    assert response.status_code == 413
    assert "shumë e gjatë" in response.get_data(as_text=True)


def test_a_json_endpoint_refuses_a_form_body(client, people, login_as):
    login_as(people.lulja)
    response = client.post("/push/subscriptions/remove", data={"endpoint": "https://push.example/x"})
    assert response.status_code == 415 and response.is_json


@pytest.mark.parametrize("number", [2**31, 18446744073709551616, 10**30])
def test_every_id_beyond_the_database_is_not_found(app, client, people, login_as, number):
    login_as(people.supervisor)
    rules = [rule for rule in app.url_map.iter_rules() if "int" in str(rule.__dict__.get("_converters", {})) or "<int:" in rule.rule]
    assert len(rules) > 10
    for rule in rules:
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<int:{name}>", str(number))
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(path, method=method, data={} if method == "POST" else None)
        assert response.status_code == 404, (path, response.status_code)


@pytest.mark.parametrize("path", ["/services/%00", "/services/a%0Ab", "/enrol/AAAA%00AAAA", "/services/%C2%85"])
def test_a_control_character_in_a_path_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_ids_in_range_still_work(client, people, login_as):
    login_as(people.arta)
    assert client.get(f"/console/people/{people.lulja.id}").status_code == 200


@pytest.mark.parametrize(
    "title, message",
    [
        ("Gjej\x00 punë", "nuk mund të shkruhet"),
        ("Gjej\x1b punë", "nuk mund të shkruhet"),
        ("Gjej\x85 punë", "nuk mund të shkruhet"),
        ("Gjej\npunë", "në një rresht"),
        ("  x  ", "2 deri në"),
    ],
)
def test_goal_titles_with_control_characters_or_too_short_are_refused(client, people, login_as, title, message):
    login_as(people.lulja)
    response = client.post("/plan/goals/new", data={"title": title, "area": "economic"})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Goal.id))) == 0


def test_text_is_trimmed_and_normalised(client, people, login_as):
    login_as(people.lulja)
    decomposed = "Gje\u0308j pune"  # "ë" as e + combining diaeresis
    response = client.post("/plan/goals/new", data={"title": f"  {decomposed}\t ", "area": "economic"})
    assert response.status_code in (302, 303)
    assert db.session.scalar(select(Goal.title)) == "Gjëj pune"


def test_a_note_keeps_its_lines(client, people, login_as):
    from pwa.models import HelpRequest

    login_as(people.lulja)
    page = client.get("/help").get_data(as_text=True)
    key = factories.re.search(r'name="key"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        "/help", data={"key": key, "setback": "health", "urgency": "today", "contact": "call", "note": "Rreshti një\r\nRreshti dy"}
    )
    assert response.status_code == 303
    assert db.session.scalar(select(HelpRequest.note)) == "Rreshti një\nRreshti dy"


def test_bidirectional_controls_are_dropped_from_nicknames(app, people):
    phone = app.test_client()
    code = factories.enrolment_code(people.lulja, people.arta)
    phone.post(f"/enrol/{code}", data={"nickname": "\u202eLul\u2066ja", "pin": "135790", "pin_again": "135790"})
    assert db.session.get(Survivor, people.lulja.id).nickname == "Lulja"


def test_a_pin_with_a_line_break_is_refused_at_enrolment(app, people):
    phone = app.test_client()
    code = factories.enrolment_code(people.lulja, people.arta)
    response = phone.post(f"/enrol/{code}", data={"nickname": "Lulja", "pin": "135790\n", "pin_again": "135790\n"})
    assert response.status_code == 200
    assert db.session.get(Survivor, people.lulja.id).enrolled_at is not None  # the factory's, unchanged
    assert phone.get("/today").status_code == 302


@pytest.mark.parametrize("pin", ["١٢٣٤٥٦", "12345６", "1234567", "12345"])
def test_a_pin_is_exactly_six_ascii_digits(pin):
    from wtforms import Form, StringField

    class F(Form):
        pin = StringField(validators=[forms.Pin()])

    form = F(data={"pin": pin})
    assert not form.validate()


def _settings(org, **changes):
    return factories.organisation_settings(org, **changes)


@pytest.mark.parametrize(
    "exit_url",
    ["https://www.bbc.com/weather/3183875\nX-Evil: 1", "https://exa mple.org/", "https://:443/", "https://example.org:99999/", "javascript:alert(1)"],
)
def test_an_unusable_exit_address_is_refused(client, people, login_as, exit_url):
    login_as(people.supervisor)
    response = client.post("/console/organisation", data=_settings(people.org, exit_url=exit_url))
    assert response.status_code == 200 and "https://" in response.get_data(as_text=True)
    assert db.session.get(Organisation, people.org.id).exit_url == "https://www.bbc.com/weather/3183875"


def test_a_trailing_newline_in_the_exit_address_is_trimmed_and_exit_still_leaves(app, client, people, login_as):
    login_as(people.supervisor)
    client.post("/console/organisation", data=_settings(people.org, exit_url="https://example.org/weather\n"))
    assert db.session.get(Organisation, people.org.id).exit_url == "https://example.org/weather"
    assert app.test_client().get("/exit").headers["Location"] == "https://example.org/weather"


@pytest.mark.parametrize("hours", ["99999999999999", "1e9", "٢٤", "24,,2,1,3"])
def test_reminder_hours_out_of_range_are_refused(client, people, login_as, hours):
    login_as(people.supervisor)
    response = client.post("/console/organisation", data=_settings(people.org, reminder_hours=hours))
    assert response.status_code == 200
    assert db.session.get(Organisation, people.org.id).reminder_hours == "24,2"


def test_language_with_a_line_break_in_next_goes_home(client):
    response = client.post("/language", data={"locale": "en", "next": "/services\r\nSet-Cookie: x=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "99999-01-01"])
def test_staff_day_at_the_end_of_the_calendar_is_a_plain_message(client, people, login_as, day):
    login_as(people.arta)
    assert client.get(f"/console/appointments?day={day}").status_code == 200


def test_a_huge_edit_version_is_a_conflict_not_an_error(client, people, login_as):
    goal = factories.goal(people.lulja, "Gjej punë", ("Shkruaj CV",))
    login_as(people.arta)
    response = client.post(
        f"/console/people/{people.lulja.id}/plan/goals/{goal.id}",
        data={"edit-title": "Gjej punë tani", "edit-area": "economic", "edit-stage": "crisis", "edit-version": "9" * 40},
    )
    assert response.status_code < 500
    assert db.session.get(Goal, goal.id).title == "Gjej punë"
