"""The real paste for scripts/writer_paste.py --x11: Writer's window and the program on a private Xvfb.

Three processes share one X display: Writer (``soffice`` with a window), the *owner* (this file
under the project's Python with Qt's xcb platform: the program's own clipboard code puts each
copy on the X clipboard and keeps it there, as the running program does), and the *paster* (this
file under the system Python with UNO: a new Writer document holding "Before  after.", the cursor
between the two spaces' halves, Edit > Paste). Each speaks one JSON line per copy on its stdin
and stdout, so Writer starts once for every copy.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BEFORE, AFTER = "Before ", " after."


def owner_main() -> None:
    """Each stdin line: {"html", "text"} (Copy Citation) or {"pane": PASSAGE} (that passage of the
    bundled record's abstract selected in the detail pane, then Ctrl+C). Answers with the plain text."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QApplication

    from viewer.core.resources import bundled_record
    from viewer.ui.clipboard import copy_rich
    from viewer.ui.detail_pane import DetailPane

    app = QApplication(["writer-paste-owner"])
    pane = DetailPane()
    record = bundled_record()
    pane.show_section(record, record.section("abstract"))

    def next_copy() -> None:
        line = sys.stdin.readline()
        if not line:
            app.clipboard().clear()
            app.quit()
            return
        copy = json.loads(line)
        if "pane" in copy:
            start = pane.toPlainText().index(copy["pane"])  # the abstract is ASCII: code points = UTF-16 units
            cursor = pane.textCursor()
            cursor.setPosition(start)
            cursor.setPosition(start + len(copy["pane"]), QTextCursor.MoveMode.KeepAnchor)
            pane.setTextCursor(cursor)
            pane.copy()  # what Ctrl+C does: createMimeDataFromSelection onto the clipboard
            plain = cursor.selection().toPlainText()
        else:
            copy_rich(copy["html"], copy["text"])
            plain = copy["text"]
        print(json.dumps({"text": plain}), flush=True)

    # The event loop must run while Writer asks for the clipboard: stdin is read when it has a line.
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(next_copy)
    app.exec()


def uno_context(port: int) -> Any:
    """The component context of the Writer listening on ``port`` (under the system Python, with uno)."""
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(480):
        try:
            return resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
        except Exception:  # noqa: BLE001 - Writer still starting
            time.sleep(0.25)
    raise SystemExit("Writer did not answer on its UNO port")


def paragraphs_and_italics(text: Any) -> dict[str, list[str]]:
    """A Writer text's paragraphs, and its italic runs."""
    from com.sun.star.awt.FontSlant import ITALIC

    paragraphs, italics = [], []
    enum = text.createEnumeration()
    while enum.hasMoreElements():
        para = enum.nextElement()
        paragraphs.append(para.getString())
        portions = para.createEnumeration()
        while portions.hasMoreElements():
            portion = portions.nextElement()
            if portion.getString() and portion.CharPosture == ITALIC:
                italics.append(portion.getString())
    return {"paragraphs": paragraphs, "italic": italics}


def paster_main(port: int) -> None:
    ctx = uno_context(port)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    for _ in sys.stdin:
        doc = desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, ())
        text = doc.Text
        text.setString(BEFORE + AFTER)
        view = doc.CurrentController.ViewCursor
        view.gotoStart(False)
        view.goRight(len(BEFORE), False)
        dispatcher.executeDispatch(doc.CurrentController.Frame, ".uno:Paste", "", 0, ())
        got = paragraphs_and_italics(text)
        doc.close(True)
        print(json.dumps(got), flush=True)


def run(copies: dict[str, dict[str, Any]], system_python: str) -> dict[str, dict[str, Any]]:
    """Per copy name: Writer's paragraphs and italic runs after the paste, and the copied text."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from xmap import Xvfb

    report: dict[str, dict[str, Any]] = {}
    with Xvfb() as xvfb:
        env = {**os.environ, "DISPLAY": xvfb.display, "QT_QPA_PLATFORM": "xcb"}
        with writer(env) as port:
            _paste_each(copies, env, port, system_python, report)
    return report


def _paste_each(copies: dict[str, dict[str, Any]], env: dict[str, str], port: int, system_python: str,
                report: dict[str, dict[str, Any]]) -> None:
    owner = subprocess.Popen([sys.executable, __file__, "--owner"], env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    paster = subprocess.Popen([system_python, __file__, "--paster", str(port)], env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        for name, copy in copies.items():
            report[name] = {"copied": _ask(owner, copy)["text"], **_ask(paster, {})}
    finally:
        for child in (owner, paster):
            child.stdin.close()  # type: ignore[union-attr]
            child.wait(timeout=60)


@contextmanager
def writer(env: dict[str, str] | None = None, headless: bool = False) -> Iterator[int]:
    """A Writer of its own (a fresh profile) listening for UNO on the port given; ended and its
    profile removed afterwards. ``headless``: no window and no display (writer_paste's filter check)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    profile = tempfile.mkdtemp(prefix="writer-paste-")
    office = subprocess.Popen(
        ["soffice", *(["--headless"] if headless else []), "--norestore", "--nologo", "--nodefault",
         "--nolockcheck", f"-env:UserInstallation=file://{profile}",
         f"--accept=socket,host=127.0.0.1,port={port};urp;"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield port
    finally:
        office.terminate()
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)


def _ask(child: subprocess.Popen[str], message: dict[str, Any]) -> dict[str, Any]:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(json.dumps(message) + "\n")
    child.stdin.flush()
    line = child.stdout.readline()
    if not line:
        raise SystemExit(f"{child.args[-1]} ended early")
    return json.loads(line)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--owner"]:
        owner_main()
    elif sys.argv[1:2] == ["--paster"]:
        paster_main(int(sys.argv[2]))
