"""Edits made at the same time don't lose each other: a tick and a text edit, two text edits."""
from pwa.extensions import db
from pwa.models import Goal, Step
from tests import factories


def _second_browser(app, person):
    other = app.test_client()
    factories.sign_in_staff(other, person)
    return other


def test_a_tick_on_the_phone_stays_when_the_case_manager_saves_the_text(app, client, people, login_as, course):
    step = course.steps[1]
    office = _second_browser(app, people.arta)
    form = office.get(f"/console/people/{people.lulja.id}/plan/steps/{step.id}")
    assert 'name="version" value="1"' in form.get_data(as_text=True)
    login_as(people.lulja)
    client.post(f"/plan/steps/{step.id}/done", data={"done": "1"}, headers={"HX-Request": "true"})
    response = office.post(f"/console/people/{people.lulja.id}/plan/steps/{step.id}", data={"text": "Sign up online", "version": "1"})
    assert response.status_code == 303
    saved = db.session.get(Step, step.id)
    assert saved.is_done and saved.text == "Sign up online"


def test_a_text_edit_does_not_undo_a_tick_made_after_the_page_loaded(app, client, people, login_as, course):
    step = course.steps[1]
    login_as(people.lulja)
    client.get(f"/plan/goals/{course.id}")
    office = _second_browser(app, people.arta)
    office.post(f"/console/people/{people.lulja.id}/plan/steps/{step.id}", data={"text": "Sign up online", "version": "1"})
    client.post(f"/plan/steps/{step.id}/done", data={"done": "1"})
    saved = db.session.get(Step, step.id)
    assert saved.is_done and saved.text == "Sign up online"


def test_the_second_of_two_goal_edits_is_told_and_shown_the_latest(app, people, course):
    arta, drita = _second_browser(app, people.arta), _second_browser(app, people.supervisor)
    url = f"/console/people/{people.lulja.id}/plan/goals/{course.id}"
    fields = {"edit-area": "education_training", "edit-stage": "transition", "edit-version": "1"}
    assert arta.post(url, data={**fields, "edit-title": "A sewing course"}).status_code == 303
    response = drita.post(url, data={**fields, "edit-title": "A cooking course"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Dikush tjetër e ruajti këtë qëllim" in html and "Çfarë shkrove ti: A cooking course" in html
    assert 'value="A sewing course"' in html and 'name="edit-version" value="2"' in html
    assert db.session.get(Goal, course.id).title == "A sewing course"


def test_the_second_of_two_step_edits_is_told(app, people, course):
    step = course.steps[2]
    arta, drita = _second_browser(app, people.arta), _second_browser(app, people.supervisor)
    url = f"/console/people/{people.lulja.id}/plan/steps/{step.id}"
    arta.post(url, data={"text": "First lesson on Monday", "version": "1"})
    response = drita.post(url, data={"text": "First lesson on Tuesday", "version": "1"})
    assert response.status_code == 409 and "Dikush tjetër e ruajti këtë hap" in response.get_data(as_text=True)
    assert db.session.get(Step, step.id).text == "First lesson on Monday"


def test_a_status_change_does_not_block_a_text_edit(app, people, course):
    arta, drita = _second_browser(app, people.arta), _second_browser(app, people.supervisor)
    base = f"/console/people/{people.lulja.id}/plan/goals/{course.id}"
    drita.post(f"{base}/status", data={"status-status": "paused"})
    fields = {"edit-title": "A sewing course", "edit-area": "education_training", "edit-stage": "transition", "edit-version": "1"}
    assert arta.post(base, data=fields).status_code == 303
    goal = db.session.get(Goal, course.id)
    assert (goal.title, goal.status) == ("A sewing course", "paused")
