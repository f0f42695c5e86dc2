"""Pages under load: Dera's survivor and staff pages against a bare Flask "hello", in one run.

``python -m bench.pages`` (or ``make bench-pages``) serves both with gunicorn (2 sync workers by
default), loads them with ``wrk`` at 1, 16 and 64 connections, and prints each page's throughput
as a ratio to hello's at the same concurrency, with its 95th-percentile latency. Ratios, because a
shared two-core box is noisy: both are measured side by side, in the same minute.

The database is a scratch one (SQLite, or a new database on the PostgreSQL server named by
``DATABASE_URL``) with the demo people; ``--url`` measures a running deployment instead
(e.g. nginx + gunicorn + PostgreSQL) with the demo's staff accounts there (survivor pages need an
enrolled phone, so they are measured only on the scratch database).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

import requests

from .serve import Server, authenticator_key, dera_env, enrolment_code, load_demo, scratch_database, sign_in_phone, sign_in_staff, unwind_on_sigterm

HERE = Path(__file__).resolve().parent
SURVIVOR_PAGES = {"Today": "/today", "My plan": "/plan", "Services": "/services", "Contacts": "/contacts", "Ask for help": "/help"}
STAFF_PAGES = {"Caseload (case manager)": ("arta", "/console/"), "Inbox (case manager)": ("arta", "/console/inbox"),
               "Caseload (supervisor)": ("drita", "/console/"), "Inbox (supervisor)": ("drita", "/console/inbox")}
PASSWORDS = {"arta": "arta-demo-2026", "drita": "drita-demo-2026"}


def wrk(url: str, connections: int, seconds: int, cookies: dict | None = None) -> dict:
    """One wrk run; its summary as a dict (rps, p50, p95, p99 in ms, requests, errors)."""
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(HERE / "wrk_report.lua")]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    command += ["-H", "Accept-Encoding: br, gzip", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(base_url: str, hello_url: str, phone_cookies: dict, staff_cookies: dict, levels: list[int], seconds: int, say=print) -> list[dict]:
    rows = []
    for connections in levels:
        floor = wrk(hello_url + "/", connections, seconds)
        say(f"\n{connections} connection(s): hello {floor['rps']:.0f} requests/s, p95 {floor['p95']:.1f} ms")
        say(f"{'page':28} {'req/s':>8} {'÷ hello':>8} {'p95 ms':>8} {'errors':>7}")
        pages = [(name, path, phone_cookies) for name, path in SURVIVOR_PAGES.items() if phone_cookies]
        pages += [(name, path, staff_cookies[who]) for name, (who, path) in STAFF_PAGES.items()]
        for name, path, cookies in pages:
            answer = requests.get(base_url + path, cookies=cookies, allow_redirects=False, timeout=30)
            if answer.status_code != 200:
                raise RuntimeError(f"{path} answers {answer.status_code}, not a page: the measurement would mean nothing")
            result = wrk(base_url + path, connections, seconds, cookies)
            row = {"page": name, "connections": connections, **result, "ratio": result["rps"] / floor["rps"]}
            rows.append(row)
            say(f"{name:28} {result['rps']:8.0f} {row['ratio']:8.2f} {result['p95']:8.1f} {result['errors']:7}")
    return rows


def run(levels: list[int], seconds: int, workers: int, database_url: str | None, url: str | None, totp_keys: str = "") -> list[dict]:
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed (Debian package wrk)")
    with scratch_database(database_url) as (db_url, instance):
        env = dera_env(db_url, instance)
        demo = load_demo(env) if url is None else None
        with Server(env, app="bench.hello:app", ready="/", workers=workers, threads=1) as hello:
            if url is None:
                dera = Server(env, workers=workers, threads=1)
                dera.start()
                base = dera.url
            else:
                dera, base = None, url.rstrip("/")
            try:
                phone = sign_in_phone(base, enrolment_code(demo)) if demo else None
                keys = {who: authenticator_key(demo or totp_keys, who) for who in PASSWORDS}
                staff = {who: sign_in_staff(base, who, PASSWORDS[who], keys[who]) for who in PASSWORDS}
                print(f"Dera at {base} ({'gunicorn, %d sync workers' % workers if dera else 'a running deployment'}), "
                      f"hello under gunicorn with {workers} sync workers, {seconds} s per measurement")
                return measure(base, hello.url, phone.cookies if phone else {}, staff, levels, seconds)
            finally:
                if dera:
                    dera.kill()


def main(argv: list[str]) -> int:
    unwind_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", default="1,16,64", help="comma-separated concurrency levels")
    parser.add_argument("--seconds", type=int, default=5, help="length of each measurement")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers for Dera and for hello")
    parser.add_argument("--url", help="measure a running Dera (its demo accounts) instead of starting one")
    parser.add_argument("--supervisor-key", default="", help="with --url: the demo supervisor's authenticator key, as the demo printed it")
    parser.add_argument("--quick", action="store_true", help="a short run (1 connection, 1 second each) to check that it works")
    args = parser.parse_args(argv)
    if args.quick:
        args.connections, args.seconds = "1", 1
    import os

    keys = f"drita ... set up with the key {args.supervisor_key}" if args.supervisor_key else ""
    run([int(c) for c in args.connections.split(",")], args.seconds, args.workers, os.environ.get("DATABASE_URL"), args.url, keys)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
