"""Records and their sections: plain data, loading and validation. No Qt here.

A record file is JSON in the schema described in ``resources/records/SCHEMA.md``
(``"schema": "ncjrs-viewer.record"``, ``"schema_version": 1``). Loading checks every
field and raises :class:`RecordError` with the file and the place of the first problem.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping

SCHEMA_NAME = "ncjrs-viewer.record"
SCHEMA_VERSION = 1

# Ids of the sections every record has; outline topics hang below ABSTRACT_ID.
DETAILS_ID = "details"
ANNOTATION_ID = "annotation"
ABSTRACT_ID = "abstract"


class RecordError(ValueError):
    """A record file that cannot be used; the message names the file and the place."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source, self.where, self.problem = source, where, problem
        place = f" at {where}" if where else ""
        super().__init__(f"{source}{place}: {problem}")


@dataclass(frozen=True)
class Provenance:
    library: str
    agency: str
    url: str


@dataclass(frozen=True)
class Section:
    """One node of a record's outline.

    ``text`` holds sentences quoted verbatim from the record's ``source`` field
    (annotation or abstract); ``emphasis`` is the phrase within them that the
    section is about, or empty when the whole text is the section.
    """

    id: str
    heading: str
    kind: str = "text"  # "details" (the field table) or "text"
    source: str = ""  # "annotation" | "abstract" | "" for the details node
    text: tuple[str, ...] = ()
    emphasis: str = ""
    children: tuple["Section", ...] = ()

    def walk(self, depth: int = 0) -> Iterator[tuple[int, "Section"]]:
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)

    @property
    def plain_text(self) -> str:
        return " ".join(self.text)


@dataclass(frozen=True)
class Record:
    id: str
    ncj_number: str
    title: str
    date_published: str = ""
    issued_year: int | None = None
    issued_month: int | None = None
    length: str = ""
    pages: int | None = None
    annotation: str = ""
    abstract: str = ""
    # Same title as published, cased for styles that want sentence case (APA).
    title_sentence_case: str = ""
    authors: tuple[str, ...] = ()
    provenance: Provenance | None = None
    sections: tuple[Section, ...] = field(default=(), repr=False)
    # CSL-JSON variables an imported file gave that the fields above cannot hold (container
    # title, publisher, DOI, structured names, item type...). Used for citations, never shown as text.
    citation: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    def walk(self) -> Iterator[tuple[int, Section]]:
        for section in self.sections:
            yield from section.walk()

    def section(self, section_id: str) -> Section | None:
        return next((s for _, s in self.walk() if s.id == section_id), None)

    def section_ids(self) -> list[str]:
        return [s.id for _, s in self.walk()]

    def fields(self) -> list[tuple[str, str]]:
        """The record's details as (label, value) pairs, omitting what the source does not give."""
        rows = [
            ("Title", self.title),
            ("NCJ Number", self.ncj_number),  # dropped below when the record has none
            ("Date Published", self.date_published),
            ("Length", self.length),
        ]
        if self.authors:
            rows.insert(1, ("Authors", "; ".join(self.authors)))
        if self.provenance:
            rows.append(("Source", f"{self.provenance.library}, {self.provenance.agency}"))
        return [(label, value) for label, value in rows if value]


def standard_sections(annotation: str, abstract: str, topics: tuple[Section, ...] = ()) -> tuple[Section, ...]:
    """The sections every record has: details, then annotation and abstract where given."""
    sections = [Section(DETAILS_ID, "Record details", kind="details")]
    if annotation:
        sections.append(Section(ANNOTATION_ID, "Annotation", source="annotation", text=(annotation,)))
    if abstract or topics:
        sections.append(Section(ABSTRACT_ID, "Abstract", source="abstract",
                                text=(abstract,) if abstract else (), children=topics))
    return tuple(sections)


# --- loading ---------------------------------------------------------------------------


def load_record_file(path: Path | str) -> Record:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RecordError(str(path), "", "file not found") from None
    except OSError as exc:
        raise RecordError(str(path), "", f"cannot be read ({exc.strerror or exc})") from None
    return parse_record(raw, str(path))


def parse_record(raw: bytes | str, source: str = "<record>") -> Record:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordError(source, f"byte {exc.start}", "not UTF-8 text") from None
    try:
        data = json.loads(raw)
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

    def record(self, data: Any) -> Record:
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

        record_id = self.text(data, "id", "")
        # Records from NCJRS carry their NCJ number; others (imported references) may not.
        ncj = self.text(data, "ncj_number", "", required=False)
        if ncj and not ncj.isdigit():
            raise self.fail("ncj_number", f"expected digits, found {json.dumps(ncj)}")
        title = self.text(data, "title", "")
        annotation = self.text(data, "annotation", "", required=False)
        abstract = self.text(data, "abstract", "", required=False)

        issued = self.get(data, "issued", dict, "", required=False) or {}
        year = self.get(issued, "year", int, "issued.", required=bool(issued))
        month = self.get(issued, "month", int, "issued.", required=False)
        if month is not None and not 1 <= month <= 12:
            raise self.fail("issued.month", f"expected 1 to 12, found {month}")
        pages = self.get(data, "pages", int, "", required=False)
        if pages is not None and pages < 1:
            raise self.fail("pages", f"expected a positive number, found {pages}")

        authors = self.get(data, "authors", list, "", required=False) or []
        for i, name in enumerate(authors):
            if not isinstance(name, str) or not name.strip():
                raise self.fail(f"authors[{i}]", "expected a name")

        prov = self.get(data, "provenance", dict, "", required=False)
        provenance = None
        if prov is not None:
            provenance = Provenance(
                library=self.text(prov, "library", "provenance."),
                agency=self.text(prov, "agency", "provenance."),
                url=self.text(prov, "url", "provenance.", required=False),
            )
            if provenance.url and not provenance.url.startswith(("https://", "http://")):
                raise self.fail("provenance.url", "expected an http(s) address")

        citation = self.get(data, "citation", dict, "", required=False) or {}
        if not all(isinstance(k, str) for k in citation):
            raise self.fail("citation", "expected CSL-JSON variable names as keys")

        fields = {"annotation": annotation, "abstract": abstract}
        outline = self.get(data, "outline", list, "", required=False) or []
        topics = tuple(self.section(item, f"outline[{i}]", fields, 0) for i, item in enumerate(outline))

        for fixed in (DETAILS_ID, ANNOTATION_ID, ABSTRACT_ID):
            if fixed in self.seen_ids:
                raise self.fail("outline", f"section id '{fixed}' is reserved")

        return Record(
            id=record_id,
            ncj_number=ncj,
            title=title,
            title_sentence_case=self.text(data, "title_sentence_case", "", required=False) or title,
            date_published=self.text(data, "date_published", "", required=False),
            issued_year=year,
            issued_month=month,
            length=self.text(data, "length", "", required=False),
            pages=pages,
            annotation=annotation,
            abstract=abstract,
            authors=tuple(authors),
            provenance=provenance,
            sections=standard_sections(annotation, abstract, topics),
            citation=MappingProxyType(dict(citation)),
        )

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
            id=section_id,
            heading=heading,
            source=source,
            text=tuple(sentences),
            emphasis=emphasis,
            children=tuple(self.section(c, f"{prefix}children[{i}]", fields, depth + 1) for i, c in enumerate(children)),
        )


def _kind_name(kind: type) -> str:
    return {str: "text", int: "a whole number", list: "a list", dict: "an object", bool: "true/false",
            float: "a number", type(None): "null"}.get(kind, kind.__name__)


# --- the inverse of parse_record -----------------------------------------------------


def record_to_data(record: Record, citation: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The record in the record file format (what ``viewer.core.record.parse_record`` reads)."""
    data: dict[str, Any] = {
        "schema": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "id": record.id,
        "ncj_number": record.ncj_number,
        "title": record.title,
    }
    if record.title_sentence_case and record.title_sentence_case != record.title:
        data["title_sentence_case"] = record.title_sentence_case
    if record.date_published:
        data["date_published"] = record.date_published
    if record.issued_year is not None:
        data["issued"] = {"year": record.issued_year}
        if record.issued_month is not None:
            data["issued"]["month"] = record.issued_month
    if record.length:
        data["length"] = record.length
    if record.pages is not None:
        data["pages"] = record.pages
    data["authors"] = list(record.authors)
    data["annotation"] = record.annotation
    data["abstract"] = record.abstract
    if record.provenance:
        prov = {"library": record.provenance.library, "agency": record.provenance.agency}
        if record.provenance.url:
            prov["url"] = record.provenance.url
        data["provenance"] = prov
    abstract = record.section(ABSTRACT_ID)
    if abstract and abstract.children:
        data["outline"] = [_section_to_data(s) for s in abstract.children]
    if citation:
        data["citation"] = dict(citation)
    return data


def _section_to_data(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"id": section.id, "heading": section.heading, "source": section.source,
                            "text": list(section.text)}
    if section.emphasis:
        data["emphasis"] = section.emphasis
    if section.children:
        data["children"] = [_section_to_data(c) for c in section.children]
    return data
