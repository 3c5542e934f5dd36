"""A quoted passage with its citation, as HTML and plain text. No Qt."""

from __future__ import annotations

from html import escape

from viewer.citeproc.citation import Citation


def quotation(passage: str, in_text: Citation, entry: Citation) -> tuple[str, str]:
    """(html, text) for a passage quoted with its in-text citation, then the full entry."""
    passage = " ".join(passage.split())  # a selection across paragraphs becomes one run of text
    html = (f"<p>\u201c{escape(passage)}\u201d {in_text.html}</p>\n<p>{entry.html}</p>")
    text = f"\u201c{passage}\u201d {in_text.text}\n\n{entry.text}"
    return html, text
