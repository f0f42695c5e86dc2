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


def _serve(workdir: Path):
    from . import __main__ as bench

    app, phone, _office = bench._app_with_people(workdir)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cookies = "; ".join(f"{c.key}={c.value}" for c in phone._cookies.values())
    return server, f"http://127.0.0.1:{server.server_port}", cookies


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


def main() -> int:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if not shutil.which("node"):
        print("Lighthouse needs Node.js (node) on the PATH.")
        return 1
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        server, base, cookies = _serve(Path(workdir))
        try:
            for name, path in SURVIVOR_PAGES.items():
                report = audit(base + path, cookies, Path(workdir) / f"{name}.json")
                scores = {c: report["categories"][c]["score"] for c in CATEGORIES}
                pwa = {a: report["audits"][a]["score"] for a in PWA_AUDITS if a in report["audits"]}
                results[name] = {"scores": scores, "pwa": pwa}
        finally:
            server.shutdown()
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
