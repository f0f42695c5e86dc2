"""Commands: ``db`` (the migrations), ``create-supervisor``, ``demo``, ``purge``, ``notes rekey`` and ``services import|export``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .auth.services import create_staff
from .extensions import db
from .models import Organisation, Role, Staff, staff_by_username
from .services_map.cli import group as services_group


class Commands(AppGroup):
    """The app's ``flask`` commands; ``db`` (Flask-Migrate, which imports Alembic) is loaded only when it is asked for.

    A web process never runs a command, so it never pays for Alembic.
    """

    def __init__(self, app):
        super().__init__(app.name)
        self.app = app

    def list_commands(self, ctx) -> list[str]:
        return sorted({*super().list_commands(ctx), "db"})

    def get_command(self, ctx, name: str):
        if name == "db":
            migrations(self.app)
        return super().get_command(ctx, name)


def migrations(app):
    """Flask-Migrate for ``app``, set up on first use (the ``flask db`` commands, or ``flask_migrate.upgrade()`` in a test)."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=app.config["MIGRATIONS_DIRECTORY"], render_as_batch=True, compare_type=True)
    return app.extensions["migrate"]


def register(app) -> None:
    app.cli.add_command(create_supervisor)
    app.cli.add_command(demo)
    app.cli.add_command(purge)
    app.cli.add_command(kept_md)
    app.cli.add_command(push_group)
    app.cli.add_command(notes_group)

    from .worker import worker_command

    app.cli.add_command(worker_command)
    app.cli.add_command(services_group)


@click.command("create-supervisor")
@click.option("--username", prompt=True, help="Sign-in name of the supervisor.")
@click.option("--first-name", prompt=True, help="First name shown to colleagues.")
@click.option("--organisation", "organisation_name", default=None, help="Organisation name (asked when there is none yet).")
@click.password_option(help="Asked for at the prompt; at least 12 characters.")
def create_supervisor(username: str, first_name: str, organisation_name: str | None, password: str) -> None:
    """Create a supervisor account (and the organisation, on a new deployment)."""
    if len(password) < 12:
        raise click.ClickException("The password needs at least 12 characters.")
    if staff_by_username(username) is not None:
        raise click.ClickException(f"The username {username!r} is taken.")
    organisation = db.session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
    if organisation is None:
        organisation_name = organisation_name or click.prompt("Organisation name")
        organisation = Organisation(name=organisation_name)
        db.session.add(organisation)
    create_staff(db.session, organisation, username, first_name, password, Role.SUPERVISOR)
    db.session.commit()
    click.echo(f"Supervisor {username} created for {organisation.name}. Sign in at /login, then set up an authenticator app.")


@click.command("demo")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True, help="Where Dera is served, for the printed links.")
def demo(base_url: str) -> None:
    """Fill an empty database with a demo organisation and print how to sign in as each person."""
    from .demo import DemoRefused, load_demo

    if current_app.config["DERA_PRODUCTION"]:
        raise click.ClickException("The demo data has known passwords; it is not loaded in production.")
    if db.session.scalar(select(Staff).limit(1)) is not None:
        raise click.ClickException("The database already has people in it; the demo fills only an empty one.")
    try:
        lines = load_demo(db.session, base_url.rstrip("/"))
    except DemoRefused as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo("\n".join(lines))


@click.command("kept-md")
def kept_md() -> None:
    """Rewrite DATA.md's section on what a person is told we keep, from pwa/settings/kept.py."""
    import re

    from .config import PROJECT_ROOT
    from .settings.kept import data_md_section

    path = PROJECT_ROOT / "DATA.md"
    text = path.read_text()
    section = f"<!-- kept:start -->\n{data_md_section()}\n<!-- kept:end -->"
    path.write_text(re.sub(r"<!-- kept:start -->\n.*?\n<!-- kept:end -->", lambda _: section, text, flags=re.S))
    click.echo(f"Wrote {path}")


@click.command("purge")
def purge() -> None:
    """Delete records past their retention period (see DATA.md); safe to run at any time."""
    from .models import utcnow
    from .retention import purge_expired_records

    counts = purge_expired_records(db.session, utcnow(), current_app.config["AUDIT_RETENTION_DAYS"])
    db.session.commit()
    click.echo(", ".join(f"{name.replace('_', ' ')}: {count} deleted" for name, count in counts.items()))


@click.group("push")
def push_group() -> None:
    """Web push set-up."""


@push_group.command("keys")
@click.option("--force", is_flag=True, help="Replace an existing key (every browser must subscribe again).")
def push_keys(force: bool) -> None:
    """Make the VAPID key pair (kept in a file, never in the database) and print the public key."""
    from pathlib import Path

    from .push.keys import load_vapid, make_key_file, public_key

    path = Path(current_app.config["VAPID_PRIVATE_KEY_FILE"])
    if path.exists() and not force:
        click.echo(f"A VAPID key already exists at {path}.")
    else:
        if path.exists():
            path.unlink()
        make_key_file(path)
        click.echo(f"New VAPID private key written to {path} (keep it secret, back it up).")
    click.echo(f"Public key: {public_key(load_vapid(path))}")


@click.group("notes")
def notes_group() -> None:
    """The encrypted notes: re-encrypt them when the key changes."""


@notes_group.command("rekey")
@click.option("--batch", default=500, show_default=True, help="Rows read and written per transaction.")
def notes_rekey(batch: int) -> None:
    """Re-encrypt every encrypted row with the first key of DERA_NOTES_KEY (safe while Dera serves; run again if stopped)."""
    from .crypto import rekey

    counts = rekey(db.session, db.metadata, batch=batch)
    for name, count in counts.items():
        click.echo(f"{name}: {count} re-encrypted")
    click.echo("Every encrypted row is now under the first key; the other keys can be removed from DERA_NOTES_KEY.")
