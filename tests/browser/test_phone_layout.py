"""Every survivor page on a 360 px phone: no sideways scroll (also at 130 % text), touch targets of
44×44 px, numbers that never break, anchors that land below the sticky top bar."""
import json
import re

import pytest
from playwright.sync_api import expect

from pwa.models import Role
from tests import factories
from tests.browser.conftest import EXIT_URL, UNREACHABLE_TILES
from tests.browser.test_foundation import bind_phone, unlock

LONG = "Regjistrohu në kursin e rrobaqepësisë në qendrën e formimit profesional"


@pytest.fixture
def no_tiles(live):
    """The map page is measured too: its tiles go nowhere, and the setting is put back afterwards."""
    original = live.config["TILE_URL"]
    live.config["TILE_URL"] = UNREACHABLE_TILES
    yield
    live.config["TILE_URL"] = original


@pytest.fixture
def lulja(live, no_tiles):
    org = factories.organisation(exit_url=EXIT_URL, helpline="0800 4321")
    arta = factories.staff(org, "arta", work_phone="069 000 0001")
    factories.staff(org, "drita", Role.SUPERVISOR)
    lulja = factories.survivor(arta, "Lulja")
    goal = factories.goal(lulja, LONG, steps=tuple(f"Hapi {n}: {LONG}" for n in range(1, 13)), done=2)
    # A second goal with a long list, so that a step added at its end still has page below it.
    factories.goal(lulja, "Gjej punë", steps=tuple(f"Hapi {n}" for n in range(1, 4)))
    appointment = factories.appointment(lulja)
    request = factories.help_request(lulja, note="Më duhet të flas me dikë")
    service = factories.directory_service(
        "Qendra Kombëtare për Formim Profesional dhe Punësim", areas=("education_training", "economic_empowerment", "legal"),
        phone="+355 69 123 4567 89",
    )
    lulja.pages = {
        "today": "/today", "plan": "/plan", "goal": f"/plan/goals/{goal.id}", "new goal": "/plan/goals/new",
        "agreement": "/plan/agreement", "help": "/help", "request": f"/help/requests/{request.id}",
        "services": "/services", "service": f"/services/{service.id}", "map": "/services/map",
        "contacts": "/contacts", "trusted people": "/trusted-people", "appointments": "/appointments",
        "appointment": f"/appointments/{appointment.id}", "settings": "/settings", "my data": "/settings/my-data",
        "delete": "/settings/delete", "welcome": "/welcome",
    }
    lulja.goal_id, lulja.step_ids = goal.id, [step.id for step in goal.steps]
    return lulja


@pytest.fixture
def her_phone(phone, lulja):
    bind_phone(phone, lulja)
    unlock(phone)
    expect(phone.page.get_by_text("Përshëndetje, Lulja")).to_be_visible()
    return phone


SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

SMALL_TARGETS = """() => {
  const small = [];
  const box = (el) => el.getBoundingClientRect();
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]')) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('[hidden], .visually-hidden')) continue;
    let r = box(el);
    if (r.width === 0 && r.height === 0) continue;
    if (el.classList.contains('skip-link')) continue;  // off-screen until focused, then large
    if (el.type === 'checkbox' || el.type === 'radio') {
      // A box inside its label (a card) is as large as the label: a tap anywhere on it ticks the box.
      const label = el.closest('label');
      if (label) {
        const l = box(label);
        r = {width: Math.max(r.right, l.right) - Math.min(r.left, l.left), height: Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top)};
      }
    }
    if (r.width < 44 || r.height < 44) {
      small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || el.type || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return small;
}"""


@pytest.mark.parametrize("text_size", ["100%", "130%"])
def test_no_survivor_page_scrolls_sideways(her_phone, lulja, text_size):
    page = her_phone.page
    wide = {}
    for name, path in lulja.pages.items():
        page.goto(path)
        # As the phone's own text size setting does: every rem grows with the root font size.
        page.evaluate("(size) => { document.documentElement.style.fontSize = size; }", text_size)
        page.wait_for_timeout(50)
        overflow = page.evaluate(SIDEWAYS)
        if overflow > 0:
            wide[name] = overflow
    assert wide == {}, json.dumps(wide, indent=1, ensure_ascii=False)


def test_every_link_button_and_field_on_survivor_pages_is_44_px_or_more(her_phone, lulja):
    page = her_phone.page
    small = {}
    for name, path in lulja.pages.items():
        page.goto(path)
        page.wait_for_load_state("load")
        found = page.evaluate(SMALL_TARGETS)
        if found:
            small[name] = found
    assert small == {}, json.dumps(small, indent=1, ensure_ascii=False)


def test_phone_numbers_never_break_across_lines(her_phone, lulja):
    page = her_phone.page
    broken = []
    for name in ("contacts", "service", "help", "services"):
        page.goto(lulja.pages[name])
        broken += page.evaluate(r"""() => [...document.querySelectorAll('a[href^="tel:"]')]
          .filter((a) => a.getClientRects().length)
          .flatMap((a) => { const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT); const found = [];
                            while (walker.nextNode()) { if (/^\+?\d[\d ]{2,}$/.test(walker.currentNode.textContent.trim())) found.push(walker.currentNode); }
                            return found; })
          .filter((n) => { const r = document.createRange(); r.selectNodeContents(n);
                           const tops = new Set([...r.getClientRects()].map((c) => Math.round(c.top)));
                           return tops.size > 1; })
          .map((n) => n.textContent.trim())""")
    assert broken == []


def _below_top_bar(page, selector) -> bool:
    where = page.evaluate(
        """(selector) => ({bar: document.querySelector('.topbar').getBoundingClientRect().bottom,
                          target: document.querySelector(selector).getBoundingClientRect().top,
                          scrolled: window.scrollY, height: window.innerHeight})""",
        selector,
    )
    assert where["scrolled"] > 0, where
    return where["bar"] - 1 <= where["target"] < where["height"]


def test_an_anchor_to_a_step_lands_below_the_sticky_top_bar(her_phone, lulja):
    page = her_phone.page
    step = lulja.step_ids[4]
    page.goto(f"/plan/goals/{lulja.goal_id}#step-{step}")
    page.wait_for_load_state("load")
    assert page.evaluate("window.scrollY") > 0
    assert _below_top_bar(page, f"#step-{step}")


def test_an_error_summary_link_lands_the_field_below_the_sticky_top_bar(her_phone, lulja):
    page = her_phone.page
    page.goto(f"/plan/goals/{lulja.goal_id}")
    page.get_by_role("button", name="Shto hapin").click()
    summary = page.locator(".error-summary a").first
    expect(summary).to_be_visible()
    target = summary.get_attribute("href")
    summary.click()
    assert _below_top_bar(page, target)


def test_a_step_just_added_is_shown_below_the_sticky_top_bar(her_phone, lulja):
    page = her_phone.page
    page.goto(f"/plan/goals/{lulja.goal_id}")
    page.get_by_label("Hapi", exact=True).fill("Pyet për autobusin")
    page.get_by_role("button", name="Shto hapin").click()
    expect(page).to_have_url(re.compile(r"#step-\d+$"))
    page.wait_for_load_state("load")
    assert _below_top_bar(page, "#" + page.url.rsplit("#", 1)[1])


def test_the_town_filter_shows_its_whole_choice(her_phone, lulja):
    page = her_phone.page
    page.goto("/services")
    select = page.get_by_label("Qyteti")
    expect(select).to_be_visible()
    assert select.evaluate("""(s) => { const span = document.createElement('span');
        span.style.font = getComputedStyle(s).font; span.style.position = 'absolute'; span.style.whiteSpace = 'nowrap';
        span.textContent = s.options[s.selectedIndex].text;
        document.body.append(span); const need = span.getBoundingClientRect().width; span.remove();
        const pad = parseFloat(getComputedStyle(s).paddingLeft) + parseFloat(getComputedStyle(s).paddingRight);
        return need + pad + 24 <= s.clientWidth; }""")


def test_console_number_fields_are_styled_like_the_others(open_browser, lulja):
    from tests.browser.test_foundation import sign_in_staff

    office = open_browser(viewport={"width": 1280, "height": 800})
    sign_in_staff(office, "drita")
    office.page.goto("/console/organisation")
    sizes = office.page.evaluate("""() => [...document.querySelectorAll('input[type=number]')].map((i) => {
        const s = getComputedStyle(i); return [i.getBoundingClientRect().height, s.borderTopWidth, s.fontSize]; })""")
    text = office.page.evaluate("getComputedStyle(document.querySelector('input[type=url], input[type=text]')).fontSize")
    assert sizes and all(height >= 44 and border == "2px" and size == text for height, border, size in sizes), sizes



def test_a_goal_in_the_console_editor_lands_below_the_sticky_top_bar(open_browser, lulja):
    from tests.browser.test_foundation import sign_in_staff

    for n in range(6):
        factories.goal(lulja, f"Qëllimi {n}", steps=("Hapi i parë",))
    office = open_browser()
    sign_in_staff(office, "arta")
    page = office.page
    page.goto(f"/console/people/{lulja.id}/plan#goal-{lulja.goal_id}")
    page.wait_for_load_state("load")
    assert _below_top_bar(page, f"#goal-{lulja.goal_id}")


@pytest.mark.parametrize("text_size", ["100%", "130%"])
def test_the_pages_before_signing_in_fit_the_phone_too(open_browser, lulja, text_size):
    phone = open_browser()
    page = phone.page
    problems = {}
    for path in ("/", "/enrol", "/login", "/offline?lang=sq", "/no-such-page", "bound:/unlock"):
        if path.startswith("bound:"):
            bind_phone(phone, lulja)
            path = path.removeprefix("bound:")
        page.goto(path)
        page.wait_for_load_state("load")
        page.evaluate("(size) => { document.documentElement.style.fontSize = size; }", text_size)
        found = page.evaluate(SMALL_TARGETS)
        overflow = page.evaluate(SIDEWAYS)
        if found or overflow > 0:
            problems[path] = {"small": found, "sideways": overflow}
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
