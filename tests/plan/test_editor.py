"""The case manager's plan editor: templates, goals, steps, stage, check-ins."""
from datetime import date

import pytest
from bs4 import BeautifulSoup

from pwa.extensions import db
from pwa.models import AuditEvent, CheckIn, Goal, Step
from pwa.plan.vocabulary import STAGES, milestones_for
from tests import factories


def _editor(people):
    return f"/console/people/{people.lulja.id}/plan"


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.parametrize(
    "locale, expected",
    [
        ("sq", {"crisis": "Të ndihem në siguri", "transition": "Të gjej një punë dhe ta mbaj", "inclusion": "Një shtëpi për një kohë të gjatë"}),
        ("en", {"crisis": "Feel safe and secure", "transition": "Find a job and keep it", "inclusion": "A home for the long term"}),
    ],
)
def test_a_plan_is_built_from_templates_for_each_stage(client, people, login_as, locale, expected):
    people.arta.locale = locale
    db.session.commit()
    login_as(people.arta)
    for key in ("crisis.safe", "transition.job", "inclusion.home", "growth.cv"):
        assert client.post(f"{_editor(people)}/goals/from-template", data={"template": key}).status_code == 303
    page = _soup(client.get(_editor(people)))
    titles = [a.get_text(strip=True) for a in page.select(".goal-link")]
    assert titles[:2] == [expected["crisis"], "Një CV dhe shembuj të punës sime" if locale == "sq" else "A CV and examples of my work"]
    assert expected["transition"] in titles and expected["inclusion"] in titles
    assert [g.stage for g in db.session.scalars(db.select(Goal).order_by(Goal.id))] == ["crisis", "transition", "inclusion", "crisis"]


def test_goals_from_templates_read_in_albanian_for_her_whatever_the_case_managers_language(client, people, login_as):
    people.arta.locale = "en"
    db.session.commit()
    login_as(people.arta)
    client.post(f"{_editor(people)}/goals/from-template", data={"template": "growth.course"})
    client.post("/logout", data={})
    login_as(people.lulja)
    goal = db.session.scalar(db.select(Goal))
    html = client.get(f"/plan/goals/{goal.id}").get_data(as_text=True)
    assert "Të ndjek një kurs profesional" in html and "Të regjistrohem në kurs" in html


@pytest.mark.parametrize("stage", list(STAGES))
def test_every_milestone_of_a_stage_is_offered_in_one_click(client, people, login_as, stage):
    login_as(people.arta)
    buttons = _soup(client.get(_editor(people))).select("button[name=template]")
    offered = {b["value"] for b in buttons}
    assert {t.key for t in milestones_for(stage)} <= offered


def test_an_unknown_template_changes_nothing(client, people, login_as):
    login_as(people.arta)
    assert client.post(f"{_editor(people)}/goals/from-template", data={"template": "crisis.nothing"}).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Goal.id))) == 0


def test_a_new_goal_is_written_by_hand(client, people, login_as):
    login_as(people.arta)
    response = client.post(
        f"{_editor(people)}/goals",
        data={"goal-title": "Open a bank account", "goal-area": "economic", "goal-stage": "transition", "goal-target_date": "2026-12-31"},
    )
    goal = db.session.scalar(db.select(Goal))
    assert response.headers["Location"] == f"{_editor(people)}/goals/{goal.id}"
    assert (goal.title, goal.area, goal.stage, goal.target_date) == ("Open a bank account", "economic", "transition", date(2026, 12, 31))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"goal-title": "", "goal-area": "economic", "goal-stage": "crisis"}, "Shkruaj qëllimin me pak fjalë."),
        ({"goal-title": "x" * 121, "goal-area": "economic", "goal-stage": "crisis"}, "Qëllimi duhet të ketë 2 deri në 120 shkronja."),
        ({"goal-title": "A bank account", "goal-area": "money", "goal-stage": "crisis"}, "Zgjidh një nga fushat në listë."),
        ({"goal-title": "A bank account", "goal-area": "economic", "goal-stage": "later"}, "Zgjidh një nga fazat në listë."),
        ({"goal-title": "A bank account", "goal-area": "economic", "goal-stage": "crisis", "goal-target_date": "soon"}, "Shkruaj datën si ditë, muaj dhe vit"),
    ],
)
def test_a_wrong_goal_gets_a_translated_message_and_changes_nothing(client, people, login_as, data, message):
    login_as(people.arta)
    response = client.post(f"{_editor(people)}/goals", data=data)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Goal.id))) == 0


def test_the_stage_moves_back_after_a_set_back(client, people, login_as, course, frozen):
    login_as(people.arta)
    client.post(f"{_editor(people)}/stage", data={"stage-stage": "crisis"})
    db.session.refresh(course.plan)
    assert (course.plan.stage, course.plan.stage_set_by_id) == ("crisis", people.arta.id)


def test_an_unknown_stage_changes_nothing(client, people, login_as, course):
    login_as(people.arta)
    response = client.post(f"{_editor(people)}/stage", data={"stage-stage": "done"})
    assert response.status_code == 400 and "Zgjidh një nga fazat në listë." in response.get_data(as_text=True)
    db.session.refresh(course.plan)
    assert course.plan.stage == "transition"


def test_the_case_manager_sees_what_she_added(client, people, login_as, course):
    login_as(people.lulja)
    client.post(f"/plan/goals/{course.id}/steps", data={"text": "Ask about the bus"})
    client.post("/logout", data={})
    login_as(people.arta)
    page = _soup(client.get(_editor(people)))
    added = [li for li in page.select(".step-summary li") if "Ask about the bus" in li.get_text()]
    assert "Shtuar nga: Lulja" in added[0].get_text()


def test_a_goal_is_marked_reached(client, people, login_as, course, frozen):
    login_as(people.arta)
    client.post(f"{_editor(people)}/goals/{course.id}/status", data={"status-status": "reached"})
    goal = db.session.get(Goal, course.id)
    assert (goal.status, goal.status_changed_at) == ("reached", frozen)


def test_an_unknown_status_changes_nothing(client, people, login_as, course):
    login_as(people.arta)
    assert client.post(f"{_editor(people)}/goals/{course.id}/status", data={"status-status": "won"}).status_code == 400
    assert db.session.get(Goal, course.id).status == "active"


def test_a_goal_is_edited(client, people, login_as, course):
    login_as(people.arta)
    data = {"edit-title": "Finish a sewing course", "edit-area": "education_training", "edit-stage": "transition", "edit-version": "1"}
    client.post(f"{_editor(people)}/goals/{course.id}", data=data)
    goal = db.session.get(Goal, course.id)
    assert (goal.title, goal.version) == ("Finish a sewing course", 2)


def test_saving_a_template_goal_unchanged_keeps_it_in_each_language(client, people, login_as, frozen):
    from pwa.plan import services

    goal = services.add_goal_from_template(db.session, factories.plan(people.lulja), "crisis.routine", people.arta, frozen)
    db.session.commit()
    login_as(people.arta)
    data = {"edit-title": "Një rutinë e re e përditshme", "edit-area": "psychological", "edit-stage": "crisis", "edit-version": "1"}
    client.post(f"{_editor(people)}/goals/{goal.id}", data=data)
    goal = db.session.get(Goal, goal.id)
    assert goal.title is None and goal.template == "crisis.routine"


def test_steps_are_added_moved_edited_and_removed(client, people, login_as, course):
    login_as(people.arta)
    base = _editor(people)
    client.post(f"{base}/goals/{course.id}/steps", data={"step-text": "Buy a notebook"})
    new = db.session.scalar(db.select(Step).where(Step.text == "Buy a notebook"))
    assert not new.added_by_survivor and new.added_by_staff_id == people.arta.id
    client.post(f"{base}/steps/{new.id}/move", data={"direction": "up"})
    client.post(f"{base}/steps/{course.steps[0].id}/delete", data={})
    client.post(f"{base}/steps/{new.id}", data={"text": "Buy two notebooks", "version": "1"})
    db.session.expire_all()
    assert [s.text for s in db.session.get(Goal, course.id).steps] == ["Sign up", "Buy two notebooks", "Go to the first lesson"]


def test_goals_move_within_their_stage(client, people, login_as, course):
    second = factories.goal(people.lulja, "Open a bank account", stage="transition")
    login_as(people.arta)
    client.post(f"{_editor(people)}/goals/{second.id}/move", data={"direction": "up"})
    titles = [a.get_text(strip=True) for a in _soup(client.get(_editor(people))).select(".goal-link")]
    assert titles == ["Open a bank account", "Find a course"]


def test_a_check_in_is_saved_encrypted_and_shown_to_staff(client, people, login_as, course, frozen):
    login_as(people.arta)
    client.post(f"{_editor(people)}/check-ins", data={"checkin-held_on": "2026-03-02", "checkin-note": "Calmer this week"})
    check_in = db.session.scalar(db.select(CheckIn))
    assert (check_in.held_on, check_in.note, check_in.staff_id) == (date(2026, 3, 2), "Calmer this week", people.arta.id)
    html = client.get(_editor(people)).get_data(as_text=True)
    assert "Calmer this week" in html and "Biseda tjetër deri më 9 mars 2026" in html


def test_a_check_in_in_the_future_is_refused(client, people, login_as, course, frozen):
    login_as(people.arta)
    response = client.post(f"{_editor(people)}/check-ins", data={"checkin-held_on": "2026-03-04", "checkin-note": "x"})
    assert "Data e bisedës nuk mund të jetë në të ardhmen." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 0


def test_opening_the_editor_is_audited(client, people, login_as):
    login_as(people.arta)
    client.get(_editor(people))
    events = db.session.scalars(db.select(AuditEvent)).all()
    assert [(e.staff_id, e.survivor_id, e.action) for e in events] == [(people.arta.id, people.lulja.id, "view")]


def test_the_record_links_to_the_plan(client, people, login_as):
    login_as(people.arta)
    html = client.get(f"/console/people/{people.lulja.id}").get_data(as_text=True)
    assert f'href="{_editor(people)}"' in html


def test_a_delegate_edits_while_the_case_manager_is_away(client, people, login_as, course):
    people.arta.away, people.arta.delegate_id = True, people.besnik.id
    db.session.commit()
    login_as(people.besnik)
    client.post(f"{_editor(people)}/goals/from-template", data={"template": "growth.tools"})
    assert db.session.scalar(db.select(db.func.count(Goal.id))) == 2


def test_a_supervisor_sees_the_plan(client, people, login_as, course):
    login_as(people.supervisor)
    assert client.get(_editor(people)).status_code == 200
