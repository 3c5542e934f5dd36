"""Reading a record file: JSON checked field by field, versions 1 and 2 (SCHEMA.md). No Qt.

Every problem raises RecordError naming the source and the place (``outline[1].text[0]``).
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

from viewer.core.bounded import NumberTooLarge, json_constant, json_int

from viewer.core.record_model import (
    ABSTRACT_ID,
    ANNOTATION_ID,
    DETAILS_ID,
    PAGE_ORIGIN,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    Provenance,
    Record,
    RecordError,
    Section,
    standard_sections,
)
from viewer.core.record_parts import Agency, Chapter, Journal, Name

# Version 2's single-text fields beyond version 1's (each optional, "" when absent).
_TEXTS_2 = ("authors_printed", "editors_printed", "publisher_place", "country", "language", "publication_type",
            "format", "isbn", "series", "document_url", "dataset_url")
_URLS = ("document_url", "dataset_url")
_MAX_LIST = 5_000


def parse_record(raw: bytes | str, source: str = "<record>") -> Record:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordError(source, f"byte {exc.start}", "not UTF-8 text") from None
    try:
        data = json.loads(raw, parse_int=json_int, parse_constant=json_constant)
    except NumberTooLarge as exc:
        raise RecordError(source, "", f"not valid JSON ({exc})") from None
    except json.JSONDecodeError as exc:
        raise RecordError(source, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise RecordError(source, "", "not valid JSON (nested too deeply)") from None
    found = unpaired_surrogate(data)
    if found:
        raise RecordError(source, found[0], found[1])
    return _Validator(source).record(data)


def unpaired_surrogate(data: Any, where: str = "") -> tuple[str, str] | None:
    """Where parsed JSON holds half of a surrogate pair (``"\\ud800"`` escaped alone), and the problem.

    Such a string is not text: nothing can encode it (the library, the clipboard and the
    JavaScript engine all refuse it), so a file holding one is reported, not imported."""
    if isinstance(data, str):
        if not data.isascii():
            try:
                data.encode("utf-8")
            except UnicodeEncodeError as exc:
                return where, f"unpaired surrogate \\u{ord(data[exc.start]):04x} (half of a character)"
        return None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        path = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}" if where else str(key)
        found = (unpaired_surrogate(key, where or "key") if isinstance(key, str) else None) or \
            unpaired_surrogate(value, path)
        if found:
            return found
    return None


def _kind_name(kind: type) -> str:
    return {str: "text", int: "a whole number", list: "a list", dict: "an object", bool: "true/false",
            float: "a number", type(None): "null"}.get(kind, kind.__name__)


class _Validator:
    def __init__(self, source: str) -> None:
        self.source = source
        self.seen_ids: set[str] = set()

    def fail(self, where: str, problem: str) -> RecordError:
        return RecordError(self.source, where, problem)

    def get(self, obj: dict, key: str, kind: type, where: str, required: bool = True) -> Any:
        if key not in obj:
            if required:
                raise self.fail(where, f"missing field '{key}'")
            return None
        value = obj[key]
        # bool is an int in Python; never accept it where a number is meant.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(f"{where}{key}", f"expected {_kind_name(kind)}, found {_kind_name(type(value))}")
        return value

    def text(self, obj: dict, key: str, where: str, required: bool = True) -> str:
        value = self.get(obj, key, str, where, required)
        if value is None:
            return ""
        if required and not value.strip():
            raise self.fail(f"{where}{key}", "must not be empty")
        return value

    def optional(self, obj: dict, key: str, where: str) -> str | None:
        return self.text(obj, key, where, required=False) or None

    def items(self, obj: dict, key: str, where: str, kind: type) -> list[Any]:
        values = self.get(obj, key, list, where, required=False) or []
        if len(values) > _MAX_LIST:
            raise self.fail(f"{where}{key}", f"more than {_MAX_LIST:,} entries")
        for i, value in enumerate(values):
            if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
                raise self.fail(f"{where}{key}[{i}]", f"expected {_kind_name(kind)}")
        return values

    def header(self, data: Any) -> int:
        if not isinstance(data, dict):
            raise self.fail("", "expected a JSON object at the top level")
        schema = data.get("schema")
        if schema != SCHEMA_NAME:
            raise self.fail("schema", f"expected \"{SCHEMA_NAME}\", found {json.dumps(schema)}")
        version = self.get(data, "schema_version", int, "")
        if version > SCHEMA_VERSION:
            raise self.fail("schema_version", f"version {version} is newer than this program reads ({SCHEMA_VERSION})")
        if version < 1:
            raise self.fail("schema_version", f"unknown version {version}")
        return version

    def record(self, data: Any) -> Record:
        version = self.header(data)
        record_id = self.text(data, "id", "")
        ncj = self.text(data, "ncj_number", "", required=False)
        if ncj and not (ncj.isdigit() and len(ncj) <= 9):
            raise self.fail("ncj_number", f"expected digits, found {json.dumps(ncj)}")
        title = self.text(data, "title", "")
        annotation = self.text(data, "annotation", "", required=False)
        abstract = self.text(data, "abstract", "", required=False)
        pages = self.get(data, "pages", int, "", required=False)
        if pages is not None and pages < 1:
            raise self.fail("pages", f"expected a positive number, found {pages}")
        # Version 1 called the CSL extras "citation".
        extra_key = "citation" if version == 1 else "csl_extra"
        extra = self.get(data, extra_key, dict, "", required=False) or {}
        fields = {"annotation": annotation, "abstract": abstract}
        outline = self.get(data, "outline", list, "", required=False) or []
        topics = tuple(self.section(item, f"outline[{i}]", fields, 0) for i, item in enumerate(outline))
        for fixed in (DETAILS_ID, ANNOTATION_ID, ABSTRACT_ID):
            if fixed in self.seen_ids:
                raise self.fail("outline", f"section id '{fixed}' is reserved")
        authors, names = self.authors(data)
        return Record(
            id=record_id, ncj_number=ncj, title=title,
            title_sentence_case=self.text(data, "title_sentence_case", "", required=False) or title,
            date_published=self.text(data, "date_published", "", required=False),
            length=self.text(data, "length", "", required=False), pages=pages,
            annotation=annotation, abstract=abstract, authors=authors, author_names=names,
            provenance=self.provenance(data), sections=standard_sections(annotation, abstract, topics),
            csl_extra=MappingProxyType(dict(extra)), **self.issued(data), **self.version_2(data),
        )

    def issued(self, data: dict) -> dict[str, Any]:
        issued = self.get(data, "issued", dict, "", required=False) or {}
        year = self.get(issued, "year", int, "issued.", required=bool(issued))
        month = self.get(issued, "month", int, "issued.", required=False)
        if month is not None and not 1 <= month <= 12:
            raise self.fail("issued.month", f"expected 1 to 12, found {month}")
        season = self.get(issued, "season", int, "issued.", required=False)
        if season is not None and not 1 <= season <= 4:
            raise self.fail("issued.season", f"expected 1 to 4, found {season}")
        if year is not None and not 1 <= year <= 9999:
            raise self.fail("issued.year", f"expected 1 to 9999, found {year}")
        return {"issued_year": year, "issued_month": month, "issued_season": season}

    def authors(self, data: dict) -> tuple[tuple[str, ...], tuple[Name, ...]]:
        """Version 1 names are text; version 2 may give name objects (then text is their sort form)."""
        values = self.get(data, "authors", list, "", required=False) or []
        if values and all(isinstance(v, dict) for v in values):
            names = self.names(data, "authors", "")
            return tuple(n.sort_form() for n in names), names
        for i, name in enumerate(values):
            if not isinstance(name, str) or not name.strip():
                raise self.fail(f"authors[{i}]", "expected a name")
        return tuple(values), ()

    def names(self, obj: dict, key: str, where: str) -> tuple[Name, ...]:
        names = []
        for i, item in enumerate(self.items(obj, key, where, dict)):
            at = f"{where}{key}[{i}]."
            literal = self.text(item, "literal", at, required=False)
            family = self.text(item, "family", at, required=not literal)
            names.append(Name(family, self.text(item, "given", at, False), self.text(item, "particle", at, False),
                              self.text(item, "suffix", at, False), literal))
        return tuple(names)

    def agencies(self, data: dict, key: str) -> tuple[Agency, ...]:
        out = []
        for i, item in enumerate(self.items(data, key, "", dict)):
            at = f"{key}[{i}]."
            address = tuple(self.items(item, "address", at, str))
            out.append(Agency(self.text(item, "name", at), address, self.optional(item, "country", at)))
        return tuple(out)

    def provenance(self, data: dict) -> Provenance | None:
        prov = self.get(data, "provenance", dict, "", required=False)
        if prov is None:
            return None
        version_1 = data.get("schema_version") == 1  # version 1 required library and agency
        provenance = Provenance(self.text(prov, "library", "provenance.", required=version_1),
                                self.text(prov, "agency", "provenance.", required=version_1),
                                self.text(prov, "url", "provenance.", required=False))
        if provenance.url and not provenance.url.startswith(("https://", "http://")):
            raise self.fail("provenance.url", "expected an http(s) address")
        if not (provenance.library or provenance.url):
            raise self.fail("provenance", "expected a library or a url")
        return provenance

    def version_2(self, data: dict) -> dict[str, Any]:
        origin = self.text(data, "origin", "", required=False)
        if origin not in ("", PAGE_ORIGIN):
            raise self.fail("origin", f"expected \"{PAGE_ORIGIN}\", found {json.dumps(origin)}")
        texts = {key: self.text(data, key, "", required=False) for key in _TEXTS_2}
        for key in _URLS:
            if texts[key] and not texts[key].startswith(("https://", "http://")):
                raise self.fail(key, "expected an http(s) address")
        labels = self.get(data, "labels", dict, "", required=False) or {}
        for key, value in labels.items():
            if not isinstance(value, str) or not value.strip():
                raise self.fail(f"labels.{key}", "expected a label")
        return dict(
            texts, origin=origin, editors=self.names(data, "editors", ""),
            corporate_authors=self.agencies(data, "corporate_authors"), publishers=self.agencies(data, "publishers"),
            sponsoring_agencies=self.agencies(data, "sponsoring_agencies"),
            sale_sources=self.agencies(data, "sale_sources"),
            grant_numbers=tuple(self.items(data, "grant_numbers", "", str)),
            journal=self.journal(data), chapter=self.chapter(data), labels=tuple(sorted(labels.items())),
        )

    def journal(self, data: dict) -> Journal | None:
        obj = self.get(data, "journal", dict, "", required=False)
        if obj is None:
            return None
        parts = {key: self.optional(obj, key, "journal.") for key in ("title", "volume", "issue", "dated", "pages")}
        if not any(parts.values()):
            raise self.fail("journal", "expected at least one of title, volume, issue, dated, pages")
        return Journal(**parts)

    def chapter(self, data: dict) -> Chapter | None:
        obj = self.get(data, "chapter", dict, "", required=False)
        if obj is None:
            return None
        year = self.get(obj, "year", int, "chapter.", required=False)
        if year is not None and not 1 <= year <= 9999:
            raise self.fail("chapter.year", f"expected 1 to 9999, found {year}")
        ncj = self.optional(obj, "container_ncj", "chapter.")
        if ncj is not None and not (ncj.isdigit() and len(ncj) <= 9):
            raise self.fail("chapter.container_ncj", f"expected digits, found {json.dumps(ncj)}")
        return Chapter(self.text(obj, "container_title", "chapter."), self.optional(obj, "pages", "chapter."), year,
                       self.names(obj, "editors", "chapter."), self.optional(obj, "editors_printed", "chapter."),
                       ncj, self.optional(obj, "printed", "chapter."))

    def section(self, item: Any, where: str, fields: dict[str, str], depth: int) -> Section:
        if depth > 8:
            raise self.fail(where, "outline nested deeper than 8 levels")
        if not isinstance(item, dict):
            raise self.fail(where, "expected an object")
        prefix = f"{where}."
        section_id = self.text(item, "id", prefix)
        if section_id in self.seen_ids:
            raise self.fail(f"{prefix}id", f"duplicate section id '{section_id}'")
        self.seen_ids.add(section_id)
        heading = self.text(item, "heading", prefix)
        source = self.text(item, "source", prefix)
        if source not in fields:
            raise self.fail(f"{prefix}source", f"expected one of {', '.join(fields)}, found {json.dumps(source)}")
        sentences = self.get(item, "text", list, prefix)
        if not sentences:
            raise self.fail(f"{prefix}text", "must hold at least one sentence")
        for i, sentence in enumerate(sentences):
            # Section text is a quotation of the record, never new prose.
            if not isinstance(sentence, str) or not sentence.strip() or sentence not in fields[source]:
                raise self.fail(f"{prefix}text[{i}]", f"not a verbatim quotation of the record's {source}")
        emphasis = self.text(item, "emphasis", prefix, required=False)
        if emphasis and not any(emphasis in s for s in sentences):
            raise self.fail(f"{prefix}emphasis", "phrase does not occur in the section's text")
        children = self.get(item, "children", list, prefix, required=False) or []
        return Section(
            id=section_id, heading=heading, source=source, text=tuple(sentences), emphasis=emphasis,
            children=tuple(self.section(c, f"{prefix}children[{i}]", fields, depth + 1) for i, c in enumerate(children)),
        )
