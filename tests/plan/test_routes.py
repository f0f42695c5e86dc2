"""The survivor's plan pages: My plan, a goal, ticking steps, her own steps and goals, Today."""
from datetime import date

from bs4 import BeautifulSoup

from pwa.extensions import db
from pwa.models import Goal, Step
from pwa.plan import services
from tests import factories


def _soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_my_plan_shows_goals_by_stage_with_progress(client, people, login_as, course):
    login_as(people.lulja)
    page = _soup(client.get("/plan"))
    assert page.find(id="stage-transition").get_text(" ", strip=True).startswith("Drejt pavarësisë")
    assert page.find("progress")["value"] == "1" and page.find("progress")["max"] == "3"
    assert "Kryer: 1 nga 3 hapa" in page.get_text()


def test_my_plan_says_where_she_is_on_the_journey(client, people, login_as, course):
    login_as(people.lulja)
    page = _soup(client.get("/plan"))
    assert "Je në fazën 2 nga 3: Drejt pavarësisë." in page.get_text()
    assert page.select_one(".journey .journey-now").get_text(strip=True) == "Drejt pavarësisë"


def test_a_reached_goal_is_celebrated_not_hidden(client, people, login_as, course, frozen):
    course.status, course.status_changed_at = "reached", frozen
    db.session.commit()
    login_as(people.lulja)
    page = _soup(client.get("/plan"))
    assert page.select_one(".goal-reached .goal-link").get_text(strip=True) == "Find a course"
    assert "U arrit më 3 mars 2026. Të lumtë!" in page.select_one(".goal-reached .reached").get_text()


def test_goals_set_aside_are_listed_apart(client, people, login_as, course):
    course.status = "dropped"
    db.session.commit()
    login_as(people.lulja)
    page = _soup(client.get("/plan"))
    assert not page.select(".goals") and "Find a course" in page.select_one(".set-aside").get_text()


def test_an_empty_plan_says_it_will_be_written_together(client, people, login_as):
    login_as(people.lulja)
    assert "Do ta shkruani bashkë, ti dhe Arta." in client.get("/plan").get_data(as_text=True)


def test_a_goal_shows_its_steps_as_toggle_buttons(client, people, login_as, course):
    login_as(people.lulja)
    buttons = _soup(client.get(f"/plan/goals/{course.id}")).select("button.tick")
    assert [(b.get_text(strip=True), b["aria-pressed"]) for b in buttons] == [
        ("Choose a course", "true"), ("Sign up", "false"), ("Go to the first lesson", "false"),
    ]


def test_ticking_without_javascript_comes_back_to_the_step(client, people, login_as, course):
    login_as(people.lulja)
    step = course.steps[1]
    response = client.post(f"/plan/steps/{step.id}/done", data={"done": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/plan/goals/{course.id}#step-{step.id}"
    assert db.session.get(Step, step.id).is_done


def test_ticking_with_htmx_returns_the_row_and_the_progress(client, people, login_as, course):
    login_as(people.lulja)
    step = course.steps[1]
    response = client.post(f"/plan/steps/{step.id}/done", data={"done": "1"}, headers={"HX-Request": "true"})
    page = _soup(response)
    assert page.find("li", id=f"step-{step.id}").find("button")["aria-pressed"] == "true"
    progress = page.find(id=f"goal-{course.id}-progress")
    assert progress["hx-swap-oob"] == "true" and progress.find("progress")["value"] == "2"
    assert "HX-Request" in response.headers["Vary"]


def test_unticking_a_step(client, people, login_as, course):
    login_as(people.lulja)
    client.post(f"/plan/steps/{course.steps[0].id}/done", data={"done": "0"})
    assert not db.session.get(Step, course.steps[0].id).is_done


def test_a_tick_with_a_wrong_value_changes_nothing(client, people, login_as, course):
    login_as(people.lulja)
    response = client.post(f"/plan/steps/{course.steps[1].id}/done", data={"done": "yes"})
    assert response.status_code == 400 and not db.session.get(Step, course.steps[1].id).is_done


def test_she_adds_her_own_step(client, people, login_as, course):
    login_as(people.lulja)
    response = client.post(f"/plan/goals/{course.id}/steps", data={"text": "Ask Mira about the bus", "due_date": "2026-12-01"})
    step = db.session.scalar(db.select(Step).where(Step.text == "Ask Mira about the bus"))
    assert response.headers["Location"] == f"/plan/goals/{course.id}#step-{step.id}"
    assert step.added_by_survivor and step.due_date == date(2026, 12, 1) and step.position == 4
    assert "E shtove ti" in client.get(f"/plan/goals/{course.id}").get_data(as_text=True)


def test_a_step_without_words_is_refused_and_the_date_is_kept(client, people, login_as, course):
    login_as(people.lulja)
    page = _soup(client.post(f"/plan/goals/{course.id}/steps", data={"text": " ", "due_date": "2026-12-01"}))
    assert "Shkruaj hapin me pak fjalë." in page.select_one(".error-summary").get_text()
    assert page.find(id="due_date")["value"] == "2026-12-01"
    assert len(db.session.get(Goal, course.id).steps) == 3


def test_a_wrong_date_gets_a_translated_message(client, people, login_as, course):
    login_as(people.lulja)
    html = client.post(f"/plan/goals/{course.id}/steps", data={"text": "Call", "due_date": "31/12"}).get_data(as_text=True)
    assert "Shkruaj datën si ditë, muaj dhe vit" in html and len(db.session.get(Goal, course.id).steps) == 3


def test_a_date_years_ahead_is_refused(client, people, login_as, course, frozen):
    login_as(people.lulja)
    html = client.post(f"/plan/goals/{course.id}/steps", data={"text": "Call", "due_date": "2040-01-01"}).get_data(as_text=True)
    assert "Zgjidh një datë brenda pesë viteve të ardhshme." in html


def test_she_proposes_a_goal_of_her_own_in_her_stage(client, people, login_as, course):
    login_as(people.lulja)
    response = client.post("/plan/goals/new", data={"title": "Learn to drive", "area": "education_training"})
    goal = db.session.scalar(db.select(Goal).where(Goal.title == "Learn to drive"))
    assert response.headers["Location"] == f"/plan/goals/{goal.id}"
    assert goal.added_by_survivor and goal.stage == "transition" and goal.status == "active"


def test_a_goal_with_an_unknown_area_is_refused(client, people, login_as):
    login_as(people.lulja)
    html = client.post("/plan/goals/new", data={"title": "Learn to drive", "area": "cars"}).get_data(as_text=True)
    assert "Zgjidh një nga fushat në listë." in html and 'value="Learn to drive"' in html
    assert db.session.scalar(db.select(db.func.count(Goal.id))) == 0


def test_a_goal_title_that_is_too_long_is_refused(client, people, login_as):
    login_as(people.lulja)
    html = client.post("/plan/goals/new", data={"title": "x" * 121, "area": "legal"}).get_data(as_text=True)
    assert "Qëllimi duhet të ketë 2 deri në 120 shkronja." in html


def test_a_template_goal_reads_in_her_language(client, people, login_as, frozen):
    from pwa.plan import services

    plan = factories.plan(people.lulja, "crisis")
    services.add_goal_from_template(db.session, plan, "crisis.safe", people.arta, frozen)
    db.session.commit()
    login_as(people.lulja)
    assert "Të ndihem në siguri" in client.get("/plan").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/plan"})
    assert "Feel safe and secure" in client.get("/plan").get_data(as_text=True)


def test_today_shows_the_next_steps_after_the_help_button(client, people, login_as, course):
    course.steps[2].due_date = date(2026, 3, 10)
    db.session.commit()
    login_as(people.lulja)
    html = client.get("/today").get_data(as_text=True)
    items = [li.a.get_text(strip=True) for li in _soup(client.get("/today")).select(".next-list li")]
    assert items == ["Go to the first lesson", "Sign up"]
    assert html.index("button-help") < html.index("next-steps")


def test_today_changes_when_a_step_is_ticked(client, people, login_as, course):
    login_as(people.lulja)
    client.post(f"/plan/steps/{course.steps[1].id}/done", data={"done": "1"})
    items = [li.a.get_text(strip=True) for li in _soup(client.get("/today")).select(".next-list li")]
    assert items == ["Go to the first lesson"]


def test_she_sees_that_a_check_in_happened_but_not_the_note(client, people, login_as, course, frozen):
    from pwa.plan import services

    services.add_check_in(db.session, course.plan, people.arta, date(2026, 3, 2), "Worried about money", frozen)
    db.session.commit()
    login_as(people.lulja)
    html = client.get("/plan").get_data(as_text=True)
    assert "Biseda e fundit: 2 mars 2026" in html and "Worried" not in html


def test_my_plan_reads_only_the_last_check_in_however_many_there_are(client, people, login_as, course):
    from pwa.models import CheckIn
    from tests.queries import recorded_statements

    plan = services.find_plan(db.session, people.lulja)
    for day in range(1, 41):
        db.session.add(CheckIn(plan_id=plan.id, held_on=date(2026, 1, day % 28 + 1), note=f"note {day}", staff_id=people.arta.id))
    db.session.commit()
    login_as(people.lulja)
    with recorded_statements() as statements:
        assert client.get("/plan").status_code == 200
    reads = [s for s in statements if "FROM check_in" in s]
    assert reads and all("LIMIT" in s for s in reads)
