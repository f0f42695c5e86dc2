"""Property-based: every form and JSON endpoint, for every role that may use it, with values of every type and size.

The forms are not listed by hand: each role's pages are walked from its home
page, and every form found there is sent generated values. Whatever is sent,
Dera never answers 5xx; a refusal says why (in Albanian) and changes nothing;
whatever it stores is clean. The short run uses the ``ci`` profile (fixed seed,
few examples); ``pytest tests/app/test_hostile_input.py --hypothesis-profile=long``
tries many more (see README, Tests).
"""
from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from pwa.extensions import db
from pwa.help import services as help_services
from pwa.models import AuditEvent
from pwa.security import DEVICE_COOKIE
from tests import factories

# Fields that keep line breaks (the form's TextAreaFields).
MULTI_LINE = {"note", "description", "description_en", "accessibility", "accessibility_en"}
# Names other people read: no bidirectional controls.
NAMES = {"nickname", "first_name", "app_name"}
# Columns that change by merely using the app, whatever the form said.
USAGE = {"last_active_on", "last_used_at", "last_sign_in_at", "session_token", "seen_at"}
# Forms that end the very session the test runs in.
SKIPPED_ACTIONS = {"/logout", "/exit"}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ENGLISH = re.compile(r"\b(the|field|valid|value|must|not|required|choice|invalid)\b", re.I)

NASTY = [
    "", " ", "\x00", "a\x00b", "Rreshti\nTjetri", "\r\n", "\t", " x ", "\u202eabc", "e\u0301", "\u2028", "\x85",
    "9" * 40, "-1", "0", "2147483648", "18446744073709551616", "99999999999999", "1e309", "NaN", "9999-12-31",
    "0001-01-01", "25:61", "١٢٣٤٥٦", "１２３４５６", "123456\n", "<script>alert(1)</script>", "https://example.org/\n",
    "%00", "../../etc/passwd", "x" * 5000,
]
# Ordinary words with something unwanted in the middle.
spiked = st.builds(
    lambda head, spike, tail: head + spike + tail,
    st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs"]), min_size=2, max_size=12),
    st.sampled_from(["\x00", "\n", "\r", "\t", "\x1b", "\x7f", "\x85", "\x9f", "\u202e", "\u2066", "\u2028", "\ufeff", "e\u0301"]),
    st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs"]), min_size=0, max_size=12),
)
text_values = st.one_of(
    spiked,
    st.sampled_from(NASTY),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=600),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@dataclass
class FormSpec:
    action: str
    method: str = "post"
    fields: list[tuple[str, list[str]]] = field(default_factory=list)  # name, values the page offers (a usable one first)


def usable_value(name: str, kind: str) -> str:
    """A value a person would type in an empty field, so that one hostile field is the only thing wrong."""
    today = date.today()
    if "pin" in name:
        return factories.PIN
    if "password" in name:
        return factories.PASSWORD
    if name.endswith("held_on"):
        return today.isoformat()
    if kind == "date" or name.endswith(("day", "_date")):
        return (today + timedelta(days=2)).isoformat()
    if name.endswith("time"):
        return "10:30"
    if name.startswith(("opens_", "closes_")) or name.endswith(("latitude", "longitude", "phone", "helpline", "number")):
        return ""
    if kind == "number":
        return "5"
    if kind == "url" or name.endswith("url"):
        return "https://example.org/"
    if name.endswith("username"):
        return "ana.test"
    return "Tekst i thjeshtë"


def _forms_of(html: str) -> list[FormSpec]:
    found = []
    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        action = form.get("action") or ""
        if not action.startswith("/") or action in SKIPPED_ACTIONS:
            continue
        spec = FormSpec(urlsplit(action).path, (form.get("method") or "get").lower())
        names: dict[str, list[str]] = {}
        for element in form.find_all(["input", "textarea", "select"]):
            name = element.get("name")
            if not name or name == "csrf_token":
                continue
            offered = names.setdefault(name, [])
            if element.name == "select":
                options = [option.get("value", option.get_text()) for option in element.find_all("option")]
                offered += [value for value in options if value] + [value for value in options if not value]
            elif element.name == "textarea":
                offered.append(element.get_text() or usable_value(name, "textarea"))
            elif element.get("type") in ("radio", "checkbox"):
                offered.append(element.get("value", "on"))
            else:
                offered.append(element.get("value") or usable_value(name, element.get("type", "text")))
        spec.fields = list(names.items())
        found.append(spec)
    return found


def crawl(client, start: str, limit: int = 45) -> list[FormSpec]:
    """The forms on the pages reachable from ``start`` (one per action and set of fields)."""
    seen, queue, forms = set(), [start], {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        for spec in _forms_of(html):
            forms.setdefault((spec.method, spec.action, tuple(name for name, _ in spec.fields)), spec)
        for link in BeautifulSoup(html, "html.parser").find_all("a", href=True):
            target = urlsplit(link["href"])
            if not target.netloc and target.path.startswith("/") and not target.path.startswith(("/static", "/exit")):
                if not target.path.endswith((".ics", ".json", ".js")) and target.path not in seen:
                    queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return list(forms.values())


def snapshot(ignored: frozenset = frozenset()) -> dict:
    """Every row of every table (decrypted where encrypted), without the usage stamps."""
    db.session.expire_all()
    rows = {}
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if model is AuditEvent:
            continue
        columns = [c.key for c in mapper.column_attrs if c.key not in USAGE and c.key not in ignored]
        rows[mapper.local_table.name] = sorted(
            (tuple((name, getattr(obj, name)) for name in columns) for obj in db.session.scalars(select(model))), key=repr
        )
    return rows


def assert_clean(before: dict, after: dict) -> None:
    """Every value that is new or changed is clean text."""
    for table, rows in after.items():
        old = set(before.get(table, []))
        for row in rows:
            if row in old:
                continue
            for name, value in row:
                if not isinstance(value, str):
                    continue
                refused = CONTROL_BUT_LINES if name in MULTI_LINE else CONTROL
                assert not refused.search(value), (table, name, value)
                assert unicodedata.is_normalized("NFC", value), (table, name, value)
                if name in NAMES:
                    assert not BIDI.search(value), (table, name, value)


def shows_refusal(response) -> bool:
    if response.status_code >= 400:
        return True
    html = response.get_data(as_text=True)
    return 'class="error-summary"' in html or 'aria-invalid="true"' in html


def assert_translated(response) -> None:
    """A refusal is explained in Albanian: no English default message reaches the page."""
    if response.mimetype != "text/html":
        return
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for element in soup.select(".error-summary li, .field-error .error-message, [role=alert]"):
        assert not ENGLISH.search(element.get_text(" ")), element.get_text(" ")


def _world(people):
    """Something on every page: a plan with a goal and steps, a help request, an appointment, a service."""
    factories.plan(people.lulja, "crisis")
    factories.goal(people.lulja, "Gjej punë", ("Shkruaj CV", "Dërgo CV"))
    factories.help_request(people.lulja, note="Qiraja")
    factories.appointment(people.lulja, by=people.arta)
    factories.directory_service()


def _values(spec: FormSpec):
    """Usually: every field as the page offers it, but one hostile; sometimes every field anything at all."""
    if not spec.fields:
        return st.just(())
    usable = tuple((name, [offered[0]] if offered else []) for name, offered in spec.fields)

    def one_hostile(index: int, values: list[str]):
        drawn = list(usable)
        drawn[index] = (spec.fields[index][0], values)
        return tuple(drawn)

    one = st.builds(one_hostile, st.integers(0, len(spec.fields) - 1), st.lists(text_values, min_size=0, max_size=2))
    anything = st.tuples(
        *(st.tuples(st.just(name), st.lists(st.one_of(st.sampled_from(offered or [""]), text_values), max_size=2)) for name, offered in spec.fields)
    )
    return st.one_of(st.just(usable), one, one, one, anything)


def _post(client, spec: FormSpec, drawn) -> object:
    data = MultiDict([(name, value) for name, values in drawn for value in values])
    if spec.method == "get":
        return client.get(spec.action, query_string=data)
    data["csrf_token"] = client.csrf_token or ""
    return client.post(spec.action, data=data)


def run_forms(client, start: str, ignored: frozenset = frozenset()) -> None:
    forms = crawl(client, start)
    assert forms, f"no forms reachable from {start}"
    check_forms(client, forms, ignored)


def check_forms(client, forms: list[FormSpec], ignored: frozenset = frozenset()) -> None:
    """Send generated values to the forms: never a 5xx; a refusal explained and changing nothing; only clean text stored."""

    @given(st.data())
    def check(data):
        spec = data.draw(st.sampled_from(forms), label="form")
        drawn = data.draw(_values(spec), label=spec.action)
        before = snapshot(ignored)
        response = _post(client, spec, drawn)
        assert response.status_code < 500, (spec.action, drawn)
        after = snapshot(ignored)
        if shows_refusal(response) or spec.method == "get":
            assert_translated(response)
            assert after == before, (spec.action, drawn)
        else:
            assert_clean(before, after)

    check()


@pytest.mark.parametrize("role", ["survivor", "case_manager", "supervisor", "anonymous", "locked_phone"])
def test_every_form_survives_hostile_values(client, people, login_as, role):
    _world(people)
    if role == "anonymous":
        client.get("/login")
        run_forms(client, "/")
        return
    if role == "locked_phone":
        # Her phone with the app locked: a wrong PIN is counted even though it is refused.
        client.set_cookie(DEVICE_COOKIE, people.lulja.device_secret, domain="dera.test")
        run_forms(client, "/unlock", ignored=frozenset({"failed_pin_attempts", "locked_at"}))
        return
    person = {"survivor": people.lulja, "case_manager": people.arta, "supervisor": people.supervisor}[role]
    login_as(person)
    run_forms(client, "/today" if role == "survivor" else "/console/")


def test_enrolment_forms_survive_hostile_values(app, people):
    """The forms of a phone that is not bound yet: the code, then the nickname and PIN."""
    ylli = factories.survivor(people.arta, "Ylli", pin=None)
    code = factories.enrolment_code(ylli, people.arta)
    phone = app.test_client()
    phone.get("/enrol")
    forms = [FormSpec("/enrol", "post", [("code", [code, code.lower()])])]
    forms.append(FormSpec("/enrol", "post", [("code", [code]), ("nickname", ["Ylli"]), ("pin", ["135790"]), ("pin_again", ["135790"])]))
    check_forms(phone, forms)


def _containers(children):
    return st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False) | text_values,
    _containers,
    max_leaves=12,
)


@pytest.fixture
def phone(app, people):
    phone = app.test_client()
    phone.set_cookie(DEVICE_COOKIE, people.lulja.device_secret, domain="dera.test")
    return phone


def check_json(client, url: str, bodies, headers=None) -> None:
    """Send generated JSON: never a 5xx; a refusal changes nothing; only clean text stored."""

    @given(bodies)
    def check(body):
        before = snapshot()
        response = client.post(url, json=body, headers=headers or {})
        assert response.status_code < 500, body
        after = snapshot()
        if response.status_code >= 400:
            assert after == before, body
        else:
            assert_clean(before, after)

    check()


def test_the_help_queue_survives_hostile_json(app, phone, people):
    token = help_services.make_queue_token(app.config["SECRET_KEY"], people.lulja)
    good = {"setback": "housing", "urgency": "today", "contact": "message", "note": "Qiraja"}
    item = st.fixed_dictionaries(
        {
            "key": st.one_of(st.builds(lambda: str(uuid.uuid4())), json_values),
            "token": st.one_of(st.just(token), json_values),
            **{name: st.one_of(st.just(value), json_values) for name, value in good.items()},
        },
        optional={"fresh": st.one_of(st.just(token), json_values)},
    )
    check_json(phone, "/help/queue", st.one_of(item, json_values))


@pytest.mark.parametrize("url", ["/push/subscriptions", "/push/subscriptions/remove", "/push/resubscribe"])
@pytest.mark.parametrize("role", ["survivor", "case_manager"])
def test_push_endpoints_survive_hostile_json(app, client, people, login_as, url, role):
    login_as(people.lulja if role == "survivor" else people.arta)
    client.get("/settings" if role == "survivor" else "/console/")
    token = client.csrf_token
    keys = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}
    subscription = st.fixed_dictionaries(
        {
            "endpoint": st.one_of(st.just("https://push.example/abc"), json_values),
            "keys": st.one_of(st.just(keys), json_values),
        },
        optional={"oldEndpoint": st.one_of(st.just("https://push.example/abc"), json_values)},
    )
    check_json(client, url, st.one_of(subscription, json_values), headers={"X-CSRFToken": token})
