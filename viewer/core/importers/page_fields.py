"""Reading each labelled field's value; what a field cannot use goes back as "orphan" lines.

Degraded pages drop labels but keep values ("NCJ Number" followed straight by the journal line);
orphans are placed by their shape: a journal line, a date, a length, a list of names, then prose
(the first paragraph is the annotation, the rest the abstract).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from viewer.core.importers.page_lines import Field
from viewer.core.importers.page_names import looks_like_names
from viewer.core.importers.page_values import (
    find_isbn,
    find_url,
    looks_like_date,
    looks_like_journal,
    looks_like_length,
)

_NCJ = re.compile(r"(?:NCJ[\s#:-]*)?(\d{1,9})(?!\d)", re.IGNORECASE)
_SINGLE = ("country", "language", "pubtype", "format", "series", "title")


@dataclass
class Found:
    """The raw values of one page, before they are interpreted (the first of each label wins)."""

    values: dict[str, str] = field(default_factory=dict)
    blocks: dict[str, list[str]] = field(default_factory=dict)
    grants: list[str] = field(default_factory=list)
    link_texts: dict[str, str] = field(default_factory=dict)  # "document_url" -> "PDF"
    labels: list[str] = field(default_factory=list)


def read_fields(fields: list[Field]) -> Found:
    found = Found()
    orphans: list[str] = []
    for f in fields:
        found.labels.append(f.label)
        if f.key in found.values or f.key in found.blocks:
            continue  # a second "Date Published" and the like: the record's own comes first
        orphans.extend(_read_one(f, found))
    _place_orphans(orphans, found)
    return found


def _read_one(f: Field, found: Found) -> list[str]:
    """Stores what ``f`` holds and returns the lines it could not use."""
    key = f.key
    if key in ("annotation", "abstract"):
        text = prose(f.lines)
        if text:
            found.values[key] = text
        return []
    lines = f.lines
    if key in ("corporate", "sponsors", "sale", "publisher"):
        found.blocks[key] = lines
        return []
    if key == "grant":
        for line in lines:
            found.grants += [g.strip() for g in re.split(r";|,\s|\s+and\s+", line) if g.strip()]
        return []
    first, rest = _first(lines)
    if first is None:
        return rest
    if key == "ncj":
        m = _NCJ.match(first)
        if m is None:
            return [first] + rest
        found.values[key] = m.group(1)
    elif key == "journal":
        if not looks_like_journal(first) and first.endswith("."):
            return [first] + rest
        found.values[key] = first
    elif key in ("authors", "editors"):
        names = [first] + [line for line in rest if looks_like_names(line)]
        rest = [line for line in rest if line not in names]
        found.values[key] = "; ".join(names)
    elif key in ("date", "date_footer"):
        if not looks_like_date(first):
            return [first] + rest
        found.values[key] = first
    elif key == "length":
        if not (any(c.isdigit() for c in first) and len(first) <= 40):
            return [first] + rest
        found.values[key] = first
    elif key in ("document_url", "dataset_url", "publisher_url"):
        url = find_url(" ".join(lines))
        if url:
            found.values[key] = url
        else:
            found.link_texts[key] = first
        return []
    elif key in ("pubnumber", "isbn"):
        isbn = find_isbn(first)
        if isbn:
            found.values["isbn"] = isbn
    elif key in _SINGLE:
        found.values[key] = first if key != "title" else " ".join(x for x in lines if x)
        return [] if key == "title" else rest
    else:
        return []  # Project Director, index terms: not part of a citation
    return rest


def _first(lines: list[str]) -> tuple[str | None, list[str]]:
    for i, line in enumerate(lines):
        if line.strip():
            return " ".join(line.split()), [x for x in lines[i + 1:]]
    return None, []


def prose(lines: list[str]) -> str:
    """Annotation or abstract verbatim: the page's line breaks kept, outer whitespace stripped."""
    # A raw copy's indentation (common to every line) is markup, not the page's text.
    return textwrap.dedent("\n".join(line.rstrip() for line in lines)).strip()


def _place_orphans(orphans: list[str], found: Found) -> None:
    values = found.values
    for i, line in enumerate(orphans):
        text = " ".join(line.split())
        if not text:
            continue
        if "journal" not in values and looks_like_journal(text):
            values["journal"] = text
        elif "date" not in values and looks_like_date(text):
            values["date"] = text
        elif "length" not in values and looks_like_length(text):
            values["length"] = text
        elif not ({"authors", "annotation"} & values.keys()) and looks_like_names(text):
            values["authors"] = text
        elif "annotation" not in values:
            values["annotation"] = text
        else:
            if "abstract" not in values:
                values["abstract"] = prose(orphans[i:])
            return
