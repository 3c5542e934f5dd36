"""ncjrs-viewer styles --add: a checked copy in <library>/styles, listed and cited like any other."""

from __future__ import annotations

from viewer.cli import main

MY_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>My Course Style</title><id>my-course-style</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
  <bibliography><layout><text value="MINE: "/><text variable="title"/></layout></bibliography>
</style>
"""


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_styles_add_then_list_and_cite(capsys, tmp_path):
    style = tmp_path / "mine.csl"
    style.write_text(MY_STYLE, encoding="utf-8")
    library = str(tmp_path / "lib")
    assert run(capsys, "--library", library, "styles", "--add", str(style)) == (0, "my-course-style\tMy Course Style\n", "")
    assert (tmp_path / "lib" / "styles" / "my-course-style.csl").read_text(encoding="utf-8") == MY_STYLE
    assert run(capsys, "--library", library, "styles", "my course")[1] == "my-course-style\tMy Course Style\n"
    code, out, _ = run(capsys, "--library", library, "cite", "--style", "my-course-style")
    assert code == 0 and out == "MINE: Trafficking in human beings, especially women and children\n"


def test_styles_add_refuses_what_is_not_a_style_in_one_line(capsys, tmp_path):
    bad = tmp_path / "notes.csl"
    bad.write_text("<style xmlns='http://purl.org/net/xbiblio/csl'>\n  <broken>\n</style>\n", encoding="utf-8")
    code, out, err = run(capsys, "--library", str(tmp_path / "lib"), "styles", "--add", str(bad))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "notes.csl" in err and "line" in err
    assert not (tmp_path / "lib" / "styles").exists() or not any((tmp_path / "lib" / "styles").iterdir())
