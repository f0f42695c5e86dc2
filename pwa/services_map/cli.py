"""Commands: ``flask --app pwa services import PATH`` and ``services export --format json|csv PATH``."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..clock import now
from ..extensions import db
from . import services
from .hsds import FormatError

group = AppGroup("services", help="Import and export the service directory (Open Referral HSDS 3).")


@group.command("import")
@click.argument("path", type=click.Path(exists=True))
def import_command(path: str) -> None:
    """Import an HSDS JSON file, or a CSV package (a zip file or a folder with datapackage.json)."""
    try:
        summary = services.import_directory(db.session, path, now())
    except FormatError as error:
        db.session.rollback()
        raise click.ClickException(f"{error} Nothing was changed.") from error
    except services.ImportRefused as refused:
        db.session.rollback()
        click.echo(f"The file was refused: {len(refused.problems)} problem(s). Nothing was changed.", err=True)
        for problem in refused.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from refused
    db.session.commit()
    click.echo(
        f"Imported {summary.services} service(s), {summary.organizations} organization(s) "
        f"and {summary.locations} location(s)."
    )
    for file, names in sorted(summary.not_kept.items()):
        click.echo(f"Not kept (Dera does not store these fields): {file}: {', '.join(sorted(names))}")


@group.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="json: one HSDS JSON file; csv: a CSV package (a folder, or a zip file when PATH ends in .zip).")
@click.option("--strict", is_flag=True,
              help="JSON only: leave out Dera's extension fields (English text, timezone names, partial addresses).")
@click.argument("path", type=click.Path())
def export_command(fmt: str, strict: bool, path: str) -> None:
    """Export the whole directory (shown and hidden services) as HSDS."""
    count = services.export_directory(db.session, path, fmt, strict=strict)
    click.echo(f"Exported {count} service(s) to {path}.")
