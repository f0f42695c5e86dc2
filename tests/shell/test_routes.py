"""The manifest, the service worker script and the offline page."""
import json

import pytest

from pwa.extensions import db


def test_manifest_is_valid_and_neutral(client, org):
    response = client.get("/manifest.webmanifest")
    assert response.headers["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    assert manifest["name"] == "Dera" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_manifest_uses_the_organisation_name(client, org):
    org.app_name = "Kalendari"
    db.session.commit()
    assert json.loads(client.get("/manifest.webmanifest").get_data(as_text=True))["name"] == "Kalendari"


def test_every_page_links_the_manifest(client, org):
    assert '<link rel="manifest" href="/manifest.webmanifest">' in client.get("/login").get_data(as_text=True)


def test_service_worker_is_served_at_the_root_and_never_stale(client, org):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"
    body = response.get_data(as_text=True)
    assert "dera-shell-" in body and "/static/css/dera.css?v=" in body


def test_service_worker_version_follows_the_shell_files(app, client, org, tmp_path):
    from pwa.shell import routes

    first = routes.shell_version()
    original = routes.SHELL_ASSETS
    routes.SHELL_ASSETS = original[:-1]
    try:
        assert routes.shell_version() != first
    finally:
        routes.SHELL_ASSETS = original


@pytest.mark.parametrize("lang,heading", [("sq", "Pa internet"), ("en", "No internet")])
def test_offline_page_in_each_language_has_the_emergency_numbers(client, org, lang, heading):
    html = client.get(f"/offline?lang={lang}").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in html and 'href="tel:112"' in html


def test_contacts_are_public_and_show_nothing_personal(client, people):
    html = client.get("/contacts").get_data(as_text=True)
    assert 'href="tel:112"' in html and "069 000 0001" not in html


def test_contacts_show_the_case_managers_number_when_signed_in(client, people, login_as):
    login_as(people.lulja)
    assert "069 000 0001" in client.get("/contacts").get_data(as_text=True)


def test_pages_say_their_language(client, org):
    assert client.get("/login").headers["Content-Language"] == "sq"
