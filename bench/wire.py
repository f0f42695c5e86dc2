"""Bytes on the wire: what a phone downloads on its first visit, and what the service worker keeps.

``python -m bench.wire`` (or ``make bench-wire``) serves Dera with gunicorn on a scratch database
with the demo people, enrols a phone, and fetches, as a phone with an empty cache would, with
``Accept-Encoding: br, gzip``:

- the first load of each survivor page: the HTML, its stylesheet (together, the first render),
  its scripts, icons and manifest;
- the service worker and everything it downloads at install (the shell and the offline pages)
  and keeps for use offline (the public pages and the directory's JSON, fetched without cookies).

Each figure is the bytes that crossed the connection (status line, headers and the body as sent),
printed beside the same files sent uncompressed in the same run, and against the budgets: the
first render in the first round trip (14 KB), the first load in all at most 50 KB.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests

from .serve import Server, dera_env, enrolment_code, load_demo, scratch_database, sign_in_phone, unwind_on_sigterm

FIRST_RENDER_BUDGET = 14 * 1024
FIRST_LOAD_BUDGET = 50 * 1024
PAGES = {"Today": "/today", "My plan": "/plan", "Ask for help": "/help", "Services": "/services", "Contacts": "/contacts"}

_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
_SCRIPT = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')
_ICON = re.compile(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"')
_MANIFEST = re.compile(r'<link rel="manifest" href="([^"]+)"')
_CONFIG = re.compile(r"^const CONFIG = (\{.*\});$", re.MULTILINE)


@dataclass
class Transfer:
    """Bytes fetched for one purpose, compressed as served and uncompressed."""

    sent: int = 0
    plain: int = 0
    files: list[str] = field(default_factory=list)

    def add(self, other: "Transfer") -> None:
        self.sent += other.sent
        self.plain += other.plain
        self.files += other.files


def wire_bytes(response: requests.Response, body: bytes) -> int:
    """The status line, the headers and the body as they crossed the connection."""
    head = f"HTTP/1.1 {response.status_code} {response.reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in response.raw.headers.items()) + "\r\n"
    return len(head.encode("latin-1", "replace")) + len(body)


def fetch(session: requests.Session, url: str, cookies: bool = True) -> tuple[Transfer, str]:
    """One file as a phone gets it (``br, gzip``), and again uncompressed: its transfer and its text."""
    jar = session.cookies if cookies else None
    sent = requests.get(url, cookies=jar, headers={"Accept-Encoding": "br, gzip"}, stream=True, timeout=30, allow_redirects=False)
    raw = sent.raw.read(decode_content=False)
    plain = requests.get(url, cookies=jar, headers={"Accept-Encoding": "identity"}, timeout=30, allow_redirects=False)
    if sent.status_code != 200 or plain.status_code != 200:
        raise RuntimeError(f"{url} answers {sent.status_code}: the measurement would mean nothing")
    return Transfer(wire_bytes(sent, raw), wire_bytes(plain, plain.content), [url]), plain.content.decode("utf-8", "replace")


def first_load(session: requests.Session, base: str, path: str) -> tuple[Transfer, Transfer]:
    """(first render: the page and its stylesheets; the first load in all: with scripts, icons, manifest)."""
    page, html = fetch(session, base + path)
    render = Transfer()
    render.add(page)
    for href in _STYLESHEET.findall(html):
        render.add(fetch(session, urljoin(base + path, href))[0])
    everything = Transfer()
    everything.add(render)
    for href in _SCRIPT.findall(html) + _ICON.findall(html) + _MANIFEST.findall(html):
        everything.add(fetch(session, urljoin(base + path, href))[0])
    return render, everything


def service_worker(session: requests.Session, base: str) -> Transfer:
    """The worker and what it downloads and keeps: the shell, the offline pages, the public pages and data."""
    worker, source = fetch(session, base + "/sw.js")
    config = json.loads(_CONFIG.search(source).group(1))
    kept = Transfer()
    kept.add(worker)
    for url in [*config["shell"], *config["offline"].values()]:
        kept.add(fetch(session, urljoin(base, url))[0])
    for url in [*config["publicPages"], *config["publicData"]]:
        kept.add(fetch(session, urljoin(base, url), cookies=False)[0])
    return kept


def run(database_url: str | None, pages: dict[str, str] = PAGES) -> bool:
    with scratch_database(database_url) as (db_url, instance):
        env = dera_env(db_url, instance)
        demo = load_demo(env)
        with Server(env, workers=1, threads=1) as dera:
            phone = sign_in_phone(dera.url, enrolment_code(demo))
            session = requests.Session()
            session.cookies.update(phone.cookies)
            print(f"Bytes on the wire, Dera at {dera.url} (gunicorn), a phone with an empty cache, Accept-Encoding: br, gzip")
            print(f"{'':16} {'first render':>13} {'÷ 14 KB':>8} {'÷ plain':>8} {'first load':>11} {'÷ 50 KB':>8} {'÷ plain':>8}")
            ok = True
            for name, path in pages.items():
                render, everything = first_load(session, dera.url, path)
                within = render.sent <= FIRST_RENDER_BUDGET and everything.sent <= FIRST_LOAD_BUDGET
                ok &= within
                print(f"{name:16} {render.sent:13} {render.sent / FIRST_RENDER_BUDGET:8.2f} {render.sent / render.plain:8.2f}"
                      f" {everything.sent:11} {everything.sent / FIRST_LOAD_BUDGET:8.2f} {everything.sent / everything.plain:8.2f}"
                      + ("" if within else "  OVER BUDGET"))
            kept = service_worker(session, dera.url)
            print(f"\nService worker and what it keeps ({len(kept.files)} files): {kept.sent} bytes, "
                  f"{kept.sent / kept.plain:.2f} of {kept.plain} uncompressed")
            return ok


def main(argv: list[str]) -> int:
    unwind_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="Today only (to check the bench itself runs)")
    args = parser.parse_args(argv)
    import os

    pages = {"Today": PAGES["Today"]} if args.quick else PAGES
    return 0 if run(os.environ.get("DATABASE_URL"), pages) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
