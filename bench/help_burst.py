"""Help requests under fire: a concurrent burst with repeated keys, and a server killed in the middle.

``python -m bench.help_burst`` (or ``make bench-help``):

1. makes a fresh database (SQLite in a temporary folder, or a new database on
   the PostgreSQL server named by ``DATABASE_URL``, dropped afterwards), loads
   the demo people and serves Dera with gunicorn as a separate process;
2. enrols a phone over HTTP, as a person would, and fires a burst of help
   requests from many threads: every key is sent several times, half through
   the phone's offline queue (``/help/queue``) and half through the form;
3. kills the server with SIGKILL while the burst is in flight, starts it again,
   and sends every request that was not acknowledged again, with the same key,
   as the phone's queue would;
4. sends as many fresh requests again, uninterrupted, and times them against a
   bare Flask hello served by the same gunicorn from as many threads (the ratio);
5. checks the database: every acknowledged request is there exactly once, with
   the id the server acknowledged, and there is one request per key, no more.

Exit status 0 when all holds. A server named by ``DATABASE_URL`` keeps what it
already holds: the run uses a database of its own there.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from .serve import Phone, Server, dera_env, enrolment_code, load_demo, refresh_phone, scratch_database, sign_in_phone, unwind_on_sigterm
ANSWERS = {"setback": "money_or_job", "urgency": "now", "contact": "call", "note": "burst"}


@dataclass
class Outcome:
    """What the burst saw: acknowledged ids per key, and the submissions never acknowledged."""

    acknowledged: dict[str, set[int]] = field(default_factory=dict)
    unacknowledged: list[tuple[str, str]] = field(default_factory=list)
    answered: int = 0
    calm_seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def done(self) -> int:
        return self.answered + len(self.unacknowledged)

    def record(self, key: str, request_id: int | None, via: str) -> None:
        with self.lock:
            if request_id is not None:
                self.answered += 1
            if request_id is None:
                self.unacknowledged.append((key, via))
            else:
                self.acknowledged.setdefault(key, set()).add(request_id)


def submit(phone: Phone, key: str, via: str, timeout: float = 30) -> int | None:
    """Send one help request; the id the server acknowledged, or None (no answer, or an error)."""
    try:
        if via == "queue":
            response = requests.post(
                f"{phone.base_url}/help/queue", json={**ANSWERS, "key": key, "token": phone.queue_token},
                cookies=phone.cookies, timeout=timeout,
            )
            return response.json()["id"] if response.status_code in (200, 201) else None
        response = requests.post(
            f"{phone.base_url}/help", data={**ANSWERS, "key": key, "csrf_token": phone.csrf},
            cookies=phone.cookies, timeout=timeout, allow_redirects=False,
        )
        match = re.search(r"/help/requests/(\d+)$", response.headers.get("Location", ""))
        return int(match.group(1)) if response.status_code == 303 and match else None
    except (requests.RequestException, ValueError):
        return None


def plan(keys: int, repeats: int, seed: int = 5) -> list[tuple[str, str]]:
    """``keys`` fresh keys, each sent ``repeats`` times, alternately by the queue and the form, shuffled."""
    made = [str(uuid.uuid4()) for _ in range(keys)]
    submissions = [(key, "queue" if n % 2 == 0 else "form") for key in made for n in range(repeats)]
    random.Random(seed).shuffle(submissions)
    return submissions


def fire(phone: Phone, submissions, workers: int, outcome: Outcome | None = None, start_together: bool = True) -> Outcome:
    """Send every submission from ``workers`` threads at once; record what was acknowledged."""
    outcome = outcome or Outcome()
    barrier = threading.Barrier(min(workers, len(submissions))) if start_together else None

    def one(numbered):
        n, (key, via) = numbered
        # The first submission of each thread waits for the others; later ones (fewer than the
        # threads at the end) would wait for a party that never comes.
        if barrier is not None and n < barrier.parties:
            try:
                barrier.wait(timeout=30)
            except threading.BrokenBarrierError:
                pass
        outcome.record(key, submit(phone, key, via), via)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, enumerate(submissions)))
    return outcome


def check(database_url: str, outcome: Outcome, keys: set[str]) -> list[str]:
    """Problems found in the database: none when every acknowledged request is there exactly once."""
    from sqlalchemy import create_engine, text

    from pwa.config import database_url as normalise

    engine = create_engine(normalise(database_url) or database_url)
    with engine.connect() as connection:
        # Only the burst phone's requests (the demo data has others).
        rows = connection.execute(
            text("SELECT h.id, h.idempotency_key FROM help_request h JOIN survivor s ON s.id = h.survivor_id WHERE s.nickname = 'Lulja'")
        ).all()
    engine.dispose()
    problems = []
    by_key: dict[str, list[int]] = {}
    for request_id, key in rows:
        by_key.setdefault(key, []).append(request_id)
    for key, ids in by_key.items():
        if len(ids) > 1:
            problems.append(f"key {key} stored {len(ids)} times")
    for key, acknowledged in outcome.acknowledged.items():
        if len(acknowledged) > 1:
            problems.append(f"key {key} acknowledged with different ids {sorted(acknowledged)}")
        if set(by_key.get(key, [])) != acknowledged:
            problems.append(f"key {key}: acknowledged {sorted(acknowledged)}, stored {by_key.get(key)}")
    if set(by_key) != keys:
        problems.append(f"{len(by_key)} keys stored, {len(keys)} sent")
    return problems


def _burst_and_restart(server: Server, enrolment: str, keys: int, repeats: int, workers: int, kill_at: float, say):
    """Fire the burst, SIGKILL the server part-way, restart it and send again what was not acknowledged."""
    server.start()
    phone = sign_in_phone(server.url, enrolment)

    submissions = plan(keys, repeats)
    total = len(submissions)
    say(f"{total} submissions of {keys} keys ({repeats} each) from {workers} threads against gunicorn at {server.url}")
    outcome = Outcome()

    def killer():
        while outcome.done < total * kill_at:
            time.sleep(0.005)
        server.kill()
        say(f"SIGKILL after {outcome.answered} acknowledged submissions ({time.monotonic() - started:.1f} s)")

    started = time.monotonic()
    watcher = threading.Thread(target=killer, daemon=True)
    watcher.start()
    fire(phone, submissions, workers, outcome, start_together=False)
    watcher.join()
    say(f"burst over: {outcome.answered} acknowledged, {len(outcome.unacknowledged)} without an answer")

    server.start()
    phone = refresh_phone(server.url, phone.cookies)
    pending = sorted({key for key, _via in outcome.unacknowledged} - set(outcome.acknowledged))
    replays = [(key, "queue") for key in pending]
    # Replays of requests already acknowledged must find the same request.
    replays += [(key, "form") for key in list(outcome.acknowledged)[:10]]
    fire(phone, replays, workers, outcome)

    # The pace of help requests nobody interrupts, with fresh keys (also checked below).
    calm = plan(keys, 1)
    submissions += calm
    started = time.monotonic()
    fire(phone, calm, workers, outcome)
    outcome.calm_seconds = time.monotonic() - started
    return outcome, submissions, pending


def hello_seconds(env: dict, count: int, workers: int) -> float:
    """Seconds for ``count`` requests to a bare Flask hello under the same gunicorn, from as many threads: the baseline."""
    with Server(env, app="bench.hello:app", ready="/") as hello:
        http = requests.Session()
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda _: http.get(hello.url + "/", timeout=30).raise_for_status(), range(count)))
        return time.monotonic() - started


def run(keys: int = 100, repeats: int = 4, workers: int = 32, kill_at: float = 0.4, database_url: str | None = None, quiet: bool = False) -> bool:
    """The whole experiment; True when no acknowledged request was lost or doubled."""
    say = (lambda *a: None) if quiet else print
    with scratch_database(database_url) as (url, instance):
        env = dera_env(url, instance)
        enrolment = enrolment_code(load_demo(env))
        server = Server(env)
        try:
            outcome, submissions, pending = _burst_and_restart(server, enrolment, keys, repeats, workers, kill_at, say)
        finally:
            server.kill()
        problems = check(url, outcome, {key for key, _via in submissions})
        say(f"after the restart: {len(pending)} keys sent again; {len(outcome.acknowledged)} keys acknowledged in all")
        floor = hello_seconds(env, keys, workers)
        say(f"help requests uninterrupted: {keys / outcome.calm_seconds:.0f} per second; a bare Flask hello: {keys / floor:.0f} per second;"
            f" ratio {floor / outcome.calm_seconds:.2f}")
        for problem in problems:
            say("PROBLEM:", problem)
        say("every acknowledged request is stored exactly once" if not problems else f"{len(problems)} problems")
        return not problems


def main(argv: list[str]) -> int:
    unwind_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", type=int, default=100, help="distinct requests (idempotency keys)")
    parser.add_argument("--repeats", type=int, default=4, help="times each key is sent")
    parser.add_argument("--workers", type=int, default=32, help="concurrent threads")
    parser.add_argument("--kill-at", type=float, default=0.4, help="SIGKILL the server after this share of the burst")
    parser.add_argument("--quick", action="store_true", help="a short run (10 keys, twice each, 4 threads) to check that it works")
    args = parser.parse_args(argv)
    if args.quick:
        args.keys, args.repeats, args.workers = 10, 2, 4
    ok = run(args.keys, args.repeats, args.workers, args.kill_at, os.environ.get("DATABASE_URL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
