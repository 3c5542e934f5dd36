"""Paste the program's citation into LibreOffice Writer, mid-sentence, and report what Writer made of it.

    python scripts/writer_paste.py [--json] [--x11]

For each of the eight offered styles: the HTML and text the program puts on the clipboard for
Copy Citation (``viewer.ui.clipboard.copy_rich`` is given ``citation.render(...).html`` and
``.text``), pasted into an existing paragraph of a Writer document between "Before " and " after."
Writer runs headless (``soffice --headless --accept=...``), driven through UNO. A headless Writer
has no system clipboard, so the HTML goes in the way Writer's paste of ``text/html`` reads it: the
same bytes, read by Writer's HTML import filter ("HTML (StarWriter)", the reader its clipboard
paste uses) into the document at the cursor (``insertDocumentFromURL`` on a text cursor).

With ``--x11`` the paste is the real one a user makes: Writer runs with its window on a private
Xvfb display, the program's own code (``copy_rich``; the detail pane's ``createMimeDataFromSelection``
for a passage) owns the X clipboard in another process, and Writer's Edit > Paste (``.uno:Paste``)
picks whichever flavour it prefers. Needs ``Xvfb`` too.

Reports per style: the paragraphs the document has afterwards (one means the paste stayed inside
the user's paragraph), whether the sentence around it survived, and the italic runs. Exit 1 when
a style adds a paragraph. Needs Debian's ``libreoffice-writer`` and ``python3-uno`` (the UNO part
runs under the system Python, in a child process); exit 77 when they are missing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_PYTHON = "/usr/bin/python3"
BEFORE, AFTER = "Before ", " after."
SKIPPED = 77


def available() -> str:
    """"" when Writer and uno are installed, else what is missing."""
    if shutil.which("soffice") is None:
        return "LibreOffice (soffice) is not installed"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True) if Path(SYSTEM_PYTHON).exists() else None
    if probe is None or probe.returncode != 0:
        return "python3-uno is not installed"
    return ""


def clipboard_contents() -> dict[str, dict[str, str]]:
    """Per offered style, what Copy Citation puts on the clipboard for the bundled record."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from viewer.citeproc import citation
    from viewer.core.resources import bundled_record

    out = {}
    for style_id in citation.style_ids():
        cite = citation.render(bundled_record(), style_id)
        out[style_id] = {"html": cite.html, "text": cite.text}
    return out


# --- the UNO side (system Python) --------------------------------------------------------------

def uno_main(contents: dict[str, dict[str, str]], port: int) -> dict[str, dict]:
    import uno
    from com.sun.star.beans import PropertyValue
    from writer_x11 import paragraphs_and_italics, uno_context  # beside this file

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    ctx = uno_context(port)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    report = {}
    with tempfile.TemporaryDirectory() as tmp:
        for style_id, clip in contents.items():
            doc = desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, (prop("Hidden", True),))
            text = doc.Text
            text.setString(BEFORE + AFTER)
            cursor = text.createTextCursor()
            cursor.gotoStart(False)
            cursor.goRight(len(BEFORE), False)
            page = Path(tmp) / f"{style_id}.html"
            # The clipboard's text/html is UTF-8: the meta says so to the reader, as the flavour's charset does.
            page.write_text('<meta charset="utf-8">' + clip["html"], encoding="utf-8")
            cursor.insertDocumentFromURL(uno.systemPathToFileUrl(str(page)), (prop("FilterName", "HTML (StarWriter)"),))
            report[style_id] = paragraphs_and_italics(text)
            doc.close(True)
    return report


def run_writer(contents: dict[str, dict[str, str]]) -> dict[str, dict]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from writer_x11 import writer

    with writer(headless=True) as port:
        done = subprocess.run([SYSTEM_PYTHON, __file__, "--uno", str(port)], input=json.dumps(contents),
                              capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"the UNO side failed:\n{done.stderr}")
    return json.loads(done.stdout)


# A passage from the middle of a sentence of the bundled record's abstract, for --x11.
PASSAGE = "national and international law enforcement cooperation"


def x11_missing() -> str:
    return available() or ("" if shutil.which("Xvfb") else "Xvfb is not installed")


def run_writer_x11(contents: dict[str, dict[str, str]]) -> dict[str, dict]:
    """The real paste (scripts/writer_x11.py): each citation, then the detail pane's passage."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import writer_x11

    copies: dict[str, dict] = {**contents, "passage": {"pane": PASSAGE}}
    return writer_x11.run(copies, SYSTEM_PYTHON)


def summarise(contents: dict[str, dict[str, str]], report: dict[str, dict]) -> list[dict]:
    rows = []
    for style_id, got in report.items():
        paragraphs = got["paragraphs"]
        whole = "\n".join(paragraphs)
        expected = BEFORE + (got.get("copied") or contents[style_id]["text"]) + AFTER
        rows.append({"style": style_id, "paragraphs": len(paragraphs), "sentence_kept": whole == expected,
                     "italic": got["italic"], "text": whole})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--x11", action="store_true",
                        help="the real paste: Writer's window and the X clipboard on a private Xvfb")
    parser.add_argument("--uno", metavar="PORT", help=argparse.SUPPRESS)  # the child under the system Python
    args = parser.parse_args(argv)
    if args.uno:
        print(json.dumps(uno_main(json.loads(sys.stdin.read()), int(args.uno))))
        return 0
    missing = x11_missing() if args.x11 else available()
    if missing:
        print(f"skipped: {missing}", file=sys.stderr)
        return SKIPPED
    contents = clipboard_contents()
    rows = summarise(contents, run_writer_x11(contents) if args.x11 else run_writer(contents))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        print("style\tparagraphs\tsentence kept\titalic runs")
        for row in rows:
            print(f"{row['style']}\t{row['paragraphs']}\t{'yes' if row['sentence_kept'] else 'NO'}\t"
                  f"{' | '.join(row['italic']) or '-'}")
    return 0 if all(row["paragraphs"] == 1 for row in rows) else 1


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
