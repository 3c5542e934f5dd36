"""Takes the README's screenshots of the real window: run it through scripts/screenshot (Xvfb).

Usage: python scripts/screenshot.py OUTPUT_DIR
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from viewer.main_window import MainWindow
from viewer.resources import bundled_record
from viewer.settings import Settings


def scenes():
    """(file name, section to open); more scenes join as features land."""
    yield "main-window.png", "cooperation-national"


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "packaging/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("ncjrs-viewer")
    with tempfile.TemporaryDirectory() as tmp:
        for name, section_id in scenes():
            window = MainWindow(bundled_record(), Settings(str(Path(tmp) / "s.ini")), section_id=section_id)
            window.resize(1100, 640)
            window.show()
            for _ in range(5):
                app.processEvents()
            window.grab().save(str(out / name))
            print(out / name)
            window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
