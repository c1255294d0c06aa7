"""The addon packages as OCA addons do: `pip install ./retention_loyalty`
builds the wheel `odoo-addon-retention_loyalty` with whool (run by `make test`)."""

import os
import subprocess
import zipfile
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent / "retention_loyalty"
PYTHON = os.environ.get("RETENTION_PYTHON")


def test_the_addon_builds_its_wheel(tmp_path):
    assert PYTHON, "run these checks through `make test` (RETENTION_PYTHON is unset)"
    subprocess.run(
        [
            PYTHON,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ADDON),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.name.startswith("odoo_addon_retention_loyalty-18.0."), wheel.name
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        assert "Name: odoo-addon-retention_loyalty" in archive.read(metadata).decode()
    package = "odoo/addons/retention_loyalty/"
    for path in (
        "__manifest__.py",
        "i18n/fi.po",
        "i18n/zh_TW.po",
        "static/description/index.html",
        "static/description/icon.png",
    ):
        assert package + path in names, path
