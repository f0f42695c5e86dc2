"""Rotating keys: the notes key (MultiFernet and ``notes rekey``) and the secret key (fallbacks)."""
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import LargeBinary, func, select, type_coerce

from pwa.crypto import NotesKeyError, encrypted_columns, rekey
from pwa.extensions import db
from pwa.models import Appointment, CheckIn, HelpRequest, Staff, utcnow
from pwa.security import DEVICE_COOKIE
from pwa.signing import secret_keys
from pwa.staff.services import new_recovery_codes
from tests import factories
from tests.conftest import app_config

# The key the test app starts with is the old one, so that everything the fixtures encrypt (the
# supervisors' authenticator keys too) is under it.
OLD, NEW = app_config(Path("."))["NOTES_KEY"], Fernet.generate_key().decode()


def _populate(people, count: int = 12) -> None:
    """Encrypted rows in every table that has them: appointments, help requests, check-ins."""
    plan = factories.plan(people.lulja)
    for n in range(count):
        factories.appointment(people.lulja, title=f"Takim {n} në zyrë", place=f"Rruga {n}, Tiranë")
        factories.help_request(people.dielli, note=f"Më duhet ndihmë {n}", key=f"key-{n}")
        plan.check_ins.append(CheckIn(held_on=date(2026, 5, n + 1), note=f"Ndihet mirë {n} ë ç"))
    db.session.commit()


def _everything() -> dict:
    """Every encrypted value, decrypted, by table and id."""
    db.session.expire_all()
    return {
        "appointments": {a.id: (a.title, a.place) for a in db.session.scalars(select(Appointment))},
        "help": {h.id: (h.note, h.outcome) for h in db.session.scalars(select(HelpRequest))},
        "check_ins": {c.id: c.note for c in db.session.scalars(select(CheckIn))},
    }


def _readable_with(key: str) -> bool:
    """Whether every stored ciphertext opens with ``key`` alone."""
    fernet = Fernet(key.encode())
    for column in encrypted_columns(db.metadata):
        for token in db.session.scalars(select(type_coerce(column, LargeBinary)).where(column.is_not(None))):
            try:
                fernet.decrypt(bytes(token))
            except Exception:
                return False
    return True


@pytest.fixture
def populated(app, people):
    app.config["NOTES_KEY"] = OLD
    _populate(people)
    return _everything()


def test_rotating_the_notes_key_on_a_populated_database_loses_nothing(app, populated):
    app.config["NOTES_KEY"] = f"{NEW},{OLD}"  # the new key in front: everything still reads
    assert _everything() == populated
    result = app.test_cli_runner().invoke(args=["notes", "rekey", "--batch", "5"])
    assert result.exit_code == 0, result.output
    assert "appointment.title: 12 re-encrypted" in result.output
    assert _readable_with(NEW)
    app.config["NOTES_KEY"] = NEW  # the old key removed
    assert _everything() == populated


def test_an_interrupted_rekey_continues_where_it_stopped(app, populated):
    app.config["NOTES_KEY"] = f"{NEW},{OLD}"

    class Stop(Exception):
        pass

    def stop_after_first_batch(name, after, done):
        raise Stop

    with pytest.raises(Stop):
        rekey(db.session, db.metadata, batch=4, progress=stop_after_first_batch)
    assert not _readable_with(NEW)
    stored = sum(
        db.session.scalar(select(db.func.count()).where(column.is_not(None)).select_from(column.table))
        for column in encrypted_columns(db.metadata)
    )
    counts = rekey(db.session, db.metadata, batch=4)
    assert 0 < stored - sum(counts.values()) <= 4  # the first batch (at most 4) was done before it stopped
    assert rekey(db.session, db.metadata, batch=4) == {name: 0 for name in counts}  # nothing left
    app.config["NOTES_KEY"] = NEW
    assert _everything() == populated


def test_new_writes_use_the_newest_key_and_old_rows_still_read(app, people, populated):
    app.config["NOTES_KEY"] = f"{NEW},{OLD}"
    factories.help_request(people.lulja, note="e re", key="fresh")
    app.config["NOTES_KEY"] = NEW
    newest = db.session.scalar(select(HelpRequest).where(HelpRequest.note.is_not(None)).order_by(HelpRequest.id.desc()).limit(1))
    assert newest.note == "e re"
    db.session.expire_all()
    with pytest.raises(NotesKeyError):
        _everything()  # the old rows need the old key until they are re-encrypted


def test_a_single_key_setting_still_works(app, people):
    app.config["NOTES_KEY"] = OLD
    factories.appointment(people.lulja, title="Vizitë")
    db.session.expire_all()
    assert db.session.scalar(select(Appointment.title)) == "Vizitë"


def test_rekey_keeps_an_edit_made_while_it_runs(app, people):
    app.config["NOTES_KEY"] = OLD
    appointment = factories.appointment(people.lulja, title="Para")
    app.config["NOTES_KEY"] = f"{NEW},{OLD}"

    # The row is read, then changed by the app before the rekey writes it: the write must not win.
    from pwa import crypto

    original = crypto.MultiFernet.rotate

    def rotate_then_edit(self, token):
        fresh = original(self, token)
        with app.app_context():
            other = db.session.get(Appointment, appointment.id)
            if other.title == "Para":
                other.title = "Pas"
                db.session.commit()
        return fresh

    crypto.MultiFernet.rotate = rotate_then_edit
    try:
        rekey(db.session, db.metadata, batch=10)
    finally:
        crypto.MultiFernet.rotate = original
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).title == "Pas"


# The session key -------------------------------------------------------------------------

def test_a_session_signed_with_the_old_secret_key_stays_valid(make_app, people):
    old = make_app()
    client = old.test_client()
    factories.sign_in_staff(client, people.arta)
    cookie = client.get_cookie("dera_session", domain="dera.test")
    new_key = "a-brand-new-secret-key-0123456789-abcdefgh"

    def console_with_old_cookie(app):
        fresh = app.test_client()
        fresh.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
        return fresh.get("/console/").status_code

    assert console_with_old_cookie(old) == 200
    assert console_with_old_cookie(make_app(SECRET_KEY=new_key, SECRET_KEY_FALLBACKS=[old.config["SECRET_KEY"]])) == 200
    assert console_with_old_cookie(make_app(SECRET_KEY=new_key)) in (302, 303)  # without the fallback: signed out


def test_the_fallbacks_come_from_the_environment(tmp_path, monkeypatch):
    from pwa import create_app

    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DERA_SECRET_KEY_FALLBACKS", "first-old-key-0123456789abcdefghijk, second-old-key-0123456789abcdefghijk")
    app = create_app({key: value for key, value in app_config(tmp_path).items() if key != "SECRET_KEY"})
    assert app.config["SECRET_KEY_FALLBACKS"] == ["first-old-key-0123456789abcdefghijk", "second-old-key-0123456789abcdefghijk"]


# Everything else signed or keyed with the secret key ------------------------------------------
# Made under the old key; after a rotation it still works while the old key is a fallback, and
# stops once the old key is removed.

ROTATED_KEY = "the-secret-key-after-the-rotation-0123456789"


@pytest.fixture
def rotated(app, make_app):
    """The same database served after a rotation: with the old key as a fallback, or without it."""

    def serve(keep_old_key: bool):
        return make_app(SECRET_KEY=ROTATED_KEY, SECRET_KEY_FALLBACKS=[app.config["SECRET_KEY"]] if keep_old_key else [])

    return serve


def _phone_of(app, survivor):
    phone = app.test_client()
    phone.set_cookie(DEVICE_COOKIE, survivor.device_secret, domain="dera.test")
    return phone


def test_a_help_request_queued_before_a_rotation_is_still_sent(app, client, people, rotated):
    factories.sign_in_survivor(client, people.lulja)
    page = client.get("/today").get_data(as_text=True)
    token = re.search(r'<meta name="help-queue" content="([^"]+)"', page).group(1)
    queued = {"setback": "housing", "urgency": "today", "contact": "message", "note": "Qiraja", "token": token}

    # The service worker sends it by itself, with the token it was written with.
    sent = _phone_of(rotated(keep_old_key=True), people.lulja).post("/help/queue", json={**queued, "key": str(uuid.uuid4())})
    assert sent.status_code == 201
    # Once the old key is gone the token alone is refused (the service worker keeps the request)...
    after = rotated(keep_old_key=False)
    phone = _phone_of(after, people.lulja)
    kept = {**queued, "key": str(uuid.uuid4())}
    assert phone.post("/help/queue", json=kept).status_code == 401
    # ...until she opens a page: it sends the request with the page's own token, and it arrives.
    factories.sign_in_survivor(phone, people.lulja)
    fresh = re.search(r'<meta name="help-queue" content="([^"]+)"', phone.get("/today").get_data(as_text=True)).group(1)
    assert phone.post("/help/queue", json={**kept, "fresh": fresh}).status_code == 201
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 2


def test_a_form_opened_before_a_rotation_is_still_sent(app, client, people, rotated):
    factories.sign_in_survivor(client, people.lulja)
    page = client.get("/help").get_data(as_text=True)
    form = {
        "setback": "health", "urgency": "now", "contact": "call", "note": "",
        "key": re.search(r'name="key" type="hidden" value="([^"]+)"', page).group(1),
        "csrf_token": factories.csrf_from(page),
    }
    cookie = client.get_cookie("dera_session", domain="dera.test")

    def send(served):
        browser = served.test_client()
        browser.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
        return browser.post("/help", data=form)

    assert send(rotated(keep_old_key=True)).status_code in (302, 303)
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 1
    # Without the old key the session and the form token are both unknown: signed out, nothing sent.
    assert send(rotated(keep_old_key=False)).status_code in (302, 400)


def test_an_enrolment_code_made_before_a_rotation_still_works(people, rotated):
    ylli = factories.survivor(people.arta, "Ylli", pin=None)
    code = factories.enrolment_code(ylli, people.arta)
    assert rotated(keep_old_key=True).test_client().get(f"/enrol/{code}").status_code == 200
    assert rotated(keep_old_key=False).test_client().get(f"/enrol/{code}").status_code == 404


def test_a_code_made_after_a_rotation_is_kept_under_the_new_key(people, rotated):
    served = rotated(keep_old_key=True)
    with served.app_context():
        ylli = factories.survivor(db.session.get(Staff, people.arta.id), "Ylli", pin=None)
        code = factories.enrolment_code(ylli, ylli.case_manager)
    assert rotated(keep_old_key=False).test_client().get(f"/enrol/{code}").status_code == 200


def test_recovery_codes_made_before_a_rotation_still_sign_in(app, people, rotated):
    codes = new_recovery_codes(db.session, people.supervisor, utcnow(), secret_keys())
    db.session.commit()

    def sign_in_with(served, code):
        browser = served.test_client()
        assert browser.post("/login", data={"username": "drita", "password": factories.PASSWORD}).headers["Location"] == "/login/code"
        return browser.post("/login/code", data={"code": code})

    assert sign_in_with(rotated(keep_old_key=True), codes[0]).headers["Location"] == "/console/"
    assert sign_in_with(rotated(keep_old_key=False), codes[1]).status_code == 200  # "That code is not right"


def test_every_secret_key_use_goes_through_the_signing_helper():
    """Only pwa/signing.py reads the secret key for signing; a new use elsewhere would not know the fallbacks."""
    package = Path(__file__).resolve().parents[2] / "pwa"
    readers = sorted(
        str(path.relative_to(package)) for path in package.rglob("*.py")
        if re.search(r"SECRET_KEY\"\]|URLSafe\w*Serializer\(|hmac\.new\(", path.read_text())
    )
    assert readers == ["config.py", "signing.py"]


def test_her_calendar_keeps_one_event_across_a_rotation(app, people, rotated):
    appointment = factories.appointment(people.lulja)

    def uid_from(served):
        phone = served.test_client()
        factories.sign_in_survivor(phone, people.lulja)
        body = phone.get(f"/appointments/{appointment.id}/calendar.ics").data
        return icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["UID"]

    before = uid_from(app)
    # A file downloaded after the rotation, even once the old key is gone, updates the same event.
    assert uid_from(rotated(keep_old_key=True)) == before
    assert uid_from(rotated(keep_old_key=False)) == before


def test_a_browser_she_signed_in_on_before_a_rotation_keeps_its_own_sign_in_budget(app, people, make_app):
    def serve(**keys):
        return make_app(RATELIMIT_ENABLED=True, **keys)

    before = serve()
    hers = before.test_client()
    factories.sign_in_staff(hers, people.arta)
    mark = hers.get_cookie("dera_staff_browser", domain="dera.test", path="/login")

    def her_browser_after_guesses_elsewhere(served):
        for n in range(11):
            stranger = served.test_client()
            stranger.environ_base["REMOTE_ADDR"] = f"203.0.113.{n}"
            stranger.post("/login", data={"username": "arta", "password": "a wrong guess"})
        browser = served.test_client()
        browser.set_cookie(mark.key, mark.value, domain=mark.domain, path=mark.path)
        return browser.post("/login", data={"username": "arta", "password": factories.PASSWORD}).status_code

    assert her_browser_after_guesses_elsewhere(serve(SECRET_KEY=ROTATED_KEY, SECRET_KEY_FALLBACKS=[app.config["SECRET_KEY"]])) == 302
    assert her_browser_after_guesses_elsewhere(serve(SECRET_KEY=ROTATED_KEY + "-again")) == 429
