"""Reminders at the push library's speed: Dera's worker processes against a bare pywebpush loop.

``python -m bench.reminders`` (or ``make bench-reminders``), in one run:

1. starts a local push service in its own process (asyncio, doing as little
   as it can per message: it answers 201 and keeps what it receives), makes a VAPID key, and times bare loops that
   encrypt and post N messages with pywebpush, one after the other, over one
   kept-alive connection as Dera does: in one process, then split over two
   processes at once (the same cores the two workers get): the baselines;
2. for 1 and then 2 worker processes (``flask --app pwa worker``, at their
   default interval, as deployed): makes N appointments that start within the
   hour for a set of people whose phones subscribe to that push service, so N
   reminders fall due at once while the workers wait, and times until every
   reminder has reached its phone;
3. decrypts everything the push service received and counts, per run,
   reminders that arrived twice (duplicates) or never (misses);
4. prints reminders per second and the ratios: each run ÷ the bare loop in as
   many processes (target ≥ 0.70 per process) and 2 workers ÷ 1 (target ≥ 1.7);
   and, because a shared machine lends its cores unevenly, the processor time
   per message of each (the workers' read from /proc) and its ratio, and how
   many cores the workers kept busy (their processor time ÷ the run's);
5. starts one worker with its default interval (``DERA_WORKER_INTERVAL``, 15 s)
   and, while it waits, asks for help a few times, one after the other: the
   seconds from each request's commit to its push reaching the case manager's
   phone, and their ratio to the interval (without the worker's wake-up, a push
   would wait up to the whole interval).

The database is a scratch one, made for the run and removed after it, even
after a failure or Ctrl-C: a SQLite file in a temporary folder, or, when
``DATABASE_URL`` names a PostgreSQL server, a new database on that server (a
server that already holds data keeps it untouched).

Exit status 0 when nothing was doubled or missed and every help request's push arrived.
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import json
import multiprocessing
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from .serve import dera_env, flask, free_port, scratch_database, unwind_on_sigterm

ROOT = Path(__file__).resolve().parent.parent
SUBJECT = "mailto:bench@dera.invalid"


# The push service, in its own process ----------------------------------------------------

class _PushEndpoint:
    """One connection to the push service: HTTP/1.1 with keep-alive, as little work per message as can be.

    Python's HTTP servers cost a good part of a core at a thousand messages a second, and the
    service shares the machine with what it measures; this reads only the request line and
    ``Content-Length``, keeps the body as it came, and answers 201.
    """

    received: list[tuple[str, bytes]] = []
    arrived: list[float] = []  # when each was received (the machine's monotonic clock, which the bench reads too)

    def __init__(self):
        self.buffer = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            length = next((int(line.split(":", 1)[1]) for line in head[1:] if line.lower().startswith("content-length:")), 0)
            if len(self.buffer) < end + 4 + length:
                return
            method, path = head[0].split(" ")[:2]
            body, self.buffer = self.buffer[end + 4:end + 4 + length], self.buffer[end + 4 + length:]
            if method == "POST":
                self.received.append((path, body))
                self.arrived.append(time.monotonic())
                self.transport.write(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
                continue
            if path == "/count":
                answer = json.dumps(len(self.received)).encode()
            elif path.startswith("/arrived/"):
                n = int(path.rsplit("/", 1)[1])
                answer = json.dumps(self.arrived[n - 1] if len(self.arrived) >= n else None).encode()
            else:
                answer = json.dumps([(where, base64.b64encode(what).decode()) for where, what in self.received]).encode()
                self.received.clear()
                self.arrived.clear()
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(answer), answer))

    def connection_lost(self, exc) -> None:
        pass

    def eof_received(self):
        return None


def serve(port: int) -> None:
    """Answer 201 to every push message and keep it; GET /count says how many, GET /arrived/N when the N-th came,
    GET /dump hands them over and forgets them."""
    import asyncio

    async def main():
        server = await asyncio.get_running_loop().create_server(_PushEndpoint, "127.0.0.1", port, backlog=512)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


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
        self.stop()
        raise RuntimeError("the push service did not start")

    def count(self) -> int:
        return self.http.get(f"{self.url}/count", timeout=5).json()

    def arrived(self, n: int) -> float | None:
        """When the ``n``-th message since the last dump arrived (``time.monotonic()``, the same clock in every process here)."""
        return self.http.get(f"{self.url}/arrived/{n}", timeout=5).json()

    def dump(self) -> list[tuple[str, bytes]]:
        return [(path, base64.b64decode(body)) for path, body in self.http.get(f"{self.url}/dump", timeout=60).json()]

    def cpu(self) -> float:
        """Processor seconds the push service has used (it must stay far from a whole core, or it is what is measured)."""
        return _cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
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

def _bare_loop(infos: list[dict], first: int, count: int, key_file: str, start, results) -> None:
    """One process of the baseline: ``count`` messages like Dera's, encrypted and posted one after the other."""
    import requests
    from py_vapid import Vapid
    from pywebpush import webpush

    vapid = Vapid.from_file(private_key_file=key_file)
    http = requests.Session()  # one kept-alive connection, as Dera keeps its connections to a push service
    start.wait()
    started, cpu = time.monotonic(), time.process_time()
    for n in range(first, first + count):
        payload = json.dumps({"title": "Dera", "body": "Ke një kujtesë: sot, ora 14:30", "url": f"/appointments/{n}", "tag": f"reminder-{n}", "id": n})
        webpush(
            infos[n % len(infos)], data=payload, vapid_private_key=vapid, vapid_claims={"sub": SUBJECT},
            content_encoding="aes128gcm", ttl=3600, headers={"Urgency": "high"}, timeout=10, requests_session=http,
        )
    results.put((time.monotonic() - started, time.process_time() - cpu))


def _cpu_seconds(pid: int) -> float:
    """Processor time a process has used so far (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bare_loop(phones: list["Phone"], count: int, key_file: str, processes: int = 1) -> tuple[float, float]:
    """Seconds for ``processes`` fresh processes, started together, to send ``count`` messages between them; and their processor seconds."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(processes), context.Queue()
    infos = [phone.info() for phone in phones]
    share = count // processes
    workers = [
        context.Process(target=_bare_loop, args=(infos, n * share, share if n < processes - 1 else count - n * share, key_file, start, results))
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    try:
        answers = [results.get(timeout=max(120, count / 5)) for _ in workers]
        return max(seconds for seconds, _ in answers), sum(cpu for _, cpu in answers)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()


# Dera ------------------------------------------------------------------------------------

class Bench:
    """The bench's organisation, people and phones in the scratch database."""

    def __init__(self, env: dict, phones: list[Phone], manager_phone: Phone):
        os.environ.update(env)
        from pwa import create_app

        self.app = create_app()
        self.phones, self.manager_phone = phones, manager_phone
        self.organisation_id: int | None = None

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
            phone = self.manager_phone
            db.session.add(PushSubscription(staff_id=manager.id, endpoint=phone.endpoint, p256dh=phone.p256dh, auth=phone.auth_b64, created_at=utcnow()))
            db.session.commit()
            self.organisation_id = organisation.id

    def ask_for_help(self) -> float:
        """The first person asks for help now, as her phone would; when the request was committed (the monotonic clock)."""
        from sqlalchemy import select

        from pwa.extensions import db
        from pwa.help.services import create_help_request, new_key
        from pwa.models import Survivor, utcnow

        with self.app.app_context():
            person = db.session.scalar(select(Survivor).where(Survivor.organisation_id == self.organisation_id).order_by(Survivor.id).limit(1))
            create_help_request(db.session, person, new_key(), "health", "now", "call", None, utcnow())
            db.session.commit()
            return time.monotonic()

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
            due = {appointment.id: phone for appointment, phone in made}
            # Let go of the rows first: expiring thousands of them after the commit took 20 ms, while the
            # workers were already at work. The reminders fall due at the commit; the clock starts as it returns.
            db.session.expunge_all()
            db.session.commit()
            return due

    def heartbeats(self) -> set[str]:
        from sqlalchemy import select

        from pwa.extensions import db
        from pwa.models import WorkerHeartbeat

        with self.app.app_context():
            return set(db.session.scalars(select(WorkerHeartbeat.worker)))

    def close(self) -> None:
        from pwa.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextlib.contextmanager
def waiting_workers(bench: Bench, env: dict, workers: int):
    """``workers`` worker processes at their default interval, as deployed, each up and waiting after its first round; stopped after."""
    before = bench.heartbeats()
    processes = []
    try:
        for _ in range(workers):  # each one stopped below, even when the bench is stopped while they start
            processes.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "pwa", "worker"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                              stderr=None if os.environ.get("BENCH_VERBOSE") else subprocess.DEVNULL, start_new_session=True))
        deadline = time.monotonic() + 60
        while len(bench.heartbeats() - before) < workers:  # every worker is up, has done a round, and now waits
            if time.monotonic() > deadline or any(process.poll() is not None for process in processes):
                raise RuntimeError("the workers did not start")
            time.sleep(0.1)
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            process.wait()


def run_workers(bench: Bench, service: PushService, env: dict, workers: int, count: int, say) -> tuple[float, float, int, int]:
    """Start ``workers`` worker processes, make ``count`` reminders due, time until all have arrived; their processor seconds.

    The reminders fall due while the workers wait at their interval: a waiting worker starts its
    round as soon as they are committed.
    """
    with waiting_workers(bench, env, workers) as processes:
        service.dump()  # start from an empty push service
        appointments = bench.make_due(count)
        started, cpu, service_cpu = time.monotonic(), sum(_cpu_seconds(process.pid) for process in processes), service.cpu()
        deadline = started + max(120, count / 5)
        # Asked seldom, so that asking takes no processor from what is measured; the push service
        # says when the last message arrived.
        while service.count() < count and time.monotonic() < deadline:
            time.sleep(0.1)
        cpu = sum(_cpu_seconds(process.pid) for process in processes) - cpu
        elapsed = (service.arrived(count) or time.monotonic()) - started
        service_cpu = service.cpu() - service_cpu
        time.sleep(1.0)  # anything sent twice arrives now
    seen: dict[int, int] = {}
    phones = {phone.token: phone for phone in bench.phones}
    for path, body in service.dump():
        message = phones[path.rsplit("/", 1)[1]].read(body)
        appointment = int(message["url"].rsplit("/", 1)[1])
        seen[appointment] = seen.get(appointment, 0) + 1
    duplicates = sum(times - 1 for appointment, times in seen.items() if appointment in appointments)
    misses = sum(1 for appointment in appointments if appointment not in seen)
    say(f"  {workers} worker process(es): {count} reminders in {elapsed:.2f} s ({cpu:.2f} s of processor, {cpu / elapsed:.2f} cores busy;"
        f" the push service {service_cpu / elapsed:.0%} of a core), {duplicates} duplicates, {misses} misses")
    return elapsed, cpu, duplicates, misses


def help_push_latency(bench: Bench, service: PushService, env: dict, requests: int) -> list[float]:
    """One worker at its default interval; ``requests`` help requests asked while it waits: seconds from each commit to its push's arrival."""
    latencies = []
    with waiting_workers(bench, env, 1):
        service.dump()
        for n in range(1, requests + 1):
            time.sleep(0.2 + 0.1 * (n % 3))  # the worker waits again, each time caught at another moment of its watch
            asked = bench.ask_for_help()
            deadline = asked + 10
            while service.count() < n and time.monotonic() < deadline:
                time.sleep(0.005)
            arrived = service.arrived(n)
            if arrived is None:
                raise RuntimeError(f"a help request's push had not arrived {deadline - asked:.0f} s after it was asked")
            latencies.append(arrived - asked)
        received = service.dump()
        if len(received) != requests or any(bench.manager_phone.read(body)["url"] != "/console/inbox" for _, body in received):
            raise RuntimeError("the case manager's phone did not get exactly one push per help request")
    return latencies


def run(count: int, phones_count: int, database_url: str | None, rounds: int = 3, say=print, help_requests: int = 10) -> dict:
    """The whole measurement on a scratch database, ``rounds`` times over; the figures (medians), duplicates and misses.

    Each round measures the bare loops and the workers one after the other, and each ratio is
    taken within its round: a shared machine's cores run faster or slower from one minute to the
    next, and a ratio of two figures measured seconds apart is what stays put.
    """
    from pwa.push.keys import make_key_file

    measured: list[tuple[dict, dict]] = []  # per round: seconds and processor seconds of each run
    duplicates = misses = 0
    with tempfile.TemporaryDirectory(prefix="dera-bench-reminders-") as folder, scratch_database(database_url) as (url, instance):
        key_file = Path(folder) / "vapid.pem"
        make_key_file(key_file)
        env = dera_env(url, instance, DERA_VAPID_PRIVATE_KEY_FILE=str(key_file), DERA_VAPID_SUBJECT=SUBJECT, FLASK_DEBUG="0")
        say(f"database: a scratch {'PostgreSQL' if url.startswith('postgresql') else 'SQLite'} database, removed afterwards")
        flask(env, "db", "upgrade")
        service = PushService()
        bench = None
        try:
            phones = [Phone(service.url) for _ in range(phones_count)]
            bench = Bench(env, phones, Phone(service.url))
            bench.setup_people()
            say(f"{count} reminders to {phones_count} phones through a local push service at {service.url}, {rounds} round(s)")
            for number in range(1, rounds + 1):
                if rounds > 1:
                    say(f"round {number}:")
                seconds, cpu = {}, {}
                for processes in (1, 2):
                    name = f"bare{processes}"
                    service_cpu = service.cpu()
                    seconds[name], cpu[name] = bare_loop(phones, count, str(key_file), processes)
                    service_cpu = service.cpu() - service_cpu
                    sent = len(service.dump())
                    if sent != count:
                        raise RuntimeError(f"the bare loop delivered {sent} of {count}")
                    say(f"  bare pywebpush loop in {processes} process(es): {count} messages in {seconds[name]:.2f} s"
                        f" ({cpu[name]:.2f} s of processor; the push service {service_cpu / seconds[name]:.0%} of a core)")
                for name, workers in (("one", 1), ("two", 2)):
                    seconds[name], cpu[name], doubled, missed = run_workers(bench, service, env, workers, count, say)
                    duplicates, misses = duplicates + doubled, misses + missed
                measured.append((seconds, cpu))
            latencies = help_push_latency(bench, service, env, help_requests) if help_requests else []
        finally:
            if bench is not None:
                bench.close()
            service.stop()
    rates = [{name: count / value for name, value in seconds.items()} for seconds, _ in measured]
    # Processor time per message: what each costs, whatever else the machine is doing meanwhile.
    pers = [{name: value / count * 1000 for name, value in cpu.items()} for _, cpu in measured]

    rate = {name: statistics.median(r[name] for r in rates) for name in rates[0]}
    per = {name: statistics.median(p[name] for p in pers) for name in pers[0]}
    ratio = {
        "bare2": statistics.median(r["bare2"] / r["bare1"] for r in rates),
        "one": statistics.median(r["one"] / r["bare1"] for r in rates),
        "two": statistics.median(r["two"] / r["bare2"] for r in rates),
        "two_one": statistics.median(r["two"] / r["one"] for r in rates),
        "cpu_one": statistics.median(p["bare1"] / p["one"] for p in pers),
        "cpu_two": statistics.median(p["bare2"] / p["two"] for p in pers),
    }
    say("")
    if rounds > 1:
        say(f"medians of {rounds} rounds, each ratio taken within its round")
    say(f"{'':36}{'per second':>11}{'ratio':>7}{'target':>8}{'CPU ms':>8}{'ratio':>7}")
    say(f"{'bare pywebpush loop, 1 process':36}{rate['bare1']:11.1f}{1:7.2f}{'':8}{per['bare1']:8.2f}{1:7.2f}")
    say(f"{'bare pywebpush loop, 2 processes':36}{rate['bare2']:11.1f}{ratio['bare2']:7.2f}{'':8}{per['bare2']:8.2f}")
    say(f"{'Dera, 1 worker ÷ bare, 1 process':36}{rate['one']:11.1f}{ratio['one']:7.2f}{'≥ 0.70':>8}{per['one']:8.2f}{ratio['cpu_one']:7.2f}")
    say(f"{'Dera, 2 workers ÷ bare, 2 processes':36}{rate['two']:11.1f}{ratio['two']:7.2f}{'≥ 0.70':>8}{per['two']:8.2f}{ratio['cpu_two']:7.2f}")
    say(f"{'Dera, 2 workers ÷ 1 worker':36}{'':11}{ratio['two_one']:7.2f}{'≥ 1.70':>8}")
    if rounds > 1:
        say("2 workers ÷ 1 worker in each round: " + ", ".join(f"{r['two'] / r['one']:.2f}" for r in rates))
    # What bounds that ratio on a small machine: one worker already keeps a little more than a core
    # busy (its database thread runs beside its sends), and two share the cores with the push service.
    busy = {name: statistics.median(cpu[name] / seconds[name] for seconds, cpu in measured) for name in ("one", "two")}
    say(f"cores the workers kept busy: 1 worker {busy['one']:.2f}, 2 workers {busy['two']:.2f} of {len(os.sched_getaffinity(0))}")
    say(f"duplicates {duplicates}, misses {misses} (both must be 0)")
    if latencies:
        interval = float(os.environ.get("DERA_WORKER_INTERVAL", 15))
        say(f"a help request's push, one worker waiting its {interval:g} s interval ({len(latencies)} requests, one after the other):"
            f" median {statistics.median(latencies) * 1000:.0f} ms, slowest {max(latencies) * 1000:.0f} ms"
            f" (÷ the interval: {statistics.median(latencies) / interval:.4f} and {max(latencies) / interval:.4f})")
    return {"rate": rate, "cpu_ms": per, "ratio": ratio, "cores_busy": busy, "duplicates": duplicates, "misses": misses, "help_push_seconds": latencies}


def main(argv: list[str] | None = None) -> int:
    unwind_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="reminders per run (default 2000)")
    parser.add_argument("--phones", type=int, default=50, help="people (each with one subscribed phone)")
    parser.add_argument("--rounds", type=int, default=3, help="measure everything this many times and print the medians (default 3)")
    parser.add_argument("--help-requests", type=int, default=10, help="help requests asked of a waiting worker at the end (default 10; 0: none)")
    parser.add_argument("--quick", action="store_true", help="a short run (100 reminders to 10 phones, one round, 3 help requests) to check that it works")
    args = parser.parse_args(argv)
    if args.quick:
        args.count, args.phones, args.rounds, args.help_requests = 100, 10, 1, 3
    result = run(args.count, args.phones, os.environ.get("DATABASE_URL"), max(1, args.rounds), say=lambda line: print(line, flush=True),
                 help_requests=max(0, args.help_requests))
    return 0 if result["duplicates"] + result["misses"] == 0 else 1


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        sys.exit(main())
