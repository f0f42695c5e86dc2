"""Configuration: safe defaults for local use; production refuses to start without real keys."""
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


def _production(monkeypatch, tmp_path):
    monkeypatch.setenv("DERA_ENV", "production")
    monkeypatch.setenv("DERA_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DERA_NOTES_KEY", "n" * 44)
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))


@pytest.mark.parametrize("subject", [None, "mailto:push@dera.invalid", "mailto:admin@localhost", "push@organizata.al"])
def test_production_refuses_the_placeholder_push_subject(tmp_path, monkeypatch, subject):
    _production(monkeypatch, tmp_path)
    if subject is None:
        monkeypatch.delenv("DERA_VAPID_SUBJECT", raising=False)
    else:
        monkeypatch.setenv("DERA_VAPID_SUBJECT", subject)
    with pytest.raises(ConfigError, match="DERA_VAPID_SUBJECT"):
        create_app()


@pytest.mark.parametrize("subject", ["mailto:ndihma@organizata.al", "https://organizata.al/kontakt"])
def test_production_starts_with_a_real_push_subject(tmp_path, monkeypatch, subject):
    _production(monkeypatch, tmp_path)
    monkeypatch.setenv("DERA_VAPID_SUBJECT", subject)
    assert create_app().config["VAPID_SUBJECT"] == subject


def test_development_accepts_the_placeholder_push_subject(tmp_path, monkeypatch):
    monkeypatch.delenv("DERA_ENV", raising=False)
    monkeypatch.delenv("DERA_VAPID_SUBJECT", raising=False)
    monkeypatch.setenv("DERA_INSTANCE_PATH", str(tmp_path))
    assert create_app().config["VAPID_SUBJECT"] == "mailto:push@dera.invalid"
