"""The inbox shows a page at a time, with the same number of queries for 3 people or 300."""
from pwa.extensions import db
from tests import factories
from tests.queries import queries_for


def _people_with_requests(people, n: int) -> None:
    for i in range(n):
        survivor = factories.survivor(people.arta if i % 2 else people.besnik, f"Person {i}", pin=None)
        factories.help_request(survivor)
    db.session.commit()


def test_the_supervisors_inbox_costs_the_same_for_3_and_300_people(client, people, login_as):
    login_as(people.supervisor)
    _people_with_requests(people, 3)
    small = queries_for(client, "/console/inbox")
    _people_with_requests(people, 297)
    assert queries_for(client, "/console/inbox") == small


def test_the_inbox_is_paginated(client, people, login_as):
    login_as(people.supervisor)
    _people_with_requests(people, 60)
    first = client.get("/console/inbox").get_data(as_text=True)
    assert first.count('class="request ') == 50 and 'rel="next"' in first
    second = client.get("/console/inbox?page=2").get_data(as_text=True)
    assert second.count('class="request ') == 10 and 'rel="prev"' in second
    assert client.get("/console/inbox?page=abc").status_code == 200


def test_the_duty_queue_is_paginated(client, people, login_as):
    from pwa.models import HelpRequest, utcnow

    _people_with_requests(people, 55)
    db.session.execute(db.update(HelpRequest).values(escalated_at=utcnow(), assigned_to_id=None))
    db.session.commit()
    login_as(people.supervisor)
    first = client.get("/console/duty").get_data(as_text=True)
    assert first.count('class="request ') == 50 and 'href="/console/duty?page=2"' in first
    assert client.get("/console/duty?page=2").get_data(as_text=True).count('class="request ') == 5
