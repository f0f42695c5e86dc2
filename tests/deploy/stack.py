"""Dera deployed the way deploy/ says, on this machine: the deployment test's stage.

PostgreSQL (scripts/test-postgres.sh), Redis, gunicorn instances from
``deploy/systemd/dera-web@.service`` with ``deploy/gunicorn.conf.py``, workers
from ``deploy/systemd/dera-worker@.service``, and nginx with
``deploy/nginx/dera.conf`` and a self-signed certificate. Only addresses,
paths and keys are substituted. ``Unit`` plays systemd: it runs a unit's
``ExecStart`` with its environment, and with ``Restart=on-failure`` starts it
again when it dies, killing what is left of its process group first, as
systemd does with the unit's control group.
"""
from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV = Path(sys.prefix)


def free_port() -> int:
    """A local port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines, as systemd's EnvironmentFile reads them."""
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


class Unit:
    """One instance of a systemd service unit, supervised as systemd would."""

    def __init__(self, unit_file: Path, instance: str, paths: dict[str, str], log: Path):
        self.name = unit_file.name.replace("@", f"@{instance}")
        self.log = log
        self.restarts = 0
        self.process: subprocess.Popen | None = None
        self._stopping = False
        self._restarting = False
        self._started = threading.Event()
        service = self._service_section(unit_file.read_text(), instance, paths)
        self.restart = service.get("Restart", ["no"])[-1]
        self.restart_sec = float(service.get("RestartSec", ["0.1"])[-1])
        self.cwd = service.get("WorkingDirectory", [str(ROOT)])[-1]
        self.env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}
        # As in systemd, an EnvironmentFile overrides Environment= lines.
        for assignment in service.get("Environment", []):
            for pair in shlex.split(assignment):
                name, _, value = pair.partition("=")
                self.env[name] = value
        for env_file in service.get("EnvironmentFile", []):
            self.env.update(read_env_file(Path(env_file)))
        self.command = shlex.split(service["ExecStart"][-1])

    @staticmethod
    def _service_section(text: str, instance: str, paths: dict[str, str]) -> dict[str, list[str]]:
        section, service = None, {}
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("["):
                section = line
            elif section == "[Service]" and "=" in line and not line.startswith("#"):
                key, _, value = line.partition("=")
                value = value.replace("%i", instance)
                for deployed, here in paths.items():
                    value = value.replace(deployed, here)
                service.setdefault(key, []).append(value)
        return service

    def start(self) -> "Unit":
        threading.Thread(target=self._supervise, name=self.name, daemon=True).start()
        self._started.wait(10)
        return self

    def _supervise(self) -> None:
        while not self._stopping:
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            self._started.set()
            code = self.process.wait()
            self._kill_group(signal.SIGKILL)  # what is left of the unit goes with it
            if self._stopping:
                return
            if self._restarting:
                self._restarting = False
                continue
            if self.restart != "on-failure" or code == 0:
                return
            time.sleep(self.restart_sec)
            self.restarts += 1

    def _kill_group(self, sig) -> None:
        try:
            os.killpg(self.process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def kill(self) -> int:
        """SIGKILL the unit's main process (as an out-of-memory kill or a crash would); return its pid."""
        pid = self.process.pid
        os.kill(pid, signal.SIGKILL)
        return pid

    def restart_cleanly(self) -> None:
        """``systemctl restart``: SIGTERM to the main process (KillMode=mixed), its clean stop, a new start."""
        pid = self.process.pid
        self._restarting = True
        os.kill(pid, signal.SIGTERM)
        self.wait_for_restart(pid)

    def wait_for_restart(self, old_pid: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.pid != old_pid and self.process.poll() is None:
                return
            time.sleep(0.1)
        raise AssertionError(f"{self.name} did not come back")

    def stop(self) -> None:
        self._stopping = True
        if self.process is not None and self.process.poll() is None:
            self._kill_group(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self._kill_group(signal.SIGKILL)
                self.process.wait(5)
        if self.process is not None:
            self._kill_group(signal.SIGKILL)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )
    return cert, key


def nginx_site(https_port: int, http_port: int, app_ports: list[int], cert: Path, key: Path, work: Path) -> str:
    """deploy/nginx/dera.conf with this machine's addresses and paths."""
    site = (DEPLOY / "nginx" / "dera.conf").read_text()
    site = re.sub(r"\n\s*listen \[::\]:\d+[^\n]*", "", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    upstreams = re.findall(r"server 127\.0\.0\.1:\d+", site)
    assert len(upstreams) == len(app_ports), "the site lists one upstream line per app server"
    for line, port in zip(upstreams, app_ports):
        site = site.replace(line + " ", f"server 127.0.0.1:{port} ", 1)
    replacements = {
        "/etc/letsencrypt/live/dera.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/dera.example.org/privkey.pem": str(key),
        "/opt/dera/venv/lib/python3.11/site-packages/pwa/static/": str(ROOT / "pwa" / "static") + "/",
        "/var/log/nginx/dera-error.log": str(work / "nginx-error.log"),
        "/var/www/html": str(work),
    }
    for deployed, here in replacements.items():
        assert deployed in site, deployed
        site = site.replace(deployed, here)
    return site


def nginx_main(work: Path, site: Path) -> str:
    """The little that Debian's /etc/nginx/nginx.conf gives a site, with everything inside ``work``."""
    temp = work / "nginx-temp"
    temp.mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {work / 'nginx.pid'};
error_log {work / 'nginx-error.log'} crit;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {site};
}}
"""


def wait_until(check, timeout: float = 60, what: str = "") -> None:
    """Poll ``check`` until it is true (errors count as not yet); fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not up yet
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


class Deployment:
    """Addresses, files and units of a running deployment."""

    def __init__(self, work: Path):
        self.work = work
        self.instance = work / "instance"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.web: list[Unit] = []
        self.workers: list[Unit] = []
        self.env: dict[str, str] = {}

    def flask(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """A ``flask --app pwa`` command with the deployment's settings (as deploy/dera runs it)."""
        return subprocess.run(
            [str(VENV / "bin" / "flask"), "--app", "pwa", *args], cwd=self.instance, env=self.env,
            capture_output=True, text=True, check=check,
        )

    def web_log(self, unit: Unit) -> str:
        """Everything the unit's processes wrote (systemd's journal for that unit)."""
        return unit.log.read_text(errors="replace")


@contextmanager
def deployment(work: Path, web_instances: int = 2, workers: int = 2, trust: tuple[Path, ...] = ()):
    """Start the whole deployment in ``work``; stop every part of it afterwards.

    ``trust``: more certificates the deployment's HTTPS clients accept (a local push service's).
    """
    with ExitStack() as stack:
        plan = Deployment(work)
        cert, key = self_signed_certificate(work)
        plan.cert = cert
        plan.bundle = work / "trusted.pem"
        plan.bundle.write_text("".join(path.read_text() for path in (cert, *trust)))

        pg_port, redis_port = free_port(), free_port()
        pg_env = {**os.environ, "DERA_TEST_PG_PORT": str(pg_port), "TMPDIR": "/tmp"}
        database_url = subprocess.run(["sh", str(ROOT / "scripts" / "test-postgres.sh"), "start"], env=pg_env,
                                      check=True, capture_output=True, text=True).stdout.strip()
        stack.callback(subprocess.run, ["sh", str(ROOT / "scripts" / "test-postgres.sh"), "stop"], env=pg_env,
                       capture_output=True)
        plan.database_url = database_url

        redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(work)],
            stdout=(work / "redis.log").open("wb"), stderr=subprocess.STDOUT,
        )
        stack.callback(lambda: (redis.terminate(), redis.wait(10)))

        https_port, http_port = free_port(), free_port()
        app_ports = [free_port() for _ in range(web_instances)]
        plan.url = f"https://127.0.0.1:{https_port}"
        plan.http_url = f"http://127.0.0.1:{http_port}"
        settings = read_env_file(DEPLOY / "dera.env.example")
        settings.update({
            "DERA_SECRET_KEY": "deployment-test-secret-key-" + "s" * 40,
            "DERA_NOTES_KEY": "0d5bXtTtZ3ZcJ8Jm6vQ8m2cQ2w0xXx5b3r6P1k9Yq4s=",
            "DATABASE_URL": database_url,
            "DERA_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
            "DERA_PUBLIC_URL": plan.url,
            "DERA_INSTANCE_PATH": str(plan.instance),
            "DERA_VAPID_PRIVATE_KEY_FILE": str(plan.instance / "vapid_private.pem"),
            "DERA_VAPID_SUBJECT": "mailto:it@qendra-ci.al",
            # The deployment's and the local push service's self-signed certificates.
            "REQUESTS_CA_BUNDLE": str(plan.bundle),
        })
        env_file = work / "dera.env"
        env_file.write_text("".join(f"{name}={value}\n" for name, value in settings.items()))
        plan.env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", **settings}
        plan.settings = settings

        wait_until(lambda: socket.create_connection(("127.0.0.1", redis_port), 1).close() or True, what="Redis")
        plan.flask("db", "upgrade")
        plan.flask("push", "keys")

        paths = {
            "/opt/dera/venv": str(VENV),
            "/etc/dera/gunicorn.conf.py": str(DEPLOY / "gunicorn.conf.py"),
            "/etc/dera/dera.env": str(env_file),
            "/var/lib/dera": str(plan.instance),
        }
        for port in app_ports:
            unit = Unit(DEPLOY / "systemd" / "dera-web@.service", str(port), paths, work / f"web-{port}.log").start()
            stack.callback(unit.stop)
            plan.web.append(unit)
        for number in range(1, workers + 1):
            unit = Unit(DEPLOY / "systemd" / "dera-worker@.service", str(number), paths, work / f"worker-{number}.log").start()
            stack.callback(unit.stop)
            plan.workers.append(unit)

        site = work / "site.conf"
        site.write_text(nginx_site(https_port, http_port, app_ports, cert, key, work))
        main = work / "nginx.conf"
        main.write_text(nginx_main(work, site))
        nginx = subprocess.Popen(["nginx", "-c", str(main), "-p", str(work), "-g", "daemon off;"],
                                 stdout=(work / "nginx.log").open("wb"), stderr=subprocess.STDOUT)
        stack.callback(lambda: (nginx.terminate(), nginx.wait(10)))

        for port in app_ports:
            wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok, what=f"gunicorn on {port}")
        wait_until(lambda: requests.get(f"{plan.url}/healthz", timeout=2, verify=str(plan.bundle)).ok, what="nginx")
        yield plan
