"""Shared fixtures. Qt runs offscreen; every window is built by a factory that qtbot owns."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from fuzzcount import CASES  # noqa: E402


def pytest_terminal_summary(terminalreporter):
    if CASES:
        terminalreporter.section("fuzzed inputs: cases run")
        for kind, n in sorted(CASES.items()):
            terminalreporter.line(f"{n:7d}  {kind}")

ROOT = Path(__file__).resolve().parent.parent
# The record's source page: the project's shared copy beside the checkout, or (in a clone
# without it) the verbatim copy kept in tests/data, checked against the shared one when both exist.
SEED = ROOT.parent / "shared" / "seeds" / "000_32c79920fd745abc.txt"
SEED_COPY = ROOT / "tests" / "data" / "ncj-203234-source.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    copy = SEED_COPY.read_text(encoding="utf-8")
    if SEED.is_file():
        assert SEED.read_text(encoding="utf-8") == copy, "tests/data copy of the source page is stale"
    return copy


@pytest.fixture(scope="session")
def render_script():
    """scripts/render_citations.py (the citeproc-js reference renderer under Node), with citeproc
    installed by npm ci; the comparison fails, never skips, without Node."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("render_citations", ROOT / "scripts" / "render_citations.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    try:
        script.node_executable()
        script.ensure_citeproc_installed()
    except script.NodeError as exc:
        pytest.fail(f"the citeproc-js comparison needs Node.js and npm: {exc}")
    return script


@pytest.fixture
def make_service():
    """Citation services whose worker threads are always stopped, even when a test fails."""
    from viewer.services.citation_service import CitationService

    made = []

    def make(cache_dir=None):
        made.append(CitationService(cache_dir))
        return made[-1]

    yield make
    for service in made:
        service.shutdown()


@pytest.fixture
def settings_file(tmp_path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def make_window(qtbot, settings_file):
    """Builds a MainWindow over the bundled record (or another) with settings in a temp file."""
    from viewer.core.resources import bundled_record
    from viewer.ui.main_window import MainWindow
    from viewer.ui.settings import Settings

    def make(record=None, section_id=None, settings_path=settings_file, library=None):
        window = MainWindow(record or bundled_record(), Settings(str(settings_path)), section_id=section_id,
                            library=library)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()  # shortcuts and focus need the active window, as for a user
        qtbot.waitUntil(window.isActiveWindow)
        return window

    return make


@pytest.fixture
def window_with_report(make_window, tmp_path):
    """A window on a library whose bundled record has a built 12-page report attached (tests/pdfmaker.py)."""
    import pdfmaker

    from viewer.core.library import Library

    path = tmp_path / "report.pdf"
    path.write_bytes(pdfmaker.build(*pdfmaker.report(12)))
    window = make_window(library=Library.open(tmp_path / "lib"))
    assert window.reports.attach(str(path))
    return window


@pytest.fixture(autouse=True)
def _clear_clipboard_after(request):
    """Offscreen Qt can crash at exit (rc 139) holding a Python-made QMimeData: empty it after each test."""
    yield
    from PySide6.QtGui import QGuiApplication

    # Only a GUI application has a clipboard (the CLI's citation engine may make a core one).
    if isinstance(QGuiApplication.instance(), QGuiApplication):
        from viewer.ui import clipboard
        clipboard.clear()


@pytest.fixture
def start_until_shown(monkeypatch, qapp):
    """For main() with no subcommand: the real start-up runs, and its event loop returns 0 once the
    window has been shown and every pending event (the first paint among them) handled; then the
    window is closed as Ctrl+Q closes it. SIGTERM and the wakeup fd are restored afterwards; the
    process is never ended by main()."""
    import signal

    from PySide6.QtWidgets import QApplication

    def exec_until_shown(*_args) -> int:
        QApplication.processEvents()
        for widget in QApplication.topLevelWidgets():
            if widget.isVisible():
                widget.close()
        return 0

    handler = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(QApplication, "exec", exec_until_shown)
    # main()'s os._exit with a worker still busy is replaced for every test: see _no_silent_exit.
    yield
    signal.signal(signal.SIGTERM, handler)
    signal.set_wakeup_fd(-1)


@pytest.fixture(autouse=True, scope="session")
def _private_user_folders(tmp_path_factory):
    """No test reads or writes the real user's library, settings or caches (QStandardPaths follows XDG)."""
    import os

    home = tmp_path_factory.mktemp("user")
    saved = {name: os.environ.get(name) for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    os.environ.update(XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
                      XDG_CACHE_HOME=str(home / "cache"))
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True, scope="session")
def _widgets_application_first(qapp):
    """One QApplication for the whole run, made before any test: a command run in-process (`pdf`)
    would otherwise make a QGuiApplication, and a later window test could not make its widgets."""
    return qapp


@pytest.fixture(autouse=True)
def _no_message_box_left_waiting(monkeypatch):
    """A message box nobody answers (offscreen, no one is there) is closed after a while and fails
    its test, instead of waiting for ever: a hang would eat the whole CI run. Tests that answer a
    box (a timer clicking its button) are unaffected."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    exec_ = QMessageBox.exec

    def bounded_exec(box: QMessageBox) -> int:
        abandoned = []
        timer = QTimer(box)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: (abandoned.append(True), box.reject()))
        timer.start(20_000)
        result = exec_(box)
        timer.stop()
        if abandoned:
            raise AssertionError(f"a message box was left waiting: {box.text()!r}")
        return result

    monkeypatch.setattr(QMessageBox, "exec", bounded_exec)


@pytest.fixture(autouse=True)
def _no_silent_exit(monkeypatch):
    """A run of main() that leaves a worker busy would end the process through os._exit (see
    viewer.services.workers.exit_code): under pytest that ended the whole run with status 0, every
    later test unrun. Here the busy workers are waited for instead (a test does not care how long
    the real quit would take); one that never ends fails its test."""
    from viewer.services import workers

    def exit_code(code: int) -> int:
        while workers._abandoned:
            thread = workers._abandoned.pop()
            if not thread.wait(60_000):
                pytest.fail("a worker thread was still running 60 s after the window closed")
        return code

    monkeypatch.setattr(workers, "exit_code", exit_code)
