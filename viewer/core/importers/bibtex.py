"""BibTeX, read with bibtexparser 2; LaTeX accents and braces become plain text."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from viewer.core.importers.common import (
    MAX_TEXT,
    MAX_TITLE,
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
from viewer.core.importers import bibtex_split
from viewer.core.importers.latex_text import latex_to_text
from viewer.core.importers.bibtex_split import Batch, batches

# bibtexparser logs every block it cannot parse; we report those ourselves.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

MAX_MACROS = 20_000  # @string definitions a file may make, kept while it is read
MAX_MACRO_CHARS = 4 << 20  # their names and values in all

_BIB_TYPES = {"article": "article-journal", "book": "book", "inbook": "chapter", "incollection": "chapter",
              "inproceedings": "paper-conference", "conference": "paper-conference", "techreport": "report",
              "report": "report", "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
              "online": "webpage", "misc": "document", "unpublished": "manuscript", "manual": "book"}


def parse_bibtex(text: str, source: str = "<bibtex>") -> ImportReport:
    report = ImportReport(source, "bibtex")
    report.entries.extend(iter_bibtex([text], source, report.bad))
    return report


def iter_bibtex(chunks: Iterable[str], source: str, bad: list[BadEntry]) -> Iterator[ImportedRecord]:
    """The good entries of BibTeX text given in pieces, read a batch of blocks at a time (see
    :mod:`bibtex_split`) while they are asked for; bad ones are appended to ``bad``. Holds one
    batch, the ``@string`` macros defined so far and the keys of the entries read."""
    from bibtexparser import model

    state = _State(source)
    index = good = 0
    for batch in batches(chunks):
        cancel_point()
        if batch.too_long:
            bad.append(BadEntry(source, f"line {batch.line + 1}", f"a block longer than {bibtex_split.MAX_BLOCK_CHARS:,} "
                                f"characters (not read)", line=batch.line + 1, index=index))
            index += 1
            continue
        for block in state.parse(batch):
            cancel_point()
            line = batch.line + (block.start_line or 0) + 1
            if isinstance(block, model.DuplicateBlockKeyBlock):
                bad.append(BadEntry(source, f"line {line}", f"duplicate key '{block.key}'", line=line, index=index))
            elif isinstance(block, model.ParsingFailedBlock):
                bad.append(BadEntry(source, f"line {line}", _bib_error(block), line=line, index=index))
            elif isinstance(block, model.Entry):
                where = f"line {line}"
                try:
                    imported = _bib_entry(block, where)
                except BadValue as exc:
                    bad.append(BadEntry(source, where, f"@{block.entry_type}{{{block.key}}}: {exc}",
                                        line=line, index=index))
                else:
                    good += 1
                    yield with_place(imported, line, index)
            else:
                continue
            index += 1
    if not good and not bad:
        raise ImportFileError(source, "", "no BibTeX entries found")


class _State:
    """What one batch needs from the ones before it: the ``@string`` macros (as split, before any
    middleware: the parse stack resolves and unbraces them) and the keys of the entries read."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.macros: dict[str, list[tuple[str, str]]] = {}  # lower-case name -> (key, value), in order
        self.macro_count = self.macro_chars = self.longest = 0
        self.keys: set[str] = set()

    def parse(self, batch: Batch) -> list[Any]:
        """The batch's blocks as bibtexparser gives them for the whole text: macros of earlier
        batches resolve, keys of earlier batches are duplicates."""
        from bibtexparser import model
        from bibtexparser.library import Library
        from bibtexparser.middlewares.parsestack import default_parse_stack
        from bibtexparser.splitter import Splitter

        try:
            blocks = Splitter(batch.text + batch.sentinel).split().blocks
            if batch.sentinel:
                blocks = blocks[:-1]  # the next batch's first block, cut short by the batch's end
            seeds = self._seeds(blocks)
            library = Library()
            library.add(seeds + blocks, fail_on_duplicate_key=False)
            strings = [b for b in library.blocks[len(seeds):] if isinstance(b, model.String)]
            self._keep(strings, batch)
            for middleware in default_parse_stack(allow_inplace_modification=True):
                library = middleware.transform(library=library)
        except RecursionError:
            raise ImportFileError(self.source, "", "not readable BibTeX (nested too deeply)") from None
        self.keys.update(library.entries_dict)
        return library.blocks[len(seeds):]

    def _seeds(self, blocks: list[Any]) -> list[Any]:
        """Stand-ins for what earlier batches defined that these blocks name: the macros their
        fields or @string keys name, and an entry for each key read before."""
        from bibtexparser import model

        names = {b.key.lower() for b in blocks if isinstance(b, model.String)}
        entries = [b for b in blocks if isinstance(b, model.Entry)]
        if self.macros:
            names.update(f.value.lower() for e in entries for f in e.fields
                         if isinstance(f.value, str) and f.value[:1] not in ('{', '"') and len(f.value) <= self.longest)
        seeds: list[Any] = [model.String(key=key, value=value) for name in names
                            for key, value in self.macros.get(name, ())]
        seeds += [model.Entry(entry_type="misc", key=e.key, fields=[]) for e in entries if e.key in self.keys]
        return seeds

    def _keep(self, strings: list[Any], batch: Batch) -> None:
        for string in strings:
            value = string.value if isinstance(string.value, str) else str(string.value)
            self.macro_count += 1
            self.macro_chars += len(string.key) + len(value)
            if self.macro_count > MAX_MACROS or self.macro_chars > MAX_MACRO_CHARS:
                line = batch.line + (string.start_line or 0) + 1
                raise ImportFileError(self.source, f"line {line}", f"more @string macros than a file may define "
                                      f"(at most {MAX_MACROS:,}, {MAX_MACRO_CHARS:,} characters in all)")
            self.macros.setdefault(string.key.lower(), []).append((string.key, value))
            self.longest = max(self.longest, len(string.key))


def _bib_error(block: Any) -> str:
    error = getattr(block, "error", None)
    message = SPACE.sub(" ", str(getattr(error, "abort_reason", "") or error or "")).strip()
    return f"not valid BibTeX ({message[:200]})" if message else "not valid BibTeX"


def _bib_entry(entry: Any, where: str) -> ImportedRecord:
    fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f.value, str)}

    def text(*keys: str) -> str:
        for key in keys:
            if fields.get(key, "").strip():
                if len(fields[key]) > 4 * MAX_TEXT:  # refused before its LaTeX is read (seconds a field)
                    raise BadValue(f"{key} longer than {MAX_TEXT:,} characters")
                return clean(latex_to_text(fields[key]))
        return ""

    b = Builder()
    if len(fields.get("title", "")) > 4 * MAX_TITLE:  # LaTeX costs ~0.1 ms a macro: no 1M-macro title read
        raise BadValue(f"title longer than {MAX_TITLE:,} characters")
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
    if b.citation["type"] == "article-journal" and "number" in b.citation:
        b.citation["issue"] = b.citation.pop("number")  # an article's number is its journal's issue
    editors = _bib_names(fields.get("editor", ""))
    if editors:
        b.citation["editor"] = editors
    if text("pages"):
        b.citation["page"] = re.sub(r"\s*-+\s*", "-", text("pages"))  # 101--130 -> 101-130
    b.citation["citation-key"] = entry.key
    return b.build(where)


def _bib_names(value: str) -> list[dict[str, str]]:
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    if len(value) > 4 * MAX_TEXT:  # as for any field: not read at all
        raise BadValue(f"names longer than {MAX_TEXT:,} characters")
    names = []
    for raw in split_multiple_persons_names(value) if value.strip() else []:
        raw = raw.strip()
        if not raw or raw.lower() == "others":
            continue
        if raw.startswith("{") and raw.endswith("}") and _balanced(raw[1:-1]):
            names.append({"literal": clean(latex_to_text(raw[1:-1]))})  # {Corporate Name}
            continue
        try:
            parts = parse_single_name_into_parts(raw, strict=False)
        except Exception as exc:
            raise BadValue(f"author: cannot read the name {raw[:60]!r} ({exc})") from None
        family = clean(latex_to_text(" ".join(parts.von + parts.last)))
        given = clean(latex_to_text(" ".join(parts.first)))
        suffix = clean(latex_to_text(" ".join(parts.jr)))
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
