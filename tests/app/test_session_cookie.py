"""The session cookie: its signature checked once per process, and never trusted beyond what Flask would trust."""
import time
from datetime import timedelta

import pytest
from flask import request

from tests import factories


def _cookie(client):
    return client.get_cookie("dera_session", domain="dera.test")


def _inbox_with(app, value: str) -> int:
    browser = app.test_client()
    browser.set_cookie("dera_session", value, domain="dera.test")
    return browser.get("/console/inbox").status_code


def test_a_cookie_read_before_is_still_checked_byte_for_byte(app, client, people):
    factories.sign_in_staff(client, people.arta)
    value = _cookie(client).value
    assert _inbox_with(app, value) == 200
    payload, signature = value.rsplit(".", 1)
    changed = "A" if signature[0] != "A" else "B"
    for forged in (f"{payload}.{changed}{signature[1:]}", value + "A", value[:-1], value.replace(".", "..", 1)):
        assert _inbox_with(app, forged) == 302


def test_a_cookie_read_before_expires_with_the_session_lifetime(app, client, people):
    factories.sign_in_staff(client, people.arta)
    value = _cookie(client).value
    assert _inbox_with(app, value) == 200
    app.permanent_session_lifetime = timedelta(seconds=1)
    time.sleep(2.1)
    assert _inbox_with(app, value) == 302


def test_a_cookie_read_before_is_checked_again_when_the_keys_change(app, client, people):
    factories.sign_in_staff(client, people.arta)
    value = _cookie(client).value
    assert _inbox_with(app, value) == 200
    old_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = app.secret_key = "a-brand-new-secret-key-0123456789-abcdefgh"
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert _inbox_with(app, value) == 200
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert _inbox_with(app, value) == 302


def test_each_request_gets_its_own_copy_of_the_session(app, client, people):
    factories.sign_in_staff(client, people.arta)
    value = _cookie(client).value
    interface = app.session_interface
    with app.test_request_context(headers={"Cookie": f"dera_session={value}"}):
        first = interface.open_session(app, request)
        first["next"] = "/elsewhere"
        second = interface.open_session(app, request)
    assert second.get("next") != "/elsewhere" and dict(second) != dict(first)
    assert not second.modified


@pytest.mark.parametrize("user_id", [
    "survivor:{id}", "survivor:{id}:", "survivor: {id}:{token}", "survivor:+{id}:{token}", "survivor:١:{token}",
    "staff:{id}:{token}", "admin:{id}:{token}", "survivor:{id}:{token}x", ":{id}:{token}", "",
])
def test_a_signed_session_naming_no_one_signs_no_one_in(app, people, user_id):
    """Even signed with the app's key (as after a leak of an old cookie), a session is only as good as its account's token."""
    survivor = people.lulja
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": user_id.format(id=survivor.id, token=survivor.session_token), "_fresh": True}
    )
    browser = app.test_client()
    browser.set_cookie("dera_session", value, domain="dera.test")
    assert browser.get("/today").status_code == 302


def test_a_signed_session_with_her_token_signs_her_in(app, people):
    survivor = people.lulja
    value = app.session_interface.get_signing_serializer(app).dumps({"_user_id": f"survivor:{survivor.id}:{survivor.session_token}", "_fresh": True})
    browser = app.test_client()
    browser.set_cookie("dera_session", value, domain="dera.test")
    assert browser.get("/today").status_code == 200
