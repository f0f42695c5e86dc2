"""Only the survivor, her case manager (or delegate) and supervisors see or change a plan; everyone else gets 404.

Every plan route is tried, GET and POST, plain and with htmx; a test checks that
the lists below cover every route the two plan blueprints have.
"""
import pytest

from pwa.extensions import db
from pwa.models import Goal, Plan, ServiceRecommendation, Step
from tests import factories

# (method, rule, data) for the survivor's own pages that name a goal or a step.
SURVIVOR_ITEM_ROUTES = [
    ("GET", "/plan/goals/<int:goal_id>", None),
    ("POST", "/plan/goals/<int:goal_id>/steps", {"text": "Mine now"}),
    ("POST", "/plan/steps/<int:step_id>/done", {"done": "1"}),
]
# Her pages without ids: staff get 404 on these too.
SURVIVOR_OWN_ROUTES = [
    ("GET", "/plan", None),
    ("GET", "/plan/goals/new", None),
    ("POST", "/plan/goals/new", {"title": "Mine now", "area": "legal"}),
    ("GET", "/plan/agreement", None),
    ("POST", "/plan/agreement", {"agree": "1"}),
]
STAFF_ROUTES = [
    ("GET", "/console/people/<int:survivor_id>/plan", None),
    ("POST", "/console/people/<int:survivor_id>/plan/stage", {"stage-stage": "inclusion"}),
    ("POST", "/console/people/<int:survivor_id>/plan/agreement", {"agree": "1"}),
    ("POST", "/console/people/<int:survivor_id>/plan/check-ins", {"checkin-held_on": "2026-01-01", "checkin-note": "x"}),
    ("POST", "/console/people/<int:survivor_id>/plan/goals", {"goal-title": "Mine now", "goal-area": "legal", "goal-stage": "crisis"}),
    ("POST", "/console/people/<int:survivor_id>/plan/goals/from-template", {"template": "crisis.safe"}),
    ("GET", "/console/people/<int:survivor_id>/plan/goals/<int:goal_id>", None),
    ("POST", "/console/people/<int:survivor_id>/plan/goals/<int:goal_id>",
     {"edit-title": "Mine now", "edit-area": "legal", "edit-stage": "crisis", "edit-version": "1"}),
    ("POST", "/console/people/<int:survivor_id>/plan/goals/<int:goal_id>/status", {"status-status": "dropped"}),
    ("POST", "/console/people/<int:survivor_id>/plan/goals/<int:goal_id>/move", {"direction": "down"}),
    ("POST", "/console/people/<int:survivor_id>/plan/goals/<int:goal_id>/steps", {"step-text": "Mine now"}),
    ("GET", "/console/people/<int:survivor_id>/plan/steps/<int:step_id>", None),
    ("POST", "/console/people/<int:survivor_id>/plan/steps/<int:step_id>", {"text": "Mine now", "version": "1"}),
    ("POST", "/console/people/<int:survivor_id>/plan/steps/<int:step_id>/move", {"direction": "down"}),
    ("POST", "/console/people/<int:survivor_id>/plan/steps/<int:step_id>/delete", {}),
    ("POST", "/console/people/<int:survivor_id>/plan/goals/<int:goal_id>/services", {"recommend-service": "x"}),
    ("POST", "/console/people/<int:survivor_id>/plan/goals/<int:goal_id>/services/<int:recommendation_id>/remove", {}),
]
HEADERS = [{}, {"HX-Request": "true"}]


def _url(rule, survivor_id=0, goal_id=0, step_id=0, recommendation_id=1):
    return (
        rule.replace("<int:survivor_id>", str(survivor_id)).replace("<int:goal_id>", str(goal_id)).replace("<int:step_id>", str(step_id))
        .replace("<int:recommendation_id>", str(recommendation_id))
    )


def _call(client, method, url, data, headers):
    if method == "GET":
        return client.get(url, headers=headers)
    return client.post(url, data=data, headers=headers)


def _snapshot():
    """Everything a refused request must leave as it was."""
    goals = db.session.execute(db.select(Goal.id, Goal.title, Goal.status, Goal.position, Goal.version)).all()
    steps = db.session.execute(db.select(Step.id, Step.text, Step.done_at, Step.position)).all()
    plans = db.session.execute(db.select(Plan.id, Plan.stage)).all()
    recommendations = db.session.execute(db.select(ServiceRecommendation.id, ServiceRecommendation.goal_id)).all()
    return sorted(goals), sorted(steps), sorted(plans), sorted(recommendations)


@pytest.fixture
def lulja_goal(people, course):
    """Lulja's goal, with a service recommended for it (recommendation 1)."""
    from pwa.plan.services import recommend_service
    from pwa.models import utcnow

    recommend_service(db.session, course, factories.directory_service(), utcnow(), people.arta)
    db.session.commit()
    return course


def test_the_lists_cover_every_plan_route(app):
    listed = {(m, r) for m, r, _ in SURVIVOR_ITEM_ROUTES + SURVIVOR_OWN_ROUTES + STAFF_ROUTES}
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("plan.", "plan_editor."))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == listed


@pytest.mark.parametrize("headers", HEADERS, ids=["plain", "htmx"])
@pytest.mark.parametrize("method, rule, data", STAFF_ROUTES, ids=[f"{m} {r}" for m, r, _ in STAFF_ROUTES])
def test_another_case_manager_gets_404(client, people, login_as, lulja_goal, method, rule, data, headers):
    login_as(people.besnik)
    before = _snapshot()
    url = _url(rule, people.lulja.id, lulja_goal.id, lulja_goal.steps[0].id)
    assert _call(client, method, url, data, headers).status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("headers", HEADERS, ids=["plain", "htmx"])
@pytest.mark.parametrize("method, rule, data", STAFF_ROUTES, ids=[f"{m} {r}" for m, r, _ in STAFF_ROUTES])
def test_a_survivor_of_another_case_manager_gets_404_in_the_editor(client, people, login_as, lulja_goal, method, rule, data, headers):
    login_as(people.dielli)
    before = _snapshot()
    url = _url(rule, people.lulja.id, lulja_goal.id, lulja_goal.steps[0].id)
    assert _call(client, method, url, data, headers).status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("headers", HEADERS, ids=["plain", "htmx"])
@pytest.mark.parametrize("method, rule, data", SURVIVOR_ITEM_ROUTES, ids=[f"{m} {r}" for m, r, _ in SURVIVOR_ITEM_ROUTES])
def test_a_survivor_of_another_case_manager_gets_404_on_her_goals_and_steps(
    client, people, login_as, lulja_goal, method, rule, data, headers
):
    login_as(people.dielli)
    before = _snapshot()
    url = _url(rule, goal_id=lulja_goal.id, step_id=lulja_goal.steps[0].id)
    assert _call(client, method, url, data, headers).status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("headers", HEADERS, ids=["plain", "htmx"])
@pytest.mark.parametrize(
    "method, rule, data", SURVIVOR_ITEM_ROUTES + SURVIVOR_OWN_ROUTES, ids=[f"{m} {r}" for m, r, _ in SURVIVOR_ITEM_ROUTES + SURVIVOR_OWN_ROUTES]
)
def test_staff_get_404_on_the_survivors_pages(client, people, login_as, lulja_goal, method, rule, data, headers):
    login_as(people.arta)
    before = _snapshot()
    url = _url(rule, goal_id=lulja_goal.id, step_id=lulja_goal.steps[0].id)
    assert _call(client, method, url, data, headers).status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize(
    "method, rule, data", [r for r in STAFF_ROUTES if "goal_id" in r[1] or "step_id" in r[1]], ids=lambda v: str(v)[:60]
)
def test_a_goal_or_step_of_another_survivor_is_404_under_her_record(client, people, login_as, lulja_goal, method, rule, data):
    dielli_goal = factories.goal(people.dielli, "His goal", ("His step",))
    login_as(people.arta)
    before = _snapshot()
    url = _url(rule, people.lulja.id, dielli_goal.id, dielli_goal.steps[0].id)
    assert _call(client, method, url, data, {}).status_code == 404
    assert _snapshot() == before


def test_a_supervisor_of_another_organisation_gets_404(client, people, login_as, lulja_goal):
    from pwa.models import Role

    other = factories.staff(factories.organisation("Tjetër"), "other", Role.SUPERVISOR)
    login_as(other)
    assert client.get(f"/console/people/{people.lulja.id}/plan").status_code == 404


@pytest.mark.parametrize("method, rule, data", SURVIVOR_OWN_ROUTES, ids=[f"{m} {r}" for m, r, _ in SURVIVOR_OWN_ROUTES])
def test_nobody_signed_in_is_sent_to_the_start(client, people, method, rule, data):
    response = _call(client, method, rule, data, {})
    assert response.status_code == 302 and response.headers["Location"] == "/"
