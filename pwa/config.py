"""Configuration: the one module that reads the environment.

Every tunable has a default here, documented once. Organisation settings
(neutral name, exit URL, idle lock) start from ``ORGANISATION_DEFAULTS`` and
are then kept per organisation in the database, where a supervisor changes them.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

ORGANISATION_DEFAULTS = {
    # The name the app shows on screens, tabs, the installed icon and notifications.
    "app_name": "Dera",
    # Where quick exit goes: a neutral weather page for Tirana.
    "exit_url": "https://www.bbc.com/weather/3183875",
    # Minutes without activity before the PIN or password is asked again.
    "idle_lock_survivor_minutes": 5,
    "idle_lock_staff_minutes": 30,
    # The organisation's own help line, open day and night (shown on Contacts); none until set.
    "helpline": None,
    # Hours before an appointment when a reminder goes to the person's phone.
    "reminder_hours": "24,2",
    # Days a past appointment is kept before it is deleted.
    "appointment_retention_days": 30,
    # A help request nobody has seen goes to the duty queue after this long, by how soon she needs help.
    "help_escalate_now_minutes": 30,
    "help_escalate_today_hours": 4,
    "help_escalate_week_days": 2,
    # Resolved and withdrawn help requests are deleted after this many days.
    "help_retention_days": 90,
    # Whether she also signs a paper copy of her consent to the plan (the guide asks for written consent).
    "paper_consent": False,
}

# Survivors may try their PIN this many times in a row before the account locks.
MAX_PIN_ATTEMPTS = 5
# An enrolment code works once and for this many hours.
ENROLMENT_HOURS = 72
# The device cookie lives this long on the phone (it is renewed on each unlock).
DEVICE_COOKIE_DAYS = 365
# Staff audit events are kept this many days.
AUDIT_RETENTION_DAYS = 730
# Map tiles: the one request to another origin, made only by the map page.
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ATTRIBUTION = "© OpenStreetMap"
TILE_ATTRIBUTION_URL = "https://www.openstreetmap.org/copyright"
# A help request kept on the phone while offline can still be sent this many days later.
HELP_QUEUE_TOKEN_DAYS = 7


class ConfigError(RuntimeError):
    """Raised when the app is started in production without what it needs."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str | None) -> str | None:
    """Accept the usual ``postgres://`` and ``postgresql://`` forms; Dera talks to PostgreSQL with psycopg 3."""
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(instance_path: Path, name: str, make) -> str:
    """Read a development secret from ``instance/``, creating it on first use."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def load_config(instance_path: str, test_config: dict | None = None) -> dict:
    """Build the Flask config from the environment (or ``test_config``)."""
    env = os.environ
    instance = Path(instance_path)
    production = env.get("DERA_ENV", "development") == "production"

    config: dict = {
        "DERA_PRODUCTION": production,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL")) or f"sqlite:///{instance / 'dera.sqlite'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "sq",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Tirane",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": ("sq", "en"),
        "SESSION_COOKIE_NAME": "dera_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "DEVICE_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": 0,
        # A form may stay open for a working day before its token runs out.
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "WTF_CSRF_SSL_STRICT": False,
        "RATELIMIT_ENABLED": _bool(env.get("DERA_RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("DERA_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "PUBLIC_URL": env.get("DERA_PUBLIC_URL", "").rstrip("/"),
        # How many reverse proxies (e.g. nginx) stand in front of the app and set X-Forwarded-*.
        "TRUSTED_PROXIES": int(env.get("DERA_TRUSTED_PROXIES", "0")),
        "ORGANISATION_DEFAULTS": dict(ORGANISATION_DEFAULTS),
        "MAX_PIN_ATTEMPTS": MAX_PIN_ATTEMPTS,
        "ENROLMENT_HOURS": ENROLMENT_HOURS,
        "DEVICE_COOKIE_DAYS": DEVICE_COOKIE_DAYS,
        "AUDIT_RETENTION_DAYS": AUDIT_RETENTION_DAYS,
        "TILE_URL": env.get("DERA_TILE_URL") or TILE_URL,
        "TILE_ATTRIBUTION": env.get("DERA_TILE_ATTRIBUTION") or TILE_ATTRIBUTION,
        "TILE_ATTRIBUTION_URL": env.get("DERA_TILE_ATTRIBUTION_URL") or TILE_ATTRIBUTION_URL,
        "HELP_QUEUE_TOKEN_DAYS": HELP_QUEUE_TOKEN_DAYS,
        "HSTS": production,
        # Web push: the VAPID private key lives in a file outside the database.
        "VAPID_PRIVATE_KEY_FILE": env.get("DERA_VAPID_PRIVATE_KEY_FILE") or str(instance / "vapid_private.pem"),
        "VAPID_SUBJECT": env.get("DERA_VAPID_SUBJECT", "mailto:push@dera.invalid"),
        # The national emergency and help lines shown on Contacts: a file the organisation can edit.
        "NATIONAL_LINES_FILE": env.get("DERA_NATIONAL_LINES_FILE") or str(PROJECT_ROOT / "pwa" / "data" / "national_lines.json"),
        # None: argon2-cffi's recommended parameters (RFC 9106, low memory).
        "ARGON2_PARAMETERS": None,
    }

    secret_key = env.get("DERA_SECRET_KEY")
    notes_key = env.get("DERA_NOTES_KEY")
    if production:
        missing = [
            name
            for name, value in (("DERA_SECRET_KEY", secret_key), ("DERA_NOTES_KEY", notes_key))
            if not value or len(value) < 32
        ]
        if missing:
            raise ConfigError(
                "Dera will not start in production without a real " + " and ".join(missing)
                + " (at least 32 characters; see README.md, Deploying)."
            )
    config["SECRET_KEY"] = secret_key or _instance_secret(instance, "secret_key", lambda: secrets.token_urlsafe(48))
    config["NOTES_KEY"] = notes_key or _instance_secret(instance, "notes_key", _fernet_key)

    if test_config:
        config.update(test_config)
    return config
