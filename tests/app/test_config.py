"""Configuration: safe defaults for local use; production refuses to start without real keys."""
from pathlib import Path

import pytest

from pwa import create_app
from pwa.config import ConfigError


def test_production_refuses_to_start_without_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("DERA_ENV", "production")
    monkeypatch.delenv("DERA_SECRET_KEY", raising=False)
    monkeypatch.delenv("DERA_NOTES_KEY", raising=False)
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="DERA_SECRET_KEY and DERA_NOTES_KEY"):
        create_app()


def test_production_refuses_a_short_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("DERA_ENV", "production")
    monkeypatch.setenv("DERA_SECRET_KEY", "short")
    monkeypatch.setenv("DERA_NOTES_KEY", "n" * 44)
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="DERA_SECRET_KEY"):
        create_app()


def test_development_keys_are_generated_once_and_kept_in_instance(tmp_path, monkeypatch):
    for name in ("DERA_ENV", "DERA_SECRET_KEY", "DERA_NOTES_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    first, second = create_app(), create_app()
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert first.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'dera.sqlite'}"


def test_database_url_selects_postgresql(tmp_path, monkeypatch):
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://dera@db/dera")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://dera@db/dera"


def test_plain_postgresql_urls_use_psycopg(tmp_path, monkeypatch):
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgres://dera@db/dera")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://dera@db/dera"


def test_behind_a_proxy_rate_limits_see_the_real_client(tmp_path, monkeypatch):
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DERA_TRUSTED_PROXIES", "1")
    app = create_app()
    seen = {}

    def remember_address():
        from flask import request

        seen["address"] = request.remote_addr
        return ""

    app.before_request_funcs.setdefault(None, []).insert(0, remember_address)
    app.test_client().get("/healthz", headers={"X-Forwarded-For": "198.51.100.7"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert seen["address"] == "198.51.100.7"


def _production(monkeypatch, tmp_path, **env):
    """Production settings that start, changed by ``env`` (None removes a variable)."""
    settings = {
        "DERA_ENV": "production",
        "DERA_SECRET_KEY": "s" * 40,
        "DERA_NOTES_KEY": "0d5bXtTtZ3ZcJ8Jm6vQ8m2cQ2w0xXx5b3r6P1k9Yq4s=",
        "DERA_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": "postgresql://dera@db.invalid/dera",
        "DERA_RATELIMIT_STORAGE_URI": "redis://localhost:6379/0",
        "DERA_WEB_PROCESSES": "2",
        "DERA_ALLOW_SQLITE": None,
        "DERA_VAPID_SUBJECT": "mailto:ndihma@organizata.al",
        **env,
    }
    for name, value in settings.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def test_a_safe_production_configuration_starts(tmp_path, monkeypatch):
    _production(monkeypatch, tmp_path)
    assert create_app().config["DERA_PRODUCTION"]


def test_production_refuses_to_start_without_a_notes_key(tmp_path, monkeypatch):
    _production(monkeypatch, tmp_path, DERA_NOTES_KEY=None)
    with pytest.raises(ConfigError, match="without a real DERA_NOTES_KEY"):
        create_app()


def test_production_refuses_sqlite_and_says_how_to_fix_it(tmp_path, monkeypatch):
    _production(monkeypatch, tmp_path, DATABASE_URL=None)
    with pytest.raises(ConfigError, match=r"DATABASE_URL: production needs PostgreSQL.*DERA_ALLOW_SQLITE=1"):
        create_app()


def test_production_accepts_sqlite_when_explicitly_allowed(tmp_path, monkeypatch):
    _production(monkeypatch, tmp_path, DATABASE_URL=None, DERA_ALLOW_SQLITE="1")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def test_production_refuses_in_memory_rate_limits_with_several_processes(tmp_path, monkeypatch):
    _production(monkeypatch, tmp_path, DERA_RATELIMIT_STORAGE_URI=None, DERA_WEB_PROCESSES="3")
    with pytest.raises(ConfigError, match=r"DERA_RATELIMIT_STORAGE_URI: 3 processes .*redis://"):
        create_app()


def test_in_memory_rate_limits_are_fine_with_one_process(tmp_path, monkeypatch):
    _production(monkeypatch, tmp_path, DERA_RATELIMIT_STORAGE_URI=None, DERA_WEB_PROCESSES="1")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_gunicorn_config_tells_dera_how_many_processes_serve(monkeypatch):
    import runpy
    from types import SimpleNamespace

    monkeypatch.delenv("DERA_WEB_PROCESSES", raising=False)
    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"))
    settings["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=4)))
    import os

    assert os.environ.pop("DERA_WEB_PROCESSES") == "4"


def test_an_untrusted_forwarded_for_is_warned_about_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DERA_TRUSTED_PROXIES", raising=False)
    client = create_app().test_client()
    client.get("/healthz")
    assert not [r for r in caplog.records if r.name == "dera.proxies"]
    for _ in range(3):
        client.get("/healthz", headers={"X-Forwarded-For": "198.51.100.7"})
    warnings = [r.getMessage() for r in caplog.records if r.name == "dera.proxies"]
    assert len(warnings) == 1 and "DERA_TRUSTED_PROXIES=1" in warnings[0]


def test_a_trusted_proxy_is_not_warned_about(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DERA_TRUSTED_PROXIES", "1")
    create_app().test_client().get("/healthz", headers={"X-Forwarded-For": "198.51.100.7"})
    assert not [r for r in caplog.records if r.name == "dera.proxies"]


def test_every_engine_hides_its_parameters(app):
    from pwa.extensions import db

    assert db.engine.hide_parameters


@pytest.mark.parametrize("subject", [None, "mailto:push@dera.invalid", "mailto:admin@localhost", "push@organizata.al"])
def test_production_refuses_the_placeholder_push_subject(tmp_path, monkeypatch, subject):
    _production(monkeypatch, tmp_path, DERA_VAPID_SUBJECT=subject)
    with pytest.raises(ConfigError, match="DERA_VAPID_SUBJECT"):
        create_app()


@pytest.mark.parametrize("subject", ["mailto:ndihma@organizata.al", "https://organizata.al/kontakt"])
def test_production_starts_with_a_real_push_subject(tmp_path, monkeypatch, subject):
    _production(monkeypatch, tmp_path, DERA_VAPID_SUBJECT=subject)
    assert create_app().config["VAPID_SUBJECT"] == subject


def test_development_accepts_the_placeholder_push_subject(tmp_path, monkeypatch):
    monkeypatch.delenv("DERA_ENV", raising=False)
    monkeypatch.delenv("DERA_VAPID_SUBJECT", raising=False)
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    assert create_app().config["VAPID_SUBJECT"] == "mailto:push@dera.invalid"


def test_a_serving_process_moves_what_it_built_out_of_the_collectors_way(tmp_path):
    import gc
    import subprocess
    import sys

    script = (
        "import gc, os\n"
        "from pwa import create_app\n"
        "app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "before = gc.get_freeze_count()\n"
        "app.test_client().get('/healthz')\n"
        "print(before == 0 and gc.get_freeze_count() > 10000)\n"
    )
    env = {**__import__("os").environ, "DERA_INSTANCE_PATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip().endswith("True")
