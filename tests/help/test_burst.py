"""Never doubled: 200 concurrent submissions with repeated keys against a real HTTP server."""
import threading

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from bench import help_burst
from pwa.extensions import db
from pwa.models import HelpRequest
from tests import factories
from tests.conftest import POSTGRES_URL


@pytest.fixture
def served(make_app):
    """Dera on the test database, served by a threaded werkzeug server."""
    app = make_app(SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with app.app_context():
        yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_200_concurrent_submissions_with_repeated_keys_make_one_request_per_key(served):
    app, url = served
    arta = factories.staff(factories.organisation(), "arta")
    lulja = factories.survivor(arta, "Lulja", pin=None)
    phone = help_burst.sign_in_phone(url, factories.enrolment_code(lulja, arta))
    submissions = help_burst.plan(keys=50, repeats=4)
    outcome = help_burst.fire(phone, submissions, workers=200)
    assert outcome.unacknowledged == []
    assert all(len(ids) == 1 for ids in outcome.acknowledged.values())
    stored = dict(db.session.execute(select(HelpRequest.idempotency_key, HelpRequest.id)).all())
    assert stored == {key: ids.pop() for key, ids in outcome.acknowledged.items()}
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 50


def test_the_burst_script_loses_nothing_when_the_server_is_killed(app, people):
    # On PostgreSQL the script makes a database of its own beside the test database, which
    # already holds people, and removes it afterwards.
    assert help_burst.run(keys=30, repeats=3, workers=16, kill_at=0.4, database_url=POSTGRES_URL or None, quiet=True)
    assert db.session.scalar(select(func.count(HelpRequest.id))) == 0
