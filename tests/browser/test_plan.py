"""My plan on a phone, with and without JavaScript, and the case manager's editor; axe and screenshots."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from pwa.clock import today
from pwa.extensions import db
from pwa.models import Role
from pwa.plan import services
from tests import factories
from tests.browser.conftest import EXIT_URL, axe_violations, screenshot
from tests.browser.test_foundation import bind_phone, sign_in_staff, unlock

OFFICE = {"width": 1280, "height": 800}


@pytest.fixture
def people(live):
    org = factories.organisation(exit_url=EXIT_URL)
    supervisor = factories.staff(org, "drita", Role.SUPERVISOR)
    arta = factories.staff(org, "arta", work_phone="069 000 0001")
    besnik = factories.staff(org, "besnik")
    lulja, dielli = factories.survivor(arta, "Lulja"), factories.survivor(besnik, "Dielli")
    return factories.SmallOrganisation(org, supervisor, arta, besnik, lulja, dielli)


@pytest.fixture
def course(people):
    """Lulja's plan: a course with three steps (one done, two with due dates) and a reached goal."""
    plan = factories.plan(people.lulja, "transition")
    reached = services.add_goal_from_template(db.session, plan, "crisis.safe", people.arta, factories.utcnow())
    reached.status, reached.status_changed_at = "reached", factories.utcnow()
    goal = factories.goal(
        people.lulja, "Gjej një kurs rrobaqepësie", ("Zgjidh një kurs", "Regjistrohu në kurs", "Shko në mësimin e parë"),
        stage="transition", done=1,
    )
    goal.steps[1].due_date = today() + timedelta(days=2)
    goal.steps[2].due_date = today() + timedelta(days=5)
    services.record_agreement(db.session, plan, True, factories.utcnow(), staff=people.arta)
    db.session.commit()
    return goal


def _next_steps(page):
    return page.locator(".next-list li a")


def _survivor_flow(session, course, shot_prefix=None):
    page = session.page
    bind_phone(session, course.plan.survivor)
    unlock(session)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sot")
    expect(_next_steps(page).first).to_have_text("Regjistrohu në kurs")

    page.get_by_role("navigation", name="Kryesore").get_by_role("link", name="Plani im").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plani im")
    expect(page.get_by_text("Je në fazën 2 nga 3: Drejt pavarësisë.")).to_be_visible()
    expect(page.get_by_text("Kryer: 1 nga 3 hapa")).to_be_visible()
    if shot_prefix is not None:
        screenshot(page, f"{shot_prefix}plan")

    page.get_by_role("link", name="Gjej një kurs rrobaqepësie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gjej një kurs rrobaqepësie")
    page.evaluate("window.deraNoReload = true")
    tick = page.get_by_role("button", name="Regjistrohu në kurs")
    expect(tick).to_have_attribute("aria-pressed", "false")
    tick.click()
    expect(page.get_by_role("button", name="Regjistrohu në kurs")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("Kryer: 2 nga 3 hapa")).to_be_visible()
    expect(page.locator(f"#goal-{course.id}-progress progress")).to_have_attribute("value", "2")

    page.get_by_label("Hapi", exact=True).fill("Pyet për autobusin")
    page.get_by_role("button", name="Shto hapin").click()
    expect(page.get_by_role("button", name="Pyet për autobusin")).to_be_visible()
    expect(page.get_by_text("E shtove ti")).to_be_visible()
    expect(page.get_by_text("Kryer: 2 nga 4 hapa")).to_be_visible()
    if shot_prefix is not None:
        screenshot(page, f"{shot_prefix}plan-goal")

    page.get_by_role("link", name="Sot").click()
    expect(_next_steps(page).first).to_have_text("Shko në mësimin e parë")
    expect(page.get_by_text("Regjistrohu në kurs")).to_have_count(0)


def _case_manager_sees_her_step(open_browser, people):
    office = open_browser(viewport=OFFICE)
    sign_in_staff(office, "arta")
    page = office.page
    page.goto(f"/console/people/{people.lulja.id}")
    page.get_by_role("link", name="Hap planin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plani: Lulja")
    added = page.locator(".step-summary li", has_text="Pyet për autobusin")
    expect(added).to_contain_text("Shtuar nga: Lulja")
    expect(page.locator(".step-summary li", has_text="Regjistrohu në kurs")).to_contain_text("U krye:")
    return office


def test_she_ticks_a_step_and_adds_her_own_with_javascript(open_browser, people, course):
    phone = open_browser()
    _survivor_flow(phone, course, shot_prefix="")
    office = _case_manager_sees_her_step(open_browser, people)
    screenshot(office.page, "plan-editor")


def test_the_tick_swaps_in_place_without_a_reload(phone, people, course):
    bind_phone(phone, people.lulja)
    unlock(phone)
    page = phone.page
    page.goto(f"/plan/goals/{course.id}")
    page.evaluate("window.deraNoReload = true")
    page.get_by_role("button", name="Regjistrohu në kurs").click()
    expect(page.get_by_text("Kryer: 2 nga 3 hapa")).to_be_visible()
    assert page.evaluate("window.deraNoReload") is True
    assert page.evaluate("document.activeElement.id") == f"tick-{course.steps[1].id}"


def test_the_same_works_without_javascript(open_browser, people, course):
    phone = open_browser(javascript=False)
    _survivor_flow(phone, course)
    _case_manager_sees_her_step(open_browser, people)


def test_agreement_withdrawn_and_given_again_on_the_phone(phone, people, course):
    bind_phone(phone, people.lulja)
    unlock(phone)
    page = phone.page
    page.goto("/plan/agreement")
    expect(page.get_by_text("Ti dhe Arta dhatë pëlqimin për këtë plan")).to_be_visible()
    page.get_by_role("button", name="Tërhiq pëlqimin tim").click()
    expect(page.get_by_text("E tërhoqe pëlqimin më")).to_be_visible()
    page.get_by_role("button", name="Jap pëlqimin për planin tim").click()
    expect(page.locator(".history li")).to_have_count(3)
    screenshot(page, "plan-agreement")


SURVIVOR_PAGES = ["/plan", "goal", "/plan/agreement", "/plan/goals/new", "propose-errors", "/today"]
STAFF_PAGES = ["editor", "editor-goal", "editor-step"]


@pytest.mark.parametrize("path", SURVIVOR_PAGES + STAFF_PAGES)
def test_plan_pages_have_no_serious_accessibility_problems(open_browser, people, course, path):
    base = f"/console/people/{people.lulja.id}/plan"
    staff_urls = {"editor": base, "editor-goal": f"{base}/goals/{course.id}", "editor-step": f"{base}/steps/{course.steps[0].id}"}
    if path in staff_urls:
        session = open_browser(viewport=OFFICE)
        sign_in_staff(session, "arta")
        session.page.goto(staff_urls[path])
    else:
        session = open_browser()
        bind_phone(session, people.lulja)
        unlock(session)
        if path == "goal":
            session.page.goto(f"/plan/goals/{course.id}")
        elif path == "propose-errors":
            session.page.goto("/plan/goals/new")
            session.page.get_by_role("button", name="Shto qëllimin").click()
            expect(session.page.get_by_role("alert").first).to_be_visible()
        else:
            session.page.goto(path)
    assert axe_violations(session.page) == []
    screenshot(session.page, "axe-plan-" + path.strip("/").replace("/", "-"))
