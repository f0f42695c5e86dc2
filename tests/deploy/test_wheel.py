"""An installed Dera speaks Albanian: the wheel carries compiled catalogs and its migrations."""
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Runs inside the fresh virtualenv, away from the checkout.
CHECK = """
import pwa
from pwa import create_app
app = create_app({"RATELIMIT_ENABLED": False})
with app.test_client() as client:
    page = client.get("/login").get_data(as_text=True)
print(pwa.__file__)
print(app.config["BABEL_TRANSLATION_DIRECTORIES"])
print("<h1>Hyrja për stafin</h1>" in page)
"""


@pytest.mark.deploy
def test_the_built_wheel_installed_in_a_fresh_virtualenv_serves_albanian(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(ROOT)],
        check=True, cwd=tmp_path,
    )
    wheel = next(wheels.glob("dera-*.whl"))
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # Dera's dependencies come from this test's environment (a path at the end of sys.path, not a
    # site directory, so the checkout's editable install is not seen); Dera itself only from the wheel.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
                   check=True, cwd=tmp_path)
    env = {"PATH": os.environ["PATH"], "DERA_INSTANCE_PATH": str(tmp_path / "instance"), "HOME": str(tmp_path)}
    subprocess.run([python, "-m", "flask", "--app", "pwa", "db", "upgrade"], check=True, cwd=tmp_path, env=env,
                   capture_output=True)
    out = subprocess.run([python, "-c", CHECK], check=True, cwd=tmp_path, env=env, capture_output=True, text=True).stdout
    package, translations, albanian = out.split()
    assert package.startswith(str(site)), package
    assert translations.startswith(str(site)) and albanian == "True"
