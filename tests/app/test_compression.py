"""Responses are compressed, except where a secret sits beside text a stranger could choose (BREACH)."""
import gzip

import brotli
import pytest


@pytest.mark.parametrize("encoding,decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_public_pages_are_compressed_as_the_browser_asks(client, org, encoding, decode):
    response = client.get("/contacts", headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert b"tel:112" in decode(response.get_data())


def test_a_signed_in_page_without_a_query_is_compressed(client, people, login_as):
    login_as(people.lulja)
    response = client.get("/today", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert b"help-queue" in brotli.decompress(response.get_data())


def test_a_page_with_a_token_and_a_query_is_not_compressed(client, people, login_as):
    login_as(people.lulja)
    response = client.get("/services?q=qwertyuiop", headers={"Accept-Encoding": "br, gzip"})
    assert "Content-Encoding" not in response.headers
    assert b"qwertyuiop" in response.get_data() and b"help-queue" in response.get_data()


def test_static_files_are_compressed(client, org):
    response = client.get("/static/css/dera.css", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert b"{" in brotli.decompress(response.get_data())
