"""Run Dera's benchmarks: ``make bench`` or ``python -m bench [weight|speed|lighthouse]``.

Every figure is printed next to a baseline measured in the same run, so the
numbers compare across machines: page weight against its budget, response
time against the cheapest request the app serves (``/healthz``).
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def _app_with_people(workdir: Path):
    """An app on a fresh SQLite database with the demo people, and signed-in clients."""
    import os

    os.environ["DERA_INSTANCE_PATH"] = str(workdir)
    from pwa import create_app
    from pwa.auth import services as auth
    from pwa.extensions import db
    from pwa.models import Survivor, utcnow

    app = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
        app.test_cli_runner().invoke(args=["demo"])
        survivor = db.session.scalar(db.select(Survivor).order_by(Survivor.id))
        code = auth.issue_enrolment_code(db.session, survivor, survivor.case_manager, utcnow(), 1)
        _, secret = auth.complete_enrolment(db.session, auth.find_enrolment(db.session, code, utcnow()), "Lulja", "246810", utcnow())
        db.session.commit()
    # Requests run outside the set-up's app context, each in its own, as in production.
    phone, office = app.test_client(), app.test_client()
    phone.set_cookie("dera_device", secret)
    assert phone.post("/unlock", data={"pin": "246810"}).status_code == 302
    assert office.post("/login", data={"username": "arta", "password": "arta-demo-2026"}).status_code == 302
    return app, phone, office


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
            assert response.status_code == 200, (path, response.status_code)
        times.sort()
        return times[len(times) // 2] * 1000

    print(f"\nResponse time, median of {rounds} requests in-process (ratio to /healthz)")
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
    which = argv or ["weight", "speed"]
    if which == ["lighthouse"]:
        from .lighthouse import main as lighthouse

        return lighthouse()
    with tempfile.TemporaryDirectory() as workdir:
        app, phone, office = _app_with_people(Path(workdir))
        ok = all([{"weight": weight, "speed": speed}[name](app, phone, office) for name in which])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
