"""The commands: services import and services export."""
import json

from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import DirectoryService


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["services", *args])


def test_import_then_export_on_the_command_line(app, seed_path, tmp_path):
    result = _run(app, "import", str(seed_path))
    assert result.exit_code == 0, result.output
    assert "Imported 13 service(s)" in result.output
    result = _run(app, "export", "--format", "csv", str(tmp_path / "out.zip"))
    assert result.exit_code == 0 and (tmp_path / "out.zip").exists()
    result = _run(app, "export", "--format", "json", str(tmp_path / "out.json"))
    assert json.loads((tmp_path / "out.json").read_text())["total_items"] == 13


def test_a_broken_file_is_refused_with_a_report_and_an_error_code(app, seed_path, tmp_path):
    document = json.loads(seed_path.read_text())
    document["contents"][0]["status"] = "open"
    (tmp_path / "bad.json").write_text(json.dumps(document))
    result = _run(app, "import", str(tmp_path / "bad.json"))
    assert result.exit_code == 1
    assert "Nothing was changed" in result.output and "bad.json, service 1, status:" in result.output
    assert db.session.scalar(select(func.count(DirectoryService.id))) == 0


def test_the_demo_loads_the_starter_directory(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(DirectoryService.id))) == 13
