"""A section as HTML for the detail pane and as plain text for the command line. No Qt.

Record text is always escaped: it is shown as text, never interpreted as markup.
"""

from __future__ import annotations

from html import escape

from viewer.core.record import ABSTRACT_ID, Record, Section

OUTLINE_NOTE = ("The outline is derived from the record's abstract and annotation; "
                "the report's own table of contents is not part of the record.")


def _derives_an_outline(record: Record) -> bool:
    """True when some section stands for a phrase of the abstract or annotation (the derived outline)."""
    return any(s.emphasis for top in record.sections for _, s in top.walk())


def _source_note(record: Record, section: Section) -> str:
    if section.id == ABSTRACT_ID:
        # Only a record with a derived outline needs the note; without one it explains nothing.
        return OUTLINE_NOTE if _derives_an_outline(record) else ""
    if section.emphasis:
        return (f"Quoted from the record's {section.source}; the highlighted phrase is the part "
                f"this section stands for.")
    return ""


def section_plain(record: Record, section: Section) -> str:
    lines = [section.heading, ""]
    if section.kind == "details":
        width = max(len(label) for label, _ in record.fields())
        lines += [f"{label + ':':<{width + 1}} {value}" for label, value in record.fields()]
        if record.provenance and record.provenance.url:
            lines.append(f"{'Link:':<{width + 1}} {record.provenance.url}")
    else:
        lines.append(section.plain_text)
        note = _source_note(record, section)
        if note:
            lines += ["", note]
    return "\n".join(lines)


def _emphasised(sentence: str, phrase: str) -> str:
    if not phrase or phrase not in sentence:
        return escape(sentence)
    before, _, after = sentence.partition(phrase)
    return f"{escape(before)}<span class=\"emphasis\"><b>{escape(phrase)}</b></span>{escape(after)}"


def section_html(record: Record, section: Section) -> str:
    ncj = f" \u00b7 NCJ {escape(record.ncj_number)}" if record.ncj_number else ""
    parts = [f"<p class=\"record\">{escape(record.title)}{ncj}</p>",
             f"<h1>{escape(section.heading)}</h1>"]
    if section.kind == "details":
        rows = "".join(
            f"<tr><th align=\"left\">{escape(label)}</th><td>{escape(value)}</td></tr>"
            for label, value in record.fields()
        )
        if record.provenance and record.provenance.url:
            url = escape(record.provenance.url, quote=True)
            rows += f"<tr><th align=\"left\">Link</th><td><a href=\"{url}\">{escape(record.provenance.url)}</a></td></tr>"
        parts.append(f"<table class=\"fields\" cellspacing=\"0\" cellpadding=\"6\">{rows}</table>")
    else:
        body = " ".join(_emphasised(s, section.emphasis) for s in section.text)
        parts.append(f"<p class=\"text\">{body}</p>")
        note = _source_note(record, section)
        if note:
            parts.append(f"<p class=\"note\"><i>{escape(note)}</i></p>")
    return "\n".join(parts)
