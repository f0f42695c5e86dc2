"""Start-up: what one app process costs before it serves, against a bare Flask app, in one run.

``python -m bench.startup`` (or ``make bench-startup``) starts fresh Python processes that build
the app (``create_app()``) and answer one request, and prints the median time and peak memory of
each step as a ratio to a bare Flask app measured the same way. Each gunicorn worker pays this.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile

from .serve import ROOT

ROUNDS = 5
PROBE = r"""
import json, resource, sys, time
started = time.perf_counter()
if sys.argv[1] == "dera":
    from pwa import create_app
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
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


def probe(which: str, instance: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DERA_INSTANCE_PATH": instance}
    output = subprocess.run([sys.executable, "-c", PROBE, which], cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def run(rounds: int = ROUNDS, say=print) -> dict:
    with tempfile.TemporaryDirectory() as instance:
        results = {}
        for which in ("hello", "dera"):
            runs = [probe(which, instance) for _ in range(rounds)]
            results[which] = {key: statistics.median(r[key] for r in runs) for key in ("build", "first", "peak")}
    hello, dera = results["hello"], results["dera"]
    say(f"{'':24} {'bare Flask':>11} {'Dera':>9} {'÷ bare':>7}")
    for key, label, unit in [("build", "import and create_app", "ms"), ("first", "first request", "ms"), ("peak", "peak memory", "MiB")]:
        say(f"{label + ' (' + unit + ')':24} {hello[key]:11.1f} {dera[key]:9.1f} {dera[key] / hello[key]:7.1f}")
    return results


def main(argv: list[str]) -> int:
    run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
