"""The layers hold: viewer.core is plain Python (no Qt), and nothing below the interface reaches up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_IMPORT_ALL = """
import importlib, pkgutil, sys
import viewer.core
names = [m.name for m in pkgutil.walk_packages(viewer.core.__path__, "viewer.core.")]
for name in names:
    importlib.import_module(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] == "PySide6" or m.startswith(("viewer.ui", "viewer.services")))
print(len(names), loaded)
"""


def test_every_core_module_imports_without_qt_or_the_interface():
    done = subprocess.run([sys.executable, "-c", _IMPORT_ALL], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    count, loaded = done.stdout.split(" ", 1)
    assert int(count) > 20  # every module was found, not an empty package
    assert loaded.strip() == "[]", f"viewer.core pulled in {loaded.strip()}"


def test_opening_the_library_loads_no_reader():
    """Start-up opens the library; the readers (bibtexparser, rispy, the page parser) load on first
    import, not then: the package's reading functions are imported lazily."""
    code = ("import sys, viewer.core.library, viewer.core.importers as i; "
            "print(sorted(m for m in ('bibtexparser', 'rispy', 'viewer.core.importers.ncjrs_page', "
            "'viewer.core.importers.reading') if m in sys.modules)); i.read_file; "
            "print('viewer.core.importers.reading' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "True"]
