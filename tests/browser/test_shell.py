"""The installable, offline-capable shell in a real browser: manifest, service worker, offline, push."""
import json
import re

import pytest
from playwright.sync_api import expect

from pwa.models import Role
from tests import factories
from tests.browser.conftest import EXIT_URL, screenshot
from tests.browser.test_foundation import bind_phone, unlock

CACHED = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const body = await (await cache.match(request)).text();
      found.push({cache: name, url: new URL(request.url).pathname, body});
    }
  }
  return found;
}"""


@pytest.fixture
def people(live):
    org = factories.organisation(exit_url=EXIT_URL)
    arta = factories.staff(org, "arta", work_phone="069 000 0001")
    factories.staff(org, "drita", Role.SUPERVISOR)
    return org, arta, factories.survivor(arta, "Lulja")


def until(page, condition: str, timeout_ms: int = 30_000) -> None:
    """Wait, inside the page, until the async JS ``condition`` is true.

    (Playwright's wait_for_function evaluates its predicate in a way the
    page's Content Security Policy forbids, so the waiting is done here.)
    """
    done = page.evaluate(
        "async ([timeout]) => { const end = Date.now() + timeout; while (Date.now() < end) {"
        f" if (await ({condition})()) return true; await new Promise(r => setTimeout(r, 100)); }} return false; }}",
        [timeout_ms],
    )
    assert done, f"still false after {timeout_ms} ms: {condition}"


def controlled(page):
    """Wait for the service worker to be active and to control the page.

    A page whose navigation began just before the worker activated stays
    uncontrolled until it is loaded again (browsers do that on the first
    visit); such a page is reloaded once.
    """
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
    until(page, "async () => navigator.serviceWorker.controller !== null")


def personal(entries, nickname="Lulja"):
    return [e["url"] for e in entries if nickname in e["body"] or "069 000 0001" in e["body"]]


def test_manifest_is_linked_and_the_app_is_installable(phone, people):
    page = phone.page
    page.goto("/contacts")
    controlled(page)
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["name"] == "Dera"
    cdp = phone.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito ones, where Chrome never offers to install.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []


def test_offline_contacts_open_and_other_pages_show_the_offline_page(phone, people):
    page = phone.page
    page.goto("/contacts")
    controlled(page)
    page.reload()
    phone.context.set_offline(True)
    page.goto("/contacts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontaktet")
    expect(page.get_by_role("link", name=re.compile("112"))).to_be_visible()
    page.goto("/today")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pa internet")
    expect(page.get_by_role("link", name="112", exact=True)).to_have_attribute("href", "tel:112")
    screenshot(page, "offline")


def test_after_one_visit_the_service_list_opens_offline(phone, people, live):
    from tests.factories import directory_service

    directory_service(name="Qendra e Këshillimit", town="Shkodër")
    page = phone.page
    page.goto("/services")
    controlled(page)
    page.goto("/services")
    phone.context.set_offline(True)
    page.goto("/services")
    expect(page.get_by_role("heading", level=1)).to_have_text("Shërbimet")
    expect(page.get_by_text("Qendra e Këshillimit")).to_be_visible()
    screenshot(page, "services-offline")


def test_personal_pages_are_never_cached_by_default(phone, people):
    bind_phone(phone, people[2])
    unlock(phone)
    page = phone.page
    controlled(page)
    for path in ("/today", "/contacts", "/settings", "/today"):
        page.goto(path)
    entries = page.evaluate(CACHED)
    assert entries and personal(entries) == []
    assert not [e for e in entries if e["url"] in ("/today", "/settings")]


def test_keep_my_plan_caches_her_pages_and_quick_exit_deletes_them(phone, people):
    bind_phone(phone, people[2])
    unlock(phone)
    page = phone.page
    page.goto("/settings")
    controlled(page)
    page.get_by_label("Ruaje planin tim në këtë telefon").check()
    expect(page.get_by_text("Plani yt ruhet në këtë telefon.")).to_be_visible()
    page.goto("/today")
    until(page, "async () => Boolean(await (await caches.open('dera-private-v1')).match('/today'))")
    phone.context.set_offline(True)
    page.goto("/today")
    expect(page.get_by_text("Përshëndetje, Lulja")).to_be_visible()
    phone.context.set_offline(False)
    page.get_by_role("link", name="Dil shpejt", exact=True).click()
    expect(page).to_have_url(EXIT_URL)
    page.goto("/")
    controlled(page)
    until(page, "async () => !(await caches.has('dera-private-v1'))")
    assert personal(page.evaluate(CACHED)) == []


def test_a_push_shows_a_neutral_notification_and_a_tap_opens_the_page(phone, people):
    phone.context.grant_permissions(["notifications"])
    bind_phone(phone, people[2])
    unlock(phone)
    page = phone.page
    controlled(page)
    cdp = phone.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    page.wait_for_timeout(0)
    page.evaluate("navigator.serviceWorker.ready")
    deadline = 50
    while not registrations and deadline:
        page.wait_for_timeout(100)
        deadline -= 1
    registration_id = registrations[0]["registrationId"]
    payload = {"title": "Dera", "body": "Ke një kujtesë", "url": "/contacts"}
    cdp.send("ServiceWorker.deliverPushMessage", {"origin": phone.base_url, "registrationId": registration_id, "data": json.dumps(payload)})
    until(page, "async () => (await (await navigator.serviceWorker.ready).getNotifications()).length > 0")
    shown = page.evaluate("navigator.serviceWorker.ready.then(r => r.getNotifications()).then(n => n.map(x => ({title: x.title, body: x.body, url: x.data.url})))")
    assert shown == [{"title": "Dera", "body": "Ke një kujtesë", "url": "/contacts"}]
    worker = phone.context.service_workers[0]
    worker.evaluate("self.registration.getNotifications().then(n => openPage(n[0].data.url))")
    expect(page).to_have_url(re.compile(r"/contacts$"))


def test_reminders_are_asked_for_only_after_a_tap(phone, people):
    asked = []
    bind_phone(phone, people[2])
    unlock(phone)
    page = phone.page
    page.expose_function("permissionAsked", lambda: asked.append(True))
    page.add_init_script("Notification.requestPermission = () => { window.permissionAsked(); return Promise.resolve('denied'); }")
    page.goto("/settings")
    controlled(page)
    expect(page.get_by_role("button", name="Ndiz kujtesat")).to_be_visible()
    assert asked == []
    page.get_by_role("button", name="Ndiz kujtesat").click()
    expect(page.get_by_text("Ky shfletues i bllokon kujtesat")).to_be_visible()
    assert asked == [True]
