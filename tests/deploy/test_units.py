"""The systemd units of deploy/ are valid units, with the restart and hardening docs/deploy.md promises."""
import shutil
import subprocess

import pytest

from .stack import DEPLOY, VENV

pytestmark = pytest.mark.deploy
UNITS = sorted((DEPLOY / "systemd").iterdir())


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_every_unit(tmp_path):
    paths = {"/opt/dera/venv": str(VENV), "/usr/local/bin/dera-backup": str(DEPLOY / "backup" / "dera-backup.sh")}
    copies = []
    for unit in UNITS:
        text = unit.read_text()
        for deployed, here in paths.items():
            text = text.replace(deployed, here)
        copy = tmp_path / unit.name.replace("@.", "@8000.")
        copy.write_text(text)
        copies.append(str(copy))
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *copies], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize("name", ["dera-web@.service", "dera-worker@.service"])
def test_app_and_worker_restart_on_failure_as_a_dedicated_user_with_hardening(name):
    text = (DEPLOY / "systemd" / name).read_text()
    for line in ("Restart=on-failure", "User=dera", "EnvironmentFile=/etc/dera/dera.env", "ProtectSystem=strict",
                 "NoNewPrivileges=yes", "PrivateTmp=yes", "ReadWritePaths=/var/lib/dera"):
        assert f"\n{line}\n" in text, line
