"""Every list that grows with the organisation runs as many statements for 30 people as for 120.

The organisation grows as ``make bench-growth`` grows it (bench/growth.py): people, their help
requests (some in the duty queue), closed cases, audit events, colleagues with shifts and
exceptions, services and reports. A list that loads a related row per line, or reads every row
to show one page, runs more statements at the larger size and fails here.
"""
from datetime import date, timedelta

import pytest

from bench.growth import LISTS, _grow
from pwa.extensions import db
from pwa.models import CheckIn
from tests import factories
from tests.queries import queries_for

SMALL, LARGE = 30, 120


@pytest.mark.parametrize(("label", "who", "path"), LISTS, ids=[label for label, _who, _path in LISTS])
def test_the_list_runs_as_many_statements_for_120_people_as_for_30(app, people, make_app, label, who, path):
    client = app.test_client()
    factories.sign_in_staff(client, {"drita": people.supervisor, "arta": people.arta}[who])
    _grow(app, SMALL)
    small = queries_for(client, path)
    _grow(app, LARGE)
    assert queries_for(client, path) == small


def test_a_grown_list_comes_a_page_at_a_time(app, people, login_as, client):
    _grow(app, LARGE)
    login_as(people.supervisor)
    html = client.get("/console/").get_data(as_text=True)
    assert 'rel="next"' in html and "Faqja 1 nga 3" in html
    last = client.get("/console/?page=3").get_data(as_text=True)
    assert 'rel="prev"' in last and 'rel="next"' not in last


def _check_ins(plan, count: int, by) -> None:
    db.session.add_all(CheckIn(plan_id=plan.id, held_on=date(2026, 1, 1) + timedelta(days=n), note=f"Check-in {n}", staff_id=by.id) for n in range(count))
    db.session.commit()


@pytest.mark.parametrize("path", ["/plan", "/console/people/{id}/plan"])
def test_a_plan_runs_as_many_statements_with_50_check_ins_as_with_1(app, people, client, path):
    plan = factories.plan(people.lulja)
    _check_ins(plan, 1, people.arta)
    if path == "/plan":
        factories.sign_in_survivor(client, people.lulja)
    else:
        factories.sign_in_staff(client, people.arta)
    path = path.format(id=people.lulja.id)
    one = queries_for(client, path)
    _check_ins(plan, 49, people.arta)
    assert queries_for(client, path) == one
