"""Configuration: the one module that reads the environment.

Every tunable has a default here, documented once. Organisation settings
(neutral name, exit URL, idle lock) start from ``ORGANISATION_DEFAULTS`` and
are then kept per organisation in the database, where a supervisor changes them.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from .signing import itsdangerous_keys, secret_keys

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> str:
    """An installed wheel carries ``translations`` and ``migrations`` in the package; a checkout beside it."""
    inside = PACKAGE / name
    return str(inside if inside.is_dir() else PROJECT_ROOT / name)

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
    # How long an appointment lasts unless the one who schedules it says otherwise (minutes).
    "appointment_minutes": 60,
    # The words her phone's calendar shows for an appointment; empty: "Appointment" in her language.
    "calendar_text": None,
    # Days a past appointment is kept before it is deleted.
    "appointment_retention_days": 30,
    # A help request nobody has seen goes to the duty queue after this long, by how soon she needs help.
    "help_escalate_now_minutes": 30,
    "help_escalate_today_hours": 4,
    "help_escalate_week_days": 2,
    # Resolved and withdrawn help requests are deleted after this many days.
    "help_retention_days": 90,
    # A check-in is due when the last one is older than this, by the stage she is in.
    "checkin_interval_crisis_days": 14,
    "checkin_interval_transition_days": 7,
    "checkin_interval_inclusion_days": 30,
    # A closed case's record is deleted this many days after it was closed, unless reopened first.
    "closed_case_retention_days": 180,
    # Whether a supervisor approves a closure a case manager asks for.
    "closure_needs_approval": False,
    # Whether case managers, like supervisors, sign in with a code from an authenticator app.
    "case_manager_two_factor": False,
    # Days the audit log keeps who looked at or changed a record.
    "audit_retention_days": 730,
    # Whether she also signs a paper copy of her consent to the plan (the guide asks for written consent).
    "paper_consent": False,
}

# Survivors may try their PIN this many times in a row before the account locks.
MAX_PIN_ATTEMPTS = 5
# An enrolment code works once and for this many hours.
ENROLMENT_HOURS = 72
# A staff password-reset code works once and for this many hours.
PASSWORD_RESET_HOURS = 24
# After the password, the code from the authenticator app must follow within this many minutes.
SECOND_FACTOR_MINUTES = 5
# The device cookie lives this long on the phone (it is renewed on each unlock).
DEVICE_COOKIE_DAYS = 365
# Audit events that no longer belong to an organisation (her record deleted at her request) are kept this many days.
AUDIT_RETENTION_DAYS = 730
# Map tiles: the one request to another origin, made only by the map page.
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ATTRIBUTION = "© OpenStreetMap"
TILE_ATTRIBUTION_URL = "https://www.openstreetmap.org/copyright"
# A help request kept on the phone while offline can still be sent this many days later.
HELP_QUEUE_TOKEN_DAYS = 7
# The VAPID subject Dera ships with: fine on a laptop, refused by Apple's push service.
PLACEHOLDER_VAPID_SUBJECT = "mailto:push@dera.invalid"


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


def _list(value: str | None) -> list[str]:
    """A list setting: items separated by commas or spaces."""
    return [item for item in (value or "").replace(",", " ").split() if item]


def placeholder_vapid_subject(subject: str) -> bool:
    """True for a subject push services refuse: the shipped one, or an address at a reserved domain."""
    domain = subject.rsplit("@", 1)[-1].split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0].lower()
    reserved = domain in ("localhost", "") or domain.endswith((".invalid", ".test", ".example", ".localhost", "example.com", "example.org"))
    return subject == PLACEHOLDER_VAPID_SUBJECT or not subject.startswith(("mailto:", "https://")) or reserved


def production_problems(config: dict) -> list[str]:
    """What makes this configuration unsafe in production, each with the setting and its fix."""
    problems = []
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and not config["ALLOW_SQLITE"]:
        problems.append(
            "DATABASE_URL: production needs PostgreSQL (set DATABASE_URL=postgresql://user@host/dera); "
            "to run on SQLite anyway, with one process and your own backups, set DERA_ALLOW_SQLITE=1."
        )
    if config["RATELIMIT_STORAGE_URI"].startswith("memory") and config["WEB_PROCESSES"] > 1:
        problems.append(
            f"DERA_RATELIMIT_STORAGE_URI: {config['WEB_PROCESSES']} processes serve Dera, and in-memory rate "
            "limits would let each of them allow the full limit; set DERA_RATELIMIT_STORAGE_URI=redis://localhost:6379/0 "
            "(install Dera with the [deploy] extra) or serve with one process."
        )
    if placeholder_vapid_subject(config["VAPID_SUBJECT"]):
        problems.append(
            f"DERA_VAPID_SUBJECT: Dera will not start in production with the VAPID subject {config['VAPID_SUBJECT']!r}: "
            "Apple's push service refuses it and iPhones would get no reminders. Set it to a mailto: address or https: "
            "page of the organisation that push services can reach (see docs/deploy.md)."
        )
    return problems


def load_config(instance_path: str, test_config: dict | None = None) -> dict:
    """Build the Flask config from the environment (or ``test_config``)."""
    env = os.environ
    instance = Path(instance_path)
    production = env.get("DERA_ENV", "development") == "production"

    config: dict = {
        "DERA_PRODUCTION": production,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL")) or f"sqlite:///{instance / 'dera.sqlite'}",
        # hide_parameters: a database error must not write her words or a session token to the log.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # Production accepts SQLite only when told to (one small server, one process, backups by hand).
        "ALLOW_SQLITE": _bool(env.get("DERA_ALLOW_SQLITE")),
        # How many processes serve requests; the deployment's gunicorn config sets it from its worker count.
        "WEB_PROCESSES": int(env.get("DERA_WEB_PROCESSES") or "1"),
        "BABEL_DEFAULT_LOCALE": "sq",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Tirane",
        "BABEL_TRANSLATION_DIRECTORIES": _shipped("translations"),
        "MIGRATIONS_DIRECTORY": _shipped("migrations"),
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
        # The public HSDS API (/api/hsds): requests per client, and how long a proxy may keep an answer.
        "HSDS_API_RATE_LIMIT": env.get("DERA_HSDS_API_RATE_LIMIT", "60 per minute"),
        "HSDS_API_MAX_AGE": int(env.get("DERA_HSDS_API_MAX_AGE", "300")),
        "PUBLIC_URL": env.get("DERA_PUBLIC_URL", "").rstrip("/"),
        # How many reverse proxies (e.g. nginx) stand in front of the app and set X-Forwarded-*.
        "TRUSTED_PROXIES": int(env.get("DERA_TRUSTED_PROXIES", "0")),
        "ORGANISATION_DEFAULTS": dict(ORGANISATION_DEFAULTS),
        "MAX_PIN_ATTEMPTS": MAX_PIN_ATTEMPTS,
        "ENROLMENT_HOURS": ENROLMENT_HOURS,
        "PASSWORD_RESET_HOURS": PASSWORD_RESET_HOURS,
        "SECOND_FACTOR_MINUTES": SECOND_FACTOR_MINUTES,
        "DEVICE_COOKIE_DAYS": DEVICE_COOKIE_DAYS,
        "AUDIT_RETENTION_DAYS": AUDIT_RETENTION_DAYS,
        "TILE_URL": env.get("DERA_TILE_URL") or TILE_URL,
        "TILE_ATTRIBUTION": env.get("DERA_TILE_ATTRIBUTION") or TILE_ATTRIBUTION,
        "TILE_ATTRIBUTION_URL": env.get("DERA_TILE_ATTRIBUTION_URL") or TILE_ATTRIBUTION_URL,
        "HELP_QUEUE_TOKEN_DAYS": HELP_QUEUE_TOKEN_DAYS,
        "HSTS": production,
        # The largest request body Dera reads; larger is a 413. The longest form (a service, with
        # 6,000 characters of text) stays under it even when every character is percent-encoded.
        "MAX_CONTENT_LENGTH": 256 * 1024,
        # Rendered pages each app process keeps (see pwa/kept_pages.py): about 10 KB each.
        "KEPT_PAGES": int(env.get("DERA_KEPT_PAGES", "1000")),
        # Web push: the VAPID private key lives in a file outside the database.
        "VAPID_PRIVATE_KEY_FILE": env.get("DERA_VAPID_PRIVATE_KEY_FILE") or str(instance / "vapid_private.pem"),
        "VAPID_SUBJECT": env.get("DERA_VAPID_SUBJECT", PLACEHOLDER_VAPID_SUBJECT),
        # The worker: seconds between rounds, how long a claim lasts unrenewed, sends in flight at once.
        "WORKER_INTERVAL": float(env.get("DERA_WORKER_INTERVAL", "15")),
        "WORKER_LEASE_SECONDS": int(env.get("DERA_WORKER_LEASE_SECONDS", "30")),
        "PUSH_AT_ONCE": int(env.get("DERA_PUSH_AT_ONCE", "32")),
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
        problems = []
        if missing:
            problems.append(
                "Dera will not start in production without a real " + " and ".join(missing)
                + " (at least 32 characters; see docs/deploy.md, Secrets)."
            )
        problems += production_problems(config)
        if problems:
            raise ConfigError("\n".join(problems))
    config["SECRET_KEY"] = secret_key or _instance_secret(instance, "secret_key", lambda: secrets.token_urlsafe(48))
    # Earlier session keys, still accepted while they are phased out (the newest first).
    config["SECRET_KEY_FALLBACKS"] = _list(env.get("DERA_SECRET_KEY_FALLBACKS"))
    # One Fernet key, or several (the newest first, which encrypts; the others still decrypt).
    config["NOTES_KEY"] = notes_key or _instance_secret(instance, "notes_key", _fernet_key)

    if test_config:
        config.update(test_config)
    # Form tokens are signed as everything Dera signs: with the current key, checked with the
    # earlier ones too, so that a form left open across a key rotation can still be sent.
    config.setdefault("WTF_CSRF_SECRET_KEY", itsdangerous_keys(secret_keys(config)))
    return config
