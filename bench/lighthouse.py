"""Lighthouse audits of the survivor pages, on Debian's Chromium with mobile emulation.

``python -m bench lighthouse`` serves Dera with the demo data on 127.0.0.1,
signs in as a demo survivor, runs Lighthouse 11 (the last version with the PWA
category; installed from npm into ``bench/node_modules`` by ``npm ci``) on each
page, and prints a table of scores for the README.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

from .page_weight import SURVIVOR_PAGES

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("DERA_CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync"
CATEGORIES = ["performance", "accessibility", "best-practices", "pwa"]
PWA_AUDITS = ["installable-manifest", "splash-screen", "themed-omnibox", "maskable-icon", "content-width", "viewport"]


def _lighthouse_cli() -> Path:
    cli = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    return cli


def _serve(database_url: str, instance: str):
    from . import __main__ as bench

    app, phone, _office = bench._app_with_people(database_url, instance)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cookies = "; ".join(f"{c.key}={c.value}" for c in phone._cookies.values())
    return app, server, f"http://127.0.0.1:{server.server_port}", cookies


def audit(url: str, cookies: str, out: Path) -> dict:
    subprocess.run(
        [
            "node", str(_lighthouse_cli()), url,
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--form-factor=mobile",
            "--output=json", f"--output-path={out}",
            f"--extra-headers={json.dumps({'Cookie': cookies})}",
            "--disable-storage-reset",
            "--quiet",
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    return json.loads(out.read_text())


def main(quick: bool = False) -> int:
    """Audit the survivor pages (only Today with ``quick``) on a scratch database, removed afterwards."""
    import logging

    from . import __main__ as bench
    from .serve import scratch_database

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if not shutil.which("node"):
        print("Lighthouse needs Node.js (node) on the PATH.")
        return 1
    results = {}
    pages = dict(list(SURVIVOR_PAGES.items())[:1]) if quick else SURVIVOR_PAGES
    with tempfile.TemporaryDirectory() as workdir, scratch_database(os.environ.get("DATABASE_URL")) as (database_url, instance):
        app, server, base, cookies = _serve(database_url, instance)
        try:
            for name, path in pages.items():
                report = audit(base + path, cookies, Path(workdir) / f"{name}.json")
                scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
                pwa = {a: report["audits"][a]["score"] for a in PWA_AUDITS if a in report["audits"]}
                results[name] = {"scores": scores, "pwa": pwa}
        finally:
            server.shutdown()
            bench._close(app)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "lighthouse.json").write_text(json.dumps(results, indent=2))
    print("| page | performance | accessibility | best practices | installable | PWA checks passed |")
    print("|---|---|---|---|---|---|")
    for name, result in results.items():
        s, pwa = result["scores"], result["pwa"]
        passed = sum(1 for v in pwa.values() if v == 1)
        print(
            f"| {name} | {round(s['performance'] * 100)} | {round(s['accessibility'] * 100)} | "
            f"{round(s['best-practices'] * 100)} | {'yes' if pwa.get('installable-manifest') == 1 else 'no'} | {passed}/{len(pwa)} |"
        )
    return 0
