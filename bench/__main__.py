"""Run Dera's benchmarks: ``make bench`` or ``python -m bench [weight|speed|lighthouse]``.

Every figure is printed next to a baseline measured in the same run, so the
numbers compare across machines: page weight against its budget, response
time against the cheapest request the app serves (``/healthz``).

By default the app runs in-process on a scratch database, removed afterwards: SQLite in a
temporary folder, or a new database on the PostgreSQL server named by ``DATABASE_URL``. With ``--url``
the same figures are measured over HTTP against a running Dera, e.g. the
deployment of docs/deploy.md (nginx, gunicorn, PostgreSQL, Redis)::

    python -m bench --url https://dera.example.org --staff arta:PASSWORD --enrol /enrol/ABCD-EFGH

``--enrol`` is an unused enrolment link for a test person (the bench binds a phone with it).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time

BENCH_PIN = "246810"


class HttpClient:
    """A ``requests`` session that answers like the Flask test client the benchmarks use."""

    def __init__(self, base_url: str):
        import requests

        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def get(self, path: str):
        response = self.session.get(self.base_url + path, timeout=30)
        response.get_data = lambda: response.content
        return response

    def post_form(self, path: str, data: dict):
        page = self.session.get(self.base_url + path, timeout=30).text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        return self.session.post(self.base_url + path, data={**data, "csrf_token": token}, timeout=30, allow_redirects=False)


def _deployment_with_people(url: str, staff: str, enrol: str):
    """Signed-in HTTP clients against a running Dera: a phone bound with ``enrol``, and a staff member."""
    username, _, password = staff.partition(":")
    office = HttpClient(url)
    assert office.post_form("/login", {"username": username, "password": password}).status_code == 302, "staff sign-in failed"
    phone = HttpClient(url)
    answer = phone.post_form(enrol, {"nickname": "Bench", "pin": BENCH_PIN, "pin_again": BENCH_PIN})
    assert answer.status_code == 302, f"enrolment failed ({answer.status_code}): is the link unused?"
    return None, phone, office


def _app_with_people(database_url: str, instance: str):
    """An app on a scratch database (from ``serve.scratch_database``) with the demo people, and signed-in clients."""
    import os

    os.environ["DERA_INSTANCE_PATH"] = instance
    from pwa import create_app
    from pwa.auth import services as auth
    from pwa.extensions import db
    from pwa.models import Survivor, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
        app.test_cli_runner().invoke(args=["demo"])
        survivor = db.session.scalar(db.select(Survivor).order_by(Survivor.id))
        code = auth.issue_enrolment_code(db.session, survivor, survivor.case_manager, utcnow(), 1)
        _, secret = auth.complete_enrolment(db.session, auth.find_enrolment(db.session, code, utcnow()), "Lulja", "246810", utcnow())
        db.session.commit()
        db.session.remove()
    # Requests run outside the set-up's app context, each in its own, as in production.
    phone, office = app.test_client(), app.test_client()
    phone.set_cookie("dera_device", secret)
    assert phone.post("/unlock", data={"pin": "246810"}).status_code == 302
    assert office.post("/login", data={"username": "arta", "password": "arta-demo-2026"}).status_code == 302
    return app, phone, office


def _close(app) -> None:
    """Let go of the scratch database, so that it can be removed."""
    from pwa.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def weight(app, phone, office) -> bool:
    from .page_weight import measure, report

    print("Page weight of the survivor pages (compressed bytes, and the ratio to the budget)")
    weights = measure(phone)
    print(report(weights))
    return all(w.within_budget() for w in weights)


def speed(app, phone, office, rounds: int = 200) -> bool:
    """Median time per request for the main pages, as a ratio to /healthz in the same run."""

    def median_ms(client, path):
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
            # /healthz answers 503 here (no worker runs): still the cheapest request, which is what it is for.
            assert response.status_code == 200 or path == "/healthz" and response.status_code == 503, (path, response.status_code)
        times.sort()
        return times[len(times) // 2] * 1000

    where = f"at {phone.base_url}" if isinstance(phone, HttpClient) else "in-process"
    print(f"\nResponse time, median of {rounds} requests {where} (ratio to /healthz)")
    baseline = median_ms(phone, "/healthz")
    print(f"{'/healthz (baseline)':28} {baseline:8.2f} ms  1.00")
    for label, client, path in [
        ("Today", phone, "/today"),
        ("Contacts", phone, "/contacts"),
        ("Settings", phone, "/settings"),
        ("Caseload (staff)", office, "/console/"),
        ("Manifest", phone, "/manifest.webmanifest"),
        ("Service worker", phone, "/sw.js"),
    ]:
        ms = median_ms(client, path)
        print(f"{label:28} {ms:8.2f} ms  {ms / baseline:4.1f}")
    return True


def main(argv: list[str]) -> int:
    from .serve import unwind_on_sigterm

    unwind_on_sigterm()
    parser = argparse.ArgumentParser(prog="python -m bench", description="Page weight and response times of Dera, in-process or at --url.")
    parser.add_argument("which", nargs="*", help="weight, speed or lighthouse (default: weight speed)")
    parser.add_argument("--url", help="measure a running Dera at this address instead of one in-process")
    parser.add_argument("--staff", help="USERNAME:PASSWORD of a staff member (with --url)")
    parser.add_argument("--enrol", help="an unused enrolment link path, /enrol/CODE, of a test person (with --url)")
    parser.add_argument("--rounds", type=int, default=200, help="requests per page for the response times")
    parser.add_argument("--quick", action="store_true", help="a short run (5 requests per page) to check that it works")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds = 5
    which = args.which or ["weight", "speed"]
    if not set(which) <= {"weight", "speed", "lighthouse"}:
        parser.error(f"unknown benchmark: {' '.join(which)}")
    if which == ["lighthouse"]:
        from .lighthouse import main as lighthouse

        return lighthouse(quick=args.quick)
    run = {"weight": weight, "speed": lambda *people: speed(*people, rounds=args.rounds)}
    if args.url:
        if not (args.staff and args.enrol):
            parser.error("--url needs --staff and --enrol")
        people = _deployment_with_people(args.url, args.staff, args.enrol)
        return 0 if all([run[name](*people) for name in which]) else 1
    from .serve import scratch_database

    with scratch_database(os.environ.get("DATABASE_URL")) as (database_url, instance):
        people = _app_with_people(database_url, instance)
        try:
            ok = all([run[name](*people) for name in which])
        finally:
            _close(people[0])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
