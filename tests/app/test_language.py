"""Albanian first; English on request, remembered for the person."""
from pwa.extensions import db


def test_albanian_is_the_default(client, org):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="sq">' in html and "Dil shpejt" in html


def test_switching_to_english_on_this_browser(client, org):
    response = client.post("/language", data={"locale": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Leave quickly" in html


def test_language_is_remembered_for_the_person(app, client, people, login_as):
    login_as(people.lulja)
    client.post("/language", data={"locale": "en", "next": "/today"})
    db.session.refresh(people.lulja)
    assert people.lulja.locale == "en"
    other_browser = app.test_client()
    from tests import factories

    factories.sign_in_survivor(other_browser, people.lulja)
    assert '<html lang="en">' in other_browser.get("/today").get_data(as_text=True)


def test_language_chosen_before_signing_in_is_kept(client, people):
    client.post("/language", data={"locale": "en", "next": "/login"})
    from tests import factories

    factories.sign_in_staff(client, people.arta)
    assert '<html lang="en">' in client.get("/console/").get_data(as_text=True)


def test_unknown_language_is_ignored(client, org):
    client.post("/language", data={"locale": "xx", "next": "/login"})
    assert '<html lang="sq">' in client.get("/login").get_data(as_text=True)


def test_next_cannot_leave_the_site(client, org):
    response = client.post("/language", data={"locale": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    response = client.post("/language", data={"locale": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
    response = client.post("/language", data={"locale": "en", "next": "/\\evil.example/"})
    assert response.headers["Location"] == "/"


def test_language_picker_is_on_every_page(client, people, login_as):
    login_as(people.arta)
    for path in ("/console/", "/console/enrol", "/no-such-page"):
        assert 'action="/language"' in client.get(path).get_data(as_text=True)


def test_dates_are_shown_in_tirana_time(app):
    from datetime import datetime, timezone

    from flask_babel import format_datetime

    with app.test_request_context():
        # 23:30 UTC on 31 March is already 1 April in Tirana (summer time, UTC+2).
        shown = format_datetime(datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc), "yyyy-MM-dd HH:mm")
    assert shown == "2026-04-01 01:30"
