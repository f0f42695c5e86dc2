"""Her copy of her data, downloaded on a phone and opened in the browser, in Albanian and in English."""
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from pwa.extensions import db
from tests import factories
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_foundation import bind_phone, unlock
from tests.browser.test_plan import course, people  # noqa: F401 (fixtures)

COPY = {
    "sq": {"warning": "Kopja mbetet te Shkarkimet e telefonit", "link": "Shkarko një kopje për ta lexuar",
           "heading": "Të dhënat e tua", "when": "E premte, 4 dhjetor, 00:30", "label": "Çfarë ndodhi", "setback": "Probleme me shëndetin"},
    "en": {"warning": "The copy stays in your phone's Downloads", "link": "Download a copy to read",
           "heading": "Your data", "when": "Friday, 4 December, 00:30", "label": "What happened", "setback": "Health"},
}


@pytest.mark.browser
@pytest.mark.parametrize("language", ["sq", "en"])
def test_the_readable_copy_downloads_and_reads_in_her_language(browser, open_browser, people, course, language, tmp_path):
    # 23:30 UTC on 3 December is already 4 December in Tirana.
    factories.appointment(people.lulja, title="Te mjeku", starts_at=datetime(2026, 12, 3, 23, 30, tzinfo=timezone.utc))
    factories.help_request(people.lulja, urgency="today")
    people.lulja.locale = language
    db.session.commit()
    session = open_browser()
    bind_phone(session, people.lulja)
    unlock(session)
    page = session.page
    page.goto("/settings/my-data")
    words = COPY[language]
    expect(page.get_by_text(words["warning"])).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=words["link"]).click()
    download = download_info.value
    assert download.suggested_filename == "my-data.html"
    saved = tmp_path / "my-data.html"
    download.save_as(saved)

    # Opened from Downloads, away from the app: a phone-sized browser with nothing of Dera's.
    reader = browser.new_context(viewport={"width": 360, "height": 740}, timezone_id="Europe/Tirane")
    requests = []
    reader.on("request", lambda request: requests.append(request.url))
    copy = reader.new_page()
    copy.goto(saved.as_uri())
    expect(copy.get_by_role("heading", level=1)).to_have_text(words["heading"])
    assert copy.locator("html").get_attribute("lang") == language
    expect(copy.get_by_text(words["when"])).to_be_visible()
    expect(copy.get_by_text(words["label"], exact=True)).to_be_visible()
    expect(copy.get_by_text(words["setback"], exact=True)).to_be_visible()
    expect(copy.get_by_text("Gjej një kurs rrobaqepësie")).to_be_visible()
    expect(copy.get_by_role("link", name="Dil shpejt" if language == "sq" else "Leave quickly")).to_be_visible()
    assert copy.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert axe_violations(copy) == []
    screenshot(copy, f"my-data-copy-{language}")
    assert requests == [saved.as_uri()], "the copy loads nothing from anywhere"
    reader.close()
