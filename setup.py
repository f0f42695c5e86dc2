"""Build step: an installed Dera carries its compiled catalogs and its migrations.

The ``.po`` files under ``translations/`` and the migrations under ``migrations/``
stay the source in the repository; a built wheel gets ``pwa/translations`` (compiled
``.mo`` files) and ``pwa/migrations``, which ``pwa/config.py`` prefers when present.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCatalogs(build_py):
    """Compile every catalog into the package, and copy the migrations beside it."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads translations/ and migrations/ from the checkout
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        package = Path(self.build_lib) / "pwa"
        for po_path in sorted(ROOT.glob("translations/*/LC_MESSAGES/messages.po")):
            target = package / po_path.relative_to(ROOT).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with target.open("wb") as mo_file:
                write_mo(mo_file, catalog)
        shutil.rmtree(package / "migrations", ignore_errors=True)  # no migration left over from an earlier build
        shutil.copytree(
            ROOT / "migrations", package / "migrations",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )


setup(cmdclass={"build_py": BuildWithCatalogs})
