"""The program's citation pasted mid-sentence into LibreOffice Writer stays one paragraph, in every
offered style (scripts/writer_paste.py); skipped where Writer or python3-uno is not installed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_script():
    spec = importlib.util.spec_from_file_location("writer_paste", ROOT / "scripts" / "writer_paste.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


script = load_script()
pytestmark = pytest.mark.skipif(bool(script.available()), reason=script.available() or "")


def test_every_offered_style_pastes_as_one_paragraph_with_its_italics():
    contents = script.clipboard_contents()
    rows = {row["style"]: row for row in script.summarise(contents, script.run_writer(contents))}
    assert set(rows) == set(contents)
    for style_id, row in rows.items():
        assert row["paragraphs"] == 1 and row["sentence_kept"], (style_id, row["text"])
    title_as_sentence = "Trafficking in human beings, especially women and children"
    assert rows["apa"]["italic"] == [title_as_sentence]  # APA italicises a report's title, sentence case
    assert rows["modern-language-association"]["italic"] == ["Trafficking in Human Beings, Especially Women and Children"]
    assert rows["ieee"]["italic"] == []  # IEEE: the title in quotes, not italic


def test_the_check_sees_a_block_inside_an_entry():
    """The old IEEE markup (issue 13) split the user's paragraph in three: the script must see it."""
    old = {"ieee": {"html": '<div class="csl-left-margin">[1]</div><div class="csl-right-inline">Title, 2003.</div>',
                    "text": "[1] Title, 2003."}}
    rows = script.summarise(old, script.run_writer(old))
    assert rows[0]["paragraphs"] == 3


@pytest.mark.slow
@pytest.mark.skipif(bool(script.x11_missing()), reason=script.x11_missing() or "")
def test_the_real_paste_from_the_x_clipboard_stays_in_the_sentence():
    """Writer with a window on Xvfb pastes (Edit > Paste) what the program's own code put on the X
    clipboard: every offered style and a passage of the detail pane stay inside the sentence."""
    contents = script.clipboard_contents()
    rows = {row["style"]: row for row in script.summarise(contents, script.run_writer_x11(contents))}
    assert set(rows) == set(contents) | {"passage"}
    for name, row in rows.items():
        assert row["paragraphs"] == 1 and row["sentence_kept"], (name, row["text"])
    assert rows["apa"]["italic"] == ["Trafficking in human beings, especially women and children"]
    assert script.PASSAGE in rows["passage"]["text"]
