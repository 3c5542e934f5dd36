"""An NCJRS page's text cut into its labelled fields, with the site's chrome left out.

Two shapes exist: today's ojp.gov pages put a label on its own line and the value below it;
the older ncjrs.gov pages write "Label: value", with address blocks on the lines after it. Both
can occur in one copy (an agency-library page adds a "Date Published: January 1, 1998" footer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Canonical key -> the label's spellings. Keys marked colon-only are too common as words to be
# taken for a label when they stand alone on a line.
LABELS: dict[str, tuple[str, ...]] = {
    "ncj": ("NCJ Number", "NCJ No.", "NCJ #"),
    "title": ("Title",),
    "journal": ("Journal",),
    "authors": ("Author(s)", "Authors", "Author"),
    "editors": ("Editor(s)", "Editors", "Editor"),
    "corporate": ("Corporate Author(s)", "Corporate Authors", "Corporate Author"),
    "publisher": ("Publisher",),
    "sponsors": ("Sponsoring Agency(ies)", "Sponsoring Agencies", "Sponsoring Agency"),
    "sale": ("Sale Source(s)", "Sale Sources", "Sale Source"),
    "grant": ("Grant Number(s)", "Grant Numbers", "Grant Number", "Contract Number"),
    "date": ("Date Published", "Publication Date"),
    "length": ("Length", "Page Count"),
    "annotation": ("Annotation",),
    "abstract": ("Abstract",),
    "country": ("Country",),
    "language": ("Language",),
    "pubtype": ("Publication Type", "Type"),
    "format": ("Publication Format", "Format"),
    "pubnumber": ("Publication Number",),
    "isbn": ("ISBN",),
    "series": ("Publication Series", "Series"),
    "document_url": ("Document URL", "Document"),
    "dataset_url": ("Dataset URL",),
    "publisher_url": ("Publisher URL",),
    "project_director": ("Project Director",),
    "other": ("Main Term(s)", "Index Term(s)", "Note", "Notes", "Supplemental Notes", "Topic(s)",
              "Subject(s)", "Keywords", "Availability"),
}
_COLON_ONLY = frozenset({"Title", "Type", "Document", "Note", "Notes", "Availability", "Keywords",
                         "Subject(s)", "Author", "Editor", "Series", "ISBN"})
PROSE = frozenset({"annotation", "abstract"})
_BY_SPELLING = {s.lower(): (key, s) for key, spellings in LABELS.items() for s in spellings}
_LABEL_ALT = "|".join(re.escape(s) for s in sorted(_BY_SPELLING, key=len, reverse=True))
_COLON_LABEL = re.compile(rf"({_LABEL_ALT})\s*:\s*(.*)", re.IGNORECASE | re.DOTALL)
_NCJ_COLON = re.compile(r"(?:NCJ Number|Title)\s*:", re.IGNORECASE)

# Lines of site chrome, compared lowercased: whole lines, then beginnings of lines.
CHROME = frozenset(s.lower() for s in (
    "U.S. flag", "An official website of the United States government, Department of Justice.",
    "An official website of the United States government", "Here's how you know",
    "Here’s how you know", "Official websites use .gov", "Secure .gov websites use HTTPS",
    "NCJRS Virtual Library", "skip navigation", "Skip to main content", "Register for Latest Research",
    "Stay Informed", "NCJRS Abstract", "Abstract Database", "PUBLICATIONS", "How to Obtain Documents",
    "National Library Week", "Find in a Library", "Add to Shopping cart", "Office of Justice Programs",
    "Home", "Search", "Menu", "Share", "Print", "Email", "Facebook", "Twitter", "LinkedIn",
    "Virtual Library", "Abstracts Database", "Back To Search Results", "Search Results", "Close",
))
CHROME_STARTS = tuple(s.lower() for s in (
    "The Virtual Library houses", "Click here to search", "Register with NCJRS",
    "The document referenced below", "To conduct further searches", "To download this abstract",
    "Add your conference", "NCJRS Celebrates", "Started in 1958", "We encourage your Feedback",
    "A .gov website belongs", "A lock (", "Share sensitive information only",
    "An official website of the United States government",
))
_STOPS = frozenset(s.lower() for s in (
    "Similar Publications", "Related Publications", "Downloads", "Download", "Back to top",
    "Return to top", "Was this page helpful?", "Topics", "Related Content",
))
_CITE = "to cite this abstract"
_MAX_LINES = 20_000


@dataclass
class Field:
    key: str
    label: str
    lines: list[str] = field(default_factory=list)  # the inline value first, as the page has them


@dataclass
class Segments:
    header: list[str]
    fields: list[Field]
    cite_url_text: str | None = None  # the line(s) after "To cite this abstract"


def clean(line: str) -> str:
    """A line with copy artefacts (non-breaking and other odd spaces) folded into single spaces."""
    return " ".join(line.replace("\u00a0", " ").replace("\u200b", "").split())


def is_chrome(line: str) -> bool:
    low = line.lower()
    return low in CHROME or low.startswith(CHROME_STARTS)


def is_stop(line: str) -> bool:
    low = line.lower().rstrip(":")
    return low in _STOPS or low.startswith(_CITE)


def label_of(line: str, in_prose: bool, legacy: bool) -> tuple[str, str, str] | None:
    """(key, label, inline value) when ``line`` (already cleaned) starts a field."""
    if len(line) > 40_000:
        return None
    bare = line[:-1].rstrip() if line.endswith(":") else line
    hit = _BY_SPELLING.get(bare.lower())
    if hit and (hit[1] not in _COLON_ONLY or line.endswith(":")):
        return hit[0], hit[1], ""
    m = _COLON_LABEL.match(line)
    if m is None:
        return None
    key, label = _BY_SPELLING[m.group(1).lower()]
    if in_prose and not legacy and key != "date":
        return None  # a "Note: ..." line inside today's abstract is part of it
    return key, label, m.group(2)


def segment(text: str) -> Segments:
    raw_lines = text.split("\n")[:_MAX_LINES]
    legacy = any(_NCJ_COLON.match(clean(line)) for line in raw_lines[:400])
    header: list[str] = []
    fields: list[Field] = []
    cite: str | None = None
    for index, raw in enumerate(raw_lines):
        line = clean(raw)
        current = fields[-1] if fields else None
        in_prose = current is not None and current.key in PROSE
        if fields and is_stop(line):
            if line.lower().startswith(_CITE):
                cite = " ".join(clean(x) for x in raw_lines[index: index + 3])
            break
        hit = label_of(line, in_prose, legacy)
        if hit is not None:
            key, label, inline = hit
            if key == "date" and fields and not legacy and ":" in line:
                key = "date_footer"  # an agency-library page's own publishing date, after the record
            fields.append(Field(key, label, [inline]))
        elif current is None:
            if line:
                header.append(line)
        elif in_prose:
            if is_chrome(line):
                break
            current.lines.append(raw.replace("\u00a0", " ").rstrip())
        elif not is_chrome(line):
            current.lines.append(line)
    return Segments(header, fields, cite)


def title_from_header(header: list[str]) -> str | None:
    """Today's pages print the title alone, just before the first label, after the site's chrome."""
    for line in reversed(header):
        if is_chrome(line) or is_stop(line):
            return None
        if 0 < len(line) <= 2000:
            return line
    return None
