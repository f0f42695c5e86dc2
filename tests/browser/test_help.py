"""Ask for help on a phone at 360×740: three taps, the case manager's inbox, "seen"; without JavaScript; offline."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import HelpRequest, Role
from tests import factories
from tests.browser.conftest import EXIT_URL, axe_violations, screenshot
from tests.browser.test_foundation import bind_phone, sign_in_staff, unlock
from tests.browser.test_shell import controlled, until


@pytest.fixture
def people(live):
    org = factories.organisation(exit_url=EXIT_URL)
    supervisor = factories.staff(org, "drita", Role.SUPERVISOR)
    arta = factories.staff(org, "arta", work_phone="069 000 0001")
    besnik = factories.staff(org, "besnik")
    return factories.SmallOrganisation(org, supervisor, arta, besnik, factories.survivor(arta, "Lulja"), factories.survivor(besnik, "Dielli"))


def stored_requests() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(HelpRequest.id)))


def open_help(session):
    bind_phone(session, session.people.lulja)
    unlock(session)
    page = session.page
    page.get_by_role("link", name="Kërko ndihmë").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kërko ndihmë")
    expect(page.get_by_role("link", name="112")).to_have_attribute("href", "tel:112")
    return page


def phone_of(open_browser, people, **kwargs):
    session = open_browser(**kwargs)
    session.people = people
    return session


def acknowledge_in_the_inbox(open_browser, javascript=True):
    office = open_browser(javascript=javascript)
    sign_in_staff(office, "arta")
    page = office.page
    page.get_by_role("link", name=re.compile(r"^Kërkesat")).click()
    expect(page.get_by_role("heading", name="Lulja")).to_be_visible()
    expect(page.get_by_text("Probleme me shëndetin")).to_be_visible()
    screenshot(page, "help-inbox" + ("" if javascript else "-nojs"))
    page.get_by_role("button", name="E pashë").click()
    expect(page.locator(".tag", has_text="U pa")).to_be_visible()
    expect(page.get_by_role("button", name="E pashë")).to_have_count(0)
    return page


def test_three_taps_reach_the_inbox_and_seen_comes_back(open_browser, people):
    phone = phone_of(open_browser, people)
    page = open_help(phone)
    expect(page.get_by_text("Pyetja 1 nga 3")).to_be_visible()
    screenshot(page, "help-1-what-happened")
    page.get_by_label("Probleme me shëndetin").click()
    expect(page.get_by_role("group", name=re.compile("Sa shpejt të duhet ndihma"))).to_be_visible()
    expect(page.get_by_role("group", name=re.compile("Çfarë ndodhi"))).to_be_hidden()
    screenshot(page, "help-2-how-soon")
    page.get_by_label("Tani", exact=True).click()
    screenshot(page, "help-3-how-to-reach")
    page.get_by_label("Më telefono").click()
    expect(page.get_by_text("Probleme me shëndetin · Tani · Më telefono")).to_be_visible()
    screenshot(page, "help-4-send")
    page.get_by_role("button", name="Dërgo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kërkesa jote")
    expect(page.get_by_text("Do të të përgjigjet: Arta")).to_be_visible()
    screenshot(page, "help-sent")

    acknowledge_in_the_inbox(open_browser)
    # Her page asks for the state every few seconds: "seen" appears without a reload.
    expect(page.locator(".timeline li.done")).to_have_count(2, timeout=20_000)
    expect(page.locator(".timeline li.done").nth(1)).to_contain_text("U pa")
    assert stored_requests() == 1


def test_going_back_changes_an_answer(open_browser, people):
    page = open_help(phone_of(open_browser, people))
    page.get_by_label("Problem me shtëpinë").click()
    page.get_by_role("button", name="Prapa").first.click()
    expect(page.get_by_role("group", name=re.compile("Çfarë ndodhi"))).to_be_visible()
    page.get_by_label("Humba punën ose s’kam para").click()
    page.get_by_label("Sot", exact=True).click()
    page.get_by_label("Të takohemi").click()
    expect(page.get_by_text("Humba punën ose s’kam para · Sot · Të takohemi")).to_be_visible()


def test_without_javascript_too(open_browser, people):
    phone = phone_of(open_browser, people, javascript=False)
    page = open_help(phone)
    for question in ("Çfarë ndodhi?", "Sa shpejt të duhet ndihma?", "Si të lidhemi me ty?"):
        expect(page.get_by_role("group", name=question)).to_be_visible()
    page.get_by_role("button", name="Dërgo").click()
    expect(page.get_by_role("alert").first).to_contain_text("Zgjidh çfarë ndodhi.")
    page.get_by_label("Probleme me shëndetin").check()
    page.get_by_label("Tani", exact=True).check()
    page.get_by_label("Më telefono").check()
    page.get_by_label(re.compile("Dëshiron të shtosh diçka")).fill("Nuk kam para për ilaçet")
    page.get_by_role("button", name="Dërgo").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kërkesa jote")
    expect(page.get_by_text("Nuk kam para për ilaçet")).to_be_visible()

    acknowledge_in_the_inbox(open_browser, javascript=False)
    page.reload()
    expect(page.locator(".timeline li.done").nth(1)).to_contain_text("U pa")
    page.get_by_role("button", name="Tani jam mirë").click()
    expect(page.get_by_text("Ti the që tani je mirë.")).to_be_visible()


def test_offline_the_request_waits_on_the_phone_and_arrives_once(open_browser, people):
    phone = phone_of(open_browser, people)
    page = open_help(phone)
    controlled(page)
    page.get_by_label("Dhunë në shtëpi").click()
    page.get_by_label("Tani", exact=True).click()
    page.get_by_label("Më telefono").click()
    phone.context.set_offline(True)
    page.get_by_role("button", name="Dërgo").click()
    expect(page.get_by_text("Tani nuk ka internet. Kërkesa jote ruhet në këtë telefon")).to_be_visible()
    expect(page.get_by_role("link", name="069 000 0001")).to_have_attribute("href", "tel:0690000001")
    expect(page.get_by_role("link", name="112")).to_be_visible()
    screenshot(page, "help-offline-queued")
    assert stored_requests() == 0

    phone.context.set_offline(False)
    expect(page.get_by_text("Kërkesa jote u dërgua.")).to_be_visible(timeout=20_000)
    until(page, "async () => (await new Promise(r => { const o = indexedDB.open('dera-help', 1);"
                " o.onsuccess = () => o.result.transaction('requests').objectStore('requests').count().onsuccess = (e) => r(e.target.result); })) === 0")
    # Another visit and the service worker's sync find nothing left to send: still one request.
    page.goto("/today")
    expect(page.get_by_role("link", name=re.compile("Kërkesa jote"))).to_be_visible()
    assert stored_requests() == 1


@pytest.mark.parametrize("which", ["ask", "ask-errors", "sent", "inbox", "request", "duty", "away"])
def test_help_pages_have_no_serious_accessibility_problems(open_browser, people, which):
    if which in ("ask", "ask-errors", "sent"):
        page = open_help(phone_of(open_browser, people))
        if which == "ask-errors":
            page.evaluate("document.getElementById('ask').submit()")  # as a browser without JavaScript sends it
            expect(page.get_by_role("alert").first).to_be_visible()
        if which == "sent":
            request = factories.help_request(people.lulja, note="Shënim")
            page.goto(f"/help/requests/{request.id}")
    else:
        request = factories.help_request(people.lulja, note="Shënim")
        office = open_browser()
        sign_in_staff(office, "drita")
        page = office.page
        page.goto({"inbox": "/console/inbox", "request": f"/console/requests/{request.id}", "duty": "/console/duty", "away": "/console/away"}[which])
    assert axe_violations(page) == []
    screenshot(page, f"axe-help-{which}")
