"""Reminders at the push library's speed: Dera's worker processes against a bare pywebpush loop.

``python -m bench.reminders`` (or ``make bench-reminders``), in one run:

1. starts a local push service in its own process (it answers 201 and keeps
   what it receives), makes a VAPID key, and times a bare loop that encrypts
   and posts N messages with pywebpush, one after the other: the baseline;
2. for 1 and then 2 worker processes (``flask --app pwa worker``): makes N
   appointments that start within the hour for a set of people whose phones
   subscribe to that push service, so N reminders fall due at once, and
   times until every reminder has reached its phone;
3. decrypts everything the push service received and counts, per run,
   reminders that arrived twice (duplicates) or never (misses);
4. prints reminders per second and the ratios: each run ÷ the bare loop
   (target ≥ 0.70 for one process) and 2 workers ÷ 1 (target ≥ 1.7).

The database is ``DATABASE_URL`` (PostgreSQL or SQLite), migrated to the
latest schema; without it, a new SQLite database in a temporary folder. A
database that already has data keeps it: the bench adds its own organisation,
people and appointments and deletes them (with their reminders, messages and
the workers' heartbeats) at the end. Do not point it at a production
database: its workers send whatever else is due there too.

Exit status 0 when nothing was doubled or missed.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .serve import free_port

ROOT = Path(__file__).resolve().parent.parent
SUBJECT = "mailto:bench@dera.invalid"


# The push service, in its own process ----------------------------------------------------

def serve(port: int) -> None:
    """Answer 201 to every push message and keep it; GET /dump hands them over and forgets them."""
    received: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real push services allow

        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append((self.path, base64.b64encode(body).decode()))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):  # noqa: N802
            if self.path == "/count":
                data = json.dumps(len(received)).encode()
            else:
                data = json.dumps(received).encode()
                received.clear()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


class PushService:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, "-m", "bench.reminders", "serve", str(self.port)], cwd=ROOT)
        import requests

        self.http = requests.Session()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.count()
                return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("the push service did not start")

    def count(self) -> int:
        return self.http.get(f"{self.url}/count", timeout=5).json()

    def dump(self) -> list[tuple[str, bytes]]:
        return [(path, base64.b64decode(body)) for path, body in self.http.get(f"{self.url}/dump", timeout=60).json()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


class Phone:
    """A subscribed browser: its endpoint and the keys to read what reaches it."""

    def __init__(self, service_url: str):
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        self.token = secrets.token_urlsafe(12)
        self.endpoint = f"{service_url}/push/{self.token}"
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        raw = self.private_key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        self.p256dh = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        self.auth_b64 = base64.urlsafe_b64encode(self.auth).rstrip(b"=").decode()

    def info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth_b64}}

    def read(self, body: bytes) -> dict:
        import http_ece

        return json.loads(http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"))


# The baseline ----------------------------------------------------------------------------

def bare_loop(phones: list[Phone], count: int, key_file: str) -> float:
    """Seconds for a plain pywebpush loop to encrypt and post ``count`` messages like Dera's."""
    from py_vapid import Vapid
    from pywebpush import webpush

    vapid = Vapid.from_file(private_key_file=key_file)
    started = time.monotonic()
    for n in range(count):
        payload = json.dumps({"title": "Dera", "body": "Ke një kujtesë: sot, ora 14:30", "url": f"/appointments/{n}", "tag": f"reminder-{n}", "id": n})
        webpush(
            phones[n % len(phones)].info(), data=payload, vapid_private_key=vapid, vapid_claims={"sub": SUBJECT},
            content_encoding="aes128gcm", ttl=3600, headers={"Urgency": "high"}, timeout=10,
        )
    return time.monotonic() - started


# Dera ------------------------------------------------------------------------------------

class Bench:
    """The bench's own organisation, people and phones in Dera's database, and their cleaning up."""

    def __init__(self, env: dict, phones: list[Phone]):
        os.environ.update(env)
        from pwa import create_app

        self.app = create_app()
        self.phones = phones
        self.organisation_id: int | None = None
        self.workers: list[str] = []

    def migrate(self) -> None:
        from flask_migrate import upgrade

        with self.app.app_context():
            upgrade()

    def setup_people(self) -> None:
        from pwa.extensions import db
        from pwa.models import Organisation, PushSubscription, Role, Staff, Survivor, utcnow

        with self.app.app_context():
            organisation = Organisation(name=f"bench-reminders-{secrets.token_hex(4)}")
            manager = Staff(organisation=organisation, username=f"bench-{secrets.token_hex(6)}", first_name="Bench",
                            role=Role.CASE_MANAGER, password_hash="!")
            db.session.add_all([organisation, manager])
            people = [Survivor(organisation=organisation, case_manager=manager, nickname=f"bench-{n}") for n in range(len(self.phones))]
            db.session.add_all(people)
            db.session.flush()
            for person, phone in zip(people, self.phones):
                db.session.add(PushSubscription(survivor_id=person.id, endpoint=phone.endpoint, p256dh=phone.p256dh, auth=phone.auth_b64, created_at=utcnow()))
            db.session.commit()
            self.organisation_id = organisation.id

    def make_due(self, count: int) -> dict[int, int]:
        """``count`` appointments starting within the hour, so their reminders are due now; appointment id → phone."""
        from sqlalchemy import select

        from pwa.appointments.services import sync_reminders
        from pwa.extensions import db
        from pwa.models import Appointment, Survivor, utcnow

        with self.app.app_context():
            now = utcnow()
            people = list(db.session.scalars(select(Survivor).where(Survivor.organisation_id == self.organisation_id).order_by(Survivor.id)))
            made = []
            for n in range(count):
                person = people[n % len(people)]
                # Made as if scheduled a day ago, so the reminder rows are queued and fall due now.
                appointment = Appointment(survivor=person, created_by_id=person.case_manager_id, starts_at=now + timedelta(minutes=50 + n % 10),
                                          title="Takim", place="Zyra", created_at=now, updated_at=now)
                db.session.add(appointment)
                sync_reminders(db.session, appointment, [timedelta(hours=2)], now - timedelta(days=1))
                made.append((appointment, n % len(people)))
            db.session.flush()
            due = {appointment.id: phone for appointment, phone in made}  # read before the commit expires them
            db.session.commit()  # the reminders fall due now: the clock starts when this returns
            return due

    def heartbeats(self) -> set[str]:
        from sqlalchemy import select

        from pwa.extensions import db
        from pwa.models import WorkerHeartbeat

        with self.app.app_context():
            return set(db.session.scalars(select(WorkerHeartbeat.worker)))

    def clean(self) -> None:
        """Delete what the bench made: its organisation (people, appointments, reminders, subscriptions, messages go with it)."""
        from sqlalchemy import delete, select

        from pwa.extensions import db
        from pwa.models import Appointment, Organisation, PushSubscription, Staff, Survivor, WorkerHeartbeat

        if self.organisation_id is None:
            return
        with self.app.app_context():
            people = select(Survivor.id).where(Survivor.organisation_id == self.organisation_id)
            db.session.execute(delete(PushSubscription).where(PushSubscription.survivor_id.in_(people)))
            db.session.execute(delete(Appointment).where(Appointment.survivor_id.in_(people)))
            db.session.execute(delete(Survivor).where(Survivor.organisation_id == self.organisation_id))
            db.session.execute(delete(Staff).where(Staff.organisation_id == self.organisation_id))
            db.session.execute(delete(Organisation).where(Organisation.id == self.organisation_id))
            if self.workers:
                db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker.in_(self.workers)))
            db.session.commit()
            db.engine.dispose()


def run_workers(bench: Bench, service: PushService, env: dict, workers: int, count: int, say) -> tuple[float, int, int]:
    """Start ``workers`` worker processes, make ``count`` reminders due, time until all have arrived."""
    before = bench.heartbeats()
    processes = [
        subprocess.Popen([sys.executable, "-m", "flask", "--app", "pwa", "worker", "--interval", "0.2"], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL, start_new_session=True)
        for _ in range(workers)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(bench.heartbeats() - before) < workers:  # every worker is up and has done a round
            if time.monotonic() > deadline or any(process.poll() is not None for process in processes):
                raise RuntimeError("the workers did not start")
            time.sleep(0.1)
        bench.workers += sorted(bench.heartbeats() - before)
        service.dump()  # start from an empty push service
        appointments = bench.make_due(count)
        started = time.monotonic()
        deadline = started + max(120, count / 5)
        while service.count() < count and time.monotonic() < deadline:
            time.sleep(0.02)
        elapsed = time.monotonic() - started
        time.sleep(1.5)  # anything sent twice arrives now
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait()
    seen: dict[int, int] = {}
    phones = {phone.token: phone for phone in bench.phones}
    for path, body in service.dump():
        message = phones[path.rsplit("/", 1)[1]].read(body)
        appointment = int(message["url"].rsplit("/", 1)[1])
        seen[appointment] = seen.get(appointment, 0) + 1
    duplicates = sum(times - 1 for appointment, times in seen.items() if appointment in appointments)
    misses = sum(1 for appointment in appointments if appointment not in seen)
    say(f"  {workers} worker process(es): {count} reminders in {elapsed:.2f} s, {duplicates} duplicates, {misses} misses")
    return elapsed, duplicates, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="reminders per run (default 1000)")
    parser.add_argument("--phones", type=int, default=50, help="people (each with one subscribed phone)")
    args = parser.parse_args(argv)

    def say(line: str) -> None:
        print(line, flush=True)

    from pwa.push.keys import make_key_file

    folder = Path(tempfile.mkdtemp(prefix="dera-bench-reminders-"))
    key_file = folder / "vapid.pem"
    make_key_file(key_file)
    env = dict(os.environ, DERA_VAPID_PRIVATE_KEY_FILE=str(key_file), DERA_VAPID_SUBJECT=SUBJECT, FLASK_DEBUG="0")
    if not env.get("DATABASE_URL"):
        env["DERA_INSTANCE_PATH"] = str(folder)  # a new SQLite database, and keys, in the temporary folder
        say(f"database: a new SQLite database in {folder}")
    else:
        say("database: DATABASE_URL (its data is kept; the bench deletes only what it made)")
    service = PushService()
    phones = [Phone(service.url) for _ in range(args.phones)]
    bench = Bench(env, phones)
    status = 1
    try:
        bench.migrate()
        bench.setup_people()
        say(f"{args.count} reminders to {args.phones} phones through a local push service at {service.url}")
        bare = bare_loop(phones, args.count, str(key_file))
        service.dump()
        say(f"  bare pywebpush loop: {args.count} messages in {bare:.2f} s")
        one, dup1, miss1 = run_workers(bench, service, env, 1, args.count, say)
        two, dup2, miss2 = run_workers(bench, service, env, 2, args.count, say)
        rate = {name: args.count / seconds for name, seconds in (("bare", bare), ("one", one), ("two", two))}
        say("")
        say(f"{'':28}{'per second':>12}{'ratio':>10}{'target':>10}")
        say(f"{'bare pywebpush loop':28}{rate['bare']:12.1f}{1:10.2f}")
        say(f"{'Dera, 1 worker process':28}{rate['one']:12.1f}{rate['one'] / rate['bare']:10.2f}{'≥ 0.70':>10}")
        say(f"{'Dera, 2 worker processes':28}{rate['two']:12.1f}{rate['two'] / rate['bare']:10.2f}")
        say(f"{'2 workers ÷ 1':28}{'':12}{rate['two'] / rate['one']:10.2f}{'≥ 1.70':>10}")
        say(f"duplicates {dup1 + dup2}, misses {miss1 + miss2} (both must be 0)")
        status = 0 if dup1 + dup2 + miss1 + miss2 == 0 else 1
    finally:
        bench.clean()
        service.stop()
        for path in sorted(folder.glob("**/*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        folder.rmdir()
    return status


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        sys.exit(main())
