"""Bundled files are reached the same way from the source tree and from an installed wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from viewer.core.resources import resource_path, resource_root

ROOT = resource_root().parent


def test_source_tree_uses_the_top_level_resources_folder():
    assert resource_root().name == "resources"
    assert resource_path("records", "ncj-203234.json").is_file()


def test_wheel_carries_resources_inside_the_package(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(tmp_path / "wheel"), str(ROOT)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "viewer/_resources/records/ncj-203234.json" in names
    assert not any(name.startswith(("resources/", "tests/", "scripts/")) for name in names)
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    probe = ("from viewer.core.resources import resource_root, bundled_record; "
             "print(resource_root()); print(bundled_record().ncj_number)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, check=True, capture_output=True,
                         text=True, env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"}).stdout
    root, ncj = out.split()
    assert root == str(tmp_path / "site" / "viewer" / "_resources")
    assert ncj == "203234"
