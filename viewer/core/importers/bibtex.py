"""BibTeX, read with bibtexparser 2; LaTeX accents and braces become plain text."""

from __future__ import annotations

import logging
import re
from typing import Any

from viewer.core.importers.common import (
    MONTHS,
    SPACE,
    BadEntry,
    BadValue,
    cancel_point,
    Builder,
    ImportedRecord,
    ImportFileError,
    ImportReport,
    clean,
    date_from_text,
    small_int,
    with_place,
)

# bibtexparser logs every block it cannot parse; we report those ourselves.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())



_BIB_TYPES = {"article": "article-journal", "book": "book", "inbook": "chapter", "incollection": "chapter",
              "inproceedings": "paper-conference", "conference": "paper-conference", "techreport": "report",
              "report": "report", "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
              "online": "webpage", "misc": "document", "unpublished": "manuscript", "manual": "book"}


def parse_bibtex(text: str, source: str = "<bibtex>") -> ImportReport:
    import bibtexparser
    from bibtexparser import model

    report = ImportReport(source, "bibtex")
    try:
        library = bibtexparser.parse_string(text)
    except RecursionError:
        raise ImportFileError(source, "", "not readable BibTeX (nested too deeply)") from None
    index = 0
    for block in library.blocks:
        cancel_point()
        line = (block.start_line or 0) + 1
        if isinstance(block, model.DuplicateBlockKeyBlock):
            report.bad.append(BadEntry(source, f"line {line}", f"duplicate key '{block.key}'", line=line, index=index))
            index += 1
        elif isinstance(block, model.ParsingFailedBlock):
            report.bad.append(BadEntry(source, f"line {line}", _bib_error(block), line=line, index=index))
            index += 1
        elif isinstance(block, model.Entry):
            where = f"line {line}"
            try:
                imported = _bib_entry(block, where)
            except BadValue as exc:
                report.bad.append(BadEntry(source, where, f"@{block.entry_type}{{{block.key}}}: {exc}",
                                           line=line, index=index))
            else:
                report.entries.append(with_place(imported, line, index))
            index += 1
    if not report.entries and not report.bad:
        raise ImportFileError(source, "", "no BibTeX entries found")
    return report


def _bib_error(block: Any) -> str:
    error = getattr(block, "error", None)
    message = SPACE.sub(" ", str(getattr(error, "abort_reason", "") or error or "")).strip()
    return f"not valid BibTeX ({message[:200]})" if message else "not valid BibTeX"


def _bib_entry(entry: Any, where: str) -> ImportedRecord:
    fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f.value, str)}

    def text(*keys: str) -> str:
        for key in keys:
            if fields.get(key, "").strip():
                return clean(_latex_to_text(fields[key]))
        return ""

    b = Builder()
    b.title = text("title")
    if not b.title:
        raise BadValue("no title field")
    for name in _bib_names(fields.get("author", "")):
        b.add_name(name)
    if fields.get("date", "").strip():
        b.set_date(*date_from_text(text("date"), "date"))
    elif fields.get("year", "").strip():
        year, _, _, date_text = date_from_text(text("year"), "year")
        month = _bib_month(text("month")) if fields.get("month", "").strip() else None
        b.set_date(year, month, None, date_text)
    b.abstract = text("abstract")
    b.annotation = text("annotation", "annote")
    if fields.get("pagetotal", "").strip():
        b.set_pages(text("pagetotal"))
    for key in ("number", "note", "ncj"):
        b.ncj_from_text(text(key), key)
    b.ncj_from_url(text("url"), "url")
    b.citation["type"] = _BIB_TYPES.get(entry.entry_type.lower(), "document")
    for keys, csl in ((("publisher", "institution", "organization", "school"), "publisher"),
                      (("address", "location"), "publisher-place"),
                      (("journal", "journaltitle", "booktitle"), "container-title"),
                      (("series",), "collection-title"), (("volume",), "volume"), (("number",), "number"),
                      (("edition",), "edition"), (("doi",), "DOI"), (("url",), "URL"),
                      (("isbn",), "ISBN"), (("issn",), "ISSN"), (("note",), "note")):
        value = text(*keys)
        if value:
            b.citation[csl] = value
    if text("pages"):
        b.citation["page"] = re.sub(r"\s*-+\s*", "-", text("pages"))  # 101--130 -> 101-130
    b.citation["citation-key"] = entry.key
    return b.build(where)


def _bib_names(value: str) -> list[dict[str, str]]:
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    names = []
    for raw in split_multiple_persons_names(value) if value.strip() else []:
        raw = raw.strip()
        if not raw or raw.lower() == "others":
            continue
        if raw.startswith("{") and raw.endswith("}") and _balanced(raw[1:-1]):
            names.append({"literal": clean(_latex_to_text(raw[1:-1]))})  # {Corporate Name}
            continue
        try:
            parts = parse_single_name_into_parts(raw, strict=False)
        except Exception as exc:
            raise BadValue(f"author: cannot read the name {raw[:60]!r} ({exc})") from None
        family = clean(_latex_to_text(" ".join(parts.von + parts.last)))
        given = clean(_latex_to_text(" ".join(parts.first)))
        suffix = clean(_latex_to_text(" ".join(parts.jr)))
        name = {k: v for k, v in (("family", family), ("given", given), ("suffix", suffix)) if v}
        if not (family or given):
            continue
        names.append(name)
    return names


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _bib_month(value: str) -> int | None:
    value = value.strip().strip(".").lower()
    if value.isdigit():
        month = small_int(value)
        if month is not None and 1 <= month <= 12:
            return month
        raise BadValue(f"month: expected 1 to 12, found {value}")
    if value in MONTHS:
        return MONTHS[value]
    raise BadValue(f"month: not a month ({value[:20]!r})")


def _latex_to_text(value: str) -> str:
    if "\\" not in value and "{" not in value and "$" not in value and "~" not in value:
        return value
    try:
        from pylatexenc.latex2text import LatexNodes2Text

        return LatexNodes2Text(math_mode="verbatim", keep_comments=True).latex_to_text(value)
    except Exception:  # pylatexenc is tolerant, but never let odd LaTeX lose a whole entry
        return value.replace("{", "").replace("}", "")
