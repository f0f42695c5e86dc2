"""Rotating keys: the notes key (MultiFernet and ``notes rekey``) and the session key (fallbacks)."""
from datetime import date, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import LargeBinary, select, type_coerce

from pwa.crypto import NotesKeyError, encrypted_columns, rekey
from pwa.extensions import db
from pwa.models import Appointment, CheckIn, HelpRequest, utcnow
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
