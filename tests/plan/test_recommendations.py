"""A case manager recommends services from the directory for a goal or a step; the survivor sees them there."""
import pytest
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import ServiceRecommendation
from tests import factories


@pytest.fixture
def service(app):
    return factories.directory_service(name="Qendra Ligjore", areas=("legal",), phone="069 123 4567")


def _recommend(client, people, goal, service, step=""):
    url = f"/console/people/{people.lulja.id}/plan/goals/{goal.id}/services"
    return client.post(url, data={"recommend-service": service.id, "recommend-step": step})


def test_case_manager_recommends_a_service_and_she_sees_how_to_reach_it(app, client, people, login_as, course, service):
    login_as(people.arta)
    assert _recommend(client, people, course, service).status_code == 303
    phone = app.test_client()
    factories.sign_in_survivor(phone, people.lulja)
    html = phone.get(f"/plan/goals/{course.id}").get_data(as_text=True)
    assert "Qendra Ligjore" in html and 'href="tel:0691234567"' in html and 'href="geo:41.32750,19.81890"' in html


def test_a_service_can_be_for_one_step(app, client, people, login_as, course, service):
    login_as(people.arta)
    step = course.steps[1]
    _recommend(client, people, course, service, step=str(step.id))
    assert db.session.scalar(select(ServiceRecommendation.step_id)) == step.id
    phone = app.test_client()
    factories.sign_in_survivor(phone, people.lulja)
    assert "Sign up" in phone.get(f"/plan/goals/{course.id}").get_data(as_text=True).split("tel:")[0]


def test_recommending_twice_keeps_one(client, people, login_as, course, service):
    login_as(people.arta)
    _recommend(client, people, course, service)
    _recommend(client, people, course, service)
    assert db.session.scalar(select(func.count(ServiceRecommendation.id))) == 1


def test_an_unknown_or_hidden_service_is_refused_and_nothing_changes(client, people, login_as, course):
    hidden = factories.directory_service(name="E fshehur", status="inactive")
    login_as(people.arta)
    for service_id in ("no-such-service", hidden.id):
        response = client.post(f"/console/people/{people.lulja.id}/plan/goals/{course.id}/services", data={"recommend-service": service_id})
        assert response.status_code == 400 and 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ServiceRecommendation.id))) == 0


def test_a_service_hidden_later_disappears_from_her_page(app, client, people, login_as, course, service):
    login_as(people.arta)
    _recommend(client, people, course, service)
    service.status = "inactive"
    db.session.commit()
    phone = app.test_client()
    factories.sign_in_survivor(phone, people.lulja)
    assert "Qendra Ligjore" not in phone.get(f"/plan/goals/{course.id}").get_data(as_text=True)


def test_the_case_manager_removes_a_recommendation(client, people, login_as, course, service):
    login_as(people.arta)
    _recommend(client, people, course, service)
    recommendation = db.session.scalar(select(ServiceRecommendation))
    url = f"/console/people/{people.lulja.id}/plan/goals/{course.id}/services/{recommendation.id}/remove"
    assert client.post(url, data={}).status_code == 303
    assert db.session.scalar(select(func.count(ServiceRecommendation.id))) == 0


def test_services_of_the_goals_area_come_first(client, people, login_as, course, service):
    factories.directory_service(name="Aaa Strehim", areas=("housing",))
    course.area = "legal"
    db.session.commit()
    login_as(people.arta)
    html = client.get(f"/console/people/{people.lulja.id}/plan/goals/{course.id}").get_data(as_text=True)
    assert html.index("Qendra Ligjore") < html.index("Aaa Strehim")
