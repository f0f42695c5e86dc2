"""Logs keep nothing that opens a door: no codes, tokens, search words, addresses or her words."""
import logging
import re
import threading

import pytest
import requests
from sqlalchemy import text
from werkzeug.serving import make_server

from pwa.extensions import db
from pwa.logs import redact
from tests import factories

CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@pytest.mark.parametrize(
    "line, kept, dropped",
    [
        ('127.0.0.1 - - [29/Nov/2026 10:00:01] "GET /enrol/VPX4-C74F HTTP/1.1" 200 -', "GET /enrol/[redacted] HTTP/1.1", "VPX4"),
        ('"GET /services?q=strehim&area=health HTTP/1.1" 200', '"GET /services HTTP/1.1" 200', "strehim"),
        ("Exception on /reset/Zk3pQ9a-x [POST]", "Exception on /reset/[redacted] [POST]", "Zk3pQ9a"),
        ("sent to https://push.example/wpush/v2/gAAAAABkX3ab1c23abc123", "https://push.example/wpush/v2/[redacted]", "gAAAA"),
        ("from 2001:db8::7 and 198.51.100.7 at 10:00:01", "from - and - at 10:00:01", "198.51"),
        ("GET /console/people/12/plan HTTP/1.1", "GET /console/people/12/plan HTTP/1.1", None),
    ],
)
def test_redact_keeps_the_path_and_drops_what_opens_a_door(line, kept, dropped):
    cleaned = redact(line)
    assert kept in cleaned
    assert dropped is None or dropped not in cleaned


def test_every_logger_in_the_process_is_cleaned(app, caplog):
    with caplog.at_level(logging.INFO):
        app.logger.error("Exception on /enrol/ACDE-FGHJ?next=/today [GET] from 203.0.113.5")
        logging.getLogger("some.library").warning("redirect to /services?q=%s", "strehim")
    messages = " ".join(record.getMessage() for record in caplog.records)
    assert "ACDE" not in messages and "203.0.113.5" not in messages and "strehim" not in messages
    assert "/enrol/[redacted]" in messages


def test_a_logged_traceback_is_cleaned_too(app, caplog):
    try:
        raise LookupError("no enrolment at /enrol/ACDE-FGHJ for 203.0.113.5")
    except LookupError:
        app.logger.exception("failed")
    handler = logging.StreamHandler()
    written = handler.format(caplog.records[-1])
    assert "LookupError" in written and "ACDE" not in written and "203.0.113.5" not in written


def test_a_database_error_does_not_log_her_words(app, caplog):
    with pytest.raises(Exception) as error:
        db.session.execute(text("SELECT no_such_column FROM organisation WHERE name = :name"), {"name": "Hëna-secret-words"})
    db.session.rollback()
    assert "Hëna-secret-words" not in str(error.value)


@pytest.fixture
def served(make_app):
    """Dera served by the development server (its request log is one of those checked)."""
    app = make_app(SERVER_NAME=None, RATELIMIT_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class Everything(logging.Handler):
    """Every record of every logger, as a handler would write it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.lines.append(self.format(record))


def _csrf(page: str) -> str:
    return factories.csrf_from(page)


def test_the_logs_of_a_real_session_carry_no_code_word_or_address(served):
    arta = factories.staff(factories.organisation(), "arta")
    ylli = factories.survivor(arta, "Ylli", pin=None)
    db.session.commit()
    handler, root = Everything(), logging.getLogger()
    root.addHandler(handler)
    level, root.level = root.level, logging.DEBUG
    try:
        office = requests.Session()
        office.post(f"{served}/login", data={"username": "arta", "password": "not-her-password-7",
                                             "csrf_token": _csrf(office.get(f"{served}/login").text)})
        signed_in = office.post(f"{served}/login", data={"username": "arta", "password": factories.PASSWORD,
                                                         "csrf_token": _csrf(office.get(f"{served}/login").text)})
        record = office.get(f"{served}/console/people/{ylli.id}").text
        made = office.post(f"{served}/console/people/{ylli.id}/code", data={"csrf_token": _csrf(record)}).text
        code = CODE.search(made).group(0)
        phone = requests.Session()
        enrol_page = phone.get(f"{served}/enrol/{code}").text
        phone.post(f"{served}/enrol/{code}", data={"nickname": "Hëna-nickname", "pin": "135790", "pin_again": "135790",
                                                   "csrf_token": _csrf(enrol_page)})
        searched = phone.get(f"{served}/services", params={"q": "strehimsekret"})
        phone.get(f"{served}/enrol/AAAA-AAAA")
    finally:
        root.removeHandler(handler)
        root.level = level
    assert signed_in.url.endswith("/console/") and searched.status_code == 200
    log = "\n".join(handler.lines)
    assert f"/enrol/{code}" not in log and code.replace("-", "") not in log  # the log saw the enrolment though:
    assert "/enrol/[redacted]" in log
    for secret in (code, "strehimsekret", "Hëna-nickname", "135790", "not-her-password-7", "127.0.0.1"):
        assert secret not in log, secret
