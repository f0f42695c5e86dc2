"""Start-up: what one app process costs before it serves, against a bare Flask app, in one run.

``python -m bench.startup`` (or ``make bench-startup``) starts fresh Python processes that build
the app (``create_app()``) and answer one request, and prints the median time and peak memory of
each step as a ratio to a bare Flask app measured the same way. Each gunicorn worker pays this.
The request is ``/healthz`` on a scratch database (SQLite, or a new one on the PostgreSQL
server named by ``DATABASE_URL``), migrated once and removed afterwards.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

from .serve import ROOT, dera_env, flask, scratch_database, unwind_on_sigterm

ROUNDS = 5
PROBE = r"""
import json, resource, sys, time
started = time.perf_counter()
if sys.argv[1] == "dera":
    from pwa import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[2]})
    path = "/healthz"
else:
    from bench.hello import app
    path = "/"
built = time.perf_counter()
with app.test_client() as client:
    assert client.get(path).status_code in (200, 503)
answered = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"build": (built - started) * 1000, "first": (answered - built) * 1000, "peak": peak}))
"""


def probe(which: str, database_url: str, instance: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DERA_INSTANCE_PATH": instance}
    output = subprocess.run([sys.executable, "-c", PROBE, which, database_url], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def run(rounds: int = ROUNDS, say=print) -> dict:
    with scratch_database(os.environ.get("DATABASE_URL")) as (database_url, instance):
        flask(dera_env(database_url, instance), "db", "upgrade")  # /healthz reads the schema
        results = {}
        for which in ("hello", "dera"):
            runs = [probe(which, database_url, instance) for _ in range(rounds)]
            results[which] = {key: statistics.median(r[key] for r in runs) for key in ("build", "first", "peak")}
    hello, dera = results["hello"], results["dera"]
    say(f"{'':24} {'bare Flask':>11} {'Dera':>9} {'÷ bare':>7}")
    for key, label, unit in [("build", "import and create_app", "ms"), ("first", "first request", "ms"), ("peak", "peak memory", "MiB")]:
        say(f"{label + ' (' + unit + ')':24} {hello[key]:11.1f} {dera[key]:9.1f} {dera[key] / hello[key]:7.1f}")
    return results


def main(argv: list[str]) -> int:
    unwind_on_sigterm()
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="fresh processes per measurement (the median is shown)")
    parser.add_argument("--quick", action="store_true", help="one process each, to check that it works")
    args = parser.parse_args(argv)
    run(1 if args.quick else args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
