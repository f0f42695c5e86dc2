"""Responses are compressed, except where a secret sits beside text a stranger could choose (BREACH)."""
import gzip
from pathlib import Path

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


@pytest.mark.parametrize("encoding,decode", [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_static_files_are_compressed_once_at_the_best_level(app, client, org, encoding, decode):
    original = (Path(app.static_folder) / "vendor/htmx-2.0.11/htmx.min.js").read_bytes()
    first = client.get("/static/vendor/htmx-2.0.11/htmx.min.js", headers={"Accept-Encoding": f"{encoding}, identity"})
    again = client.get("/static/vendor/htmx-2.0.11/htmx.min.js", headers={"Accept-Encoding": encoding})
    assert first.headers["Content-Encoding"] == encoding and decode(first.get_data()) == original
    assert again.get_data() == first.get_data()
    best = brotli.compress(original, quality=11) if encoding == "br" else gzip.compress(original, compresslevel=9, mtime=0)
    assert len(first.get_data()) == len(best)
    assert first.headers["ETag"].endswith(f'-{encoding}"')


def test_static_files_go_uncompressed_to_a_client_that_asks_so(client, org):
    response = client.get("/static/css/dera.css", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers and b"{" in response.get_data()
