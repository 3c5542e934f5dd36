"""Print and PDF: one section or the whole record, ending with its citation and source.

The document is built from :func:`viewer.core.section_text.section_html`, the same HTML the detail pane
shows, so the printed text is the text on screen. Rendering (:func:`record_document`,
:func:`render_to`, :func:`write_pdf`) is apart from the dialog (:func:`print_document`), and
:func:`pdf_command` runs without a display for ``ncjrs-viewer pdf``.
"""

from __future__ import annotations

import os
import re
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QGuiApplication, QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from viewer import APP_NAME
from viewer.citeproc import citation
from viewer.citeproc.citation import Citation
from viewer.core.atomic import WriteError, write_via_temp
from viewer.core.pdfcheck import verify_pdf
from viewer.core.record import Record, Section
from viewer.core.section_text import section_html
from viewer.ui.section_style import PRINT_STYLE_SHEET

PAGE_SIZES = {"letter": QPageSize.PageSizeId.Letter, "a4": QPageSize.PageSizeId.A4}
DEFAULT_PAGE_SIZE = "letter"  # US Department of Justice material
# Added to the page by the printer; QTextDocument.print_() adds its own 2 cm inside, with the page number.
PAGE_MARGINS_MM = 5.0
BODY_POINT_SIZE = 10.5

# section_html opens with the record line ("<title> · NCJ <n>"); the whole record shows it once.
_RECORD_LINE = re.compile(r'\A<p class="record">[^<]*</p>\n')

_offscreen_app: QGuiApplication | None = None  # pdf_command's, when it had to make one


class PdfError(Exception):
    """A PDF that cannot be written; the message names the file and the reason."""


def sections_to_print(record: Record, section_id: str | None = None) -> list[Section]:
    """The one section asked for, or every section in outline order."""
    if section_id is None:
        return [section for _, section in record.walk()]
    section = record.section(section_id)
    if section is None:
        raise ValueError(f"unknown section '{section_id}' (choose from {', '.join(record.section_ids())})")
    return [section]


def footer_html(record: Record, style_id: str = citation.DEFAULT_STYLE, cite: Citation | None = None) -> str:
    """The closing block: "Cite as: ..." in the given style and "Source: ..." from the provenance.

    ``cite`` is the citation when the caller has it already (the window's worker rendered it);
    otherwise it is rendered here, which blocks for a record without stored citations."""
    cite = cite or citation.render(record, style_id)
    parts = ["<hr/>",
             f'<div class="end"><b>Cite as:</b> {_inline(cite.html)}</div>']
    p = record.provenance
    if p:
        source = ", ".join(escape(x) for x in (p.library, p.agency) if x)
        if p.url:
            url = escape(p.url, quote=True)
            source += f'. <a href="{url}">{escape(p.url)}</a>'
        parts.append(f'<p class="end"><b>Source:</b> {source}</p>')
    return "\n".join(parts)


def _inline(fragment: str) -> str:
    """citeproc-js markup as one paragraph (IEEE puts its number and entry in two divs)."""
    fragment = re.sub(r"</div>\s*<div[^>]*>", " ", fragment)
    return re.sub(r"</?div[^>]*>", "", fragment)


def record_html(record: Record, section_id: str | None = None, style_id: str = citation.DEFAULT_STYLE,
                cite: Citation | None = None) -> str:
    sections = sections_to_print(record, section_id)
    if section_id is not None:
        body = [section_html(record, sections[0])]
    else:
        body = [f'<h1 class="title">{escape(record.title)}</h1>']
        if record.ncj_number:
            body.append(f'<p class="record">NCJ {escape(record.ncj_number)}</p>')
        body += [_RECORD_LINE.sub("", section_html(record, section), count=1) for section in sections]
    return "\n".join(body + [footer_html(record, style_id, cite)])


def record_document(record: Record, section_id: str | None = None,
                    style_id: str = citation.DEFAULT_STYLE, cite: Citation | None = None) -> QTextDocument:
    """A document of one section (``section_id``) or of the whole record, with the citation at the end.

    Needs a QGuiApplication (fonts). The caller owns the document.
    """
    html = record_html(record, section_id, style_id, cite)
    document = QTextDocument()
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, record.title)
    document.setDefaultStyleSheet(PRINT_STYLE_SHEET)
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(BODY_POINT_SIZE)
    # No ligature glyphs: a PDF maps "ffi" drawn as one glyph to U+FB03, and then the copied or
    # searched text differs from the record's ("trafficking" would not be found).
    for tag in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(tag), 0)
    document.setDefaultFont(font)
    document.setHtml(html)
    return document


def page_layout(page_size: str = DEFAULT_PAGE_SIZE) -> QPageLayout:
    try:
        size = PAGE_SIZES[page_size.lower()]
    except KeyError:
        raise ValueError(f"unknown page size '{page_size}' (choose from {', '.join(PAGE_SIZES)})") from None
    margin = PAGE_MARGINS_MM
    return QPageLayout(QPageSize(size), QPageLayout.Orientation.Portrait,
                       QMarginsF(margin, margin, margin, margin), QPageLayout.Unit.Millimeter)


def render_to(device: QPagedPaintDevice, record: Record, section_id: str | None = None,
              style_id: str = citation.DEFAULT_STYLE, cite: Citation | None = None) -> None:
    """Prints onto a QPrinter or QPdfWriter as it is set up (pages numbered, 2 cm margins inside)."""
    document = record_document(record, section_id, style_id, cite)
    document.print_(device)


def write_pdf(record: Record, path: str | os.PathLike, section_id: str | None = None,
              style_id: str = citation.DEFAULT_STYLE, page_size: str = DEFAULT_PAGE_SIZE,
              cite: Citation | None = None) -> Path:
    """Writes the PDF (selectable text, title metadata = record title); replaces ``path`` only when done."""
    layout = page_layout(page_size)
    sections_to_print(record, section_id)  # an unknown section fails before any file is touched

    def produce(part: Path) -> None:
        writer = QPdfWriter(str(part))
        writer.setPageLayout(layout)
        writer.setTitle(record.title)
        writer.setCreator(APP_NAME)
        writer.setResolution(600)
        render_to(writer, record, section_id, style_id, cite)
        del writer  # finishes the file

    # Qt's writer ignores write errors (a full disk leaves half a PDF): the whole document is
    # parsed before it takes the old file's place; a device or "-" is written through.
    try:
        write_via_temp(path, produce, verify=verify_pdf)
    except WriteError as exc:
        raise PdfError(str(exc)) from None
    return Path(path)


def suggested_file_name(record: Record, section_id: str | None = None) -> str:
    """A file name for "Export as PDF…": ``NCJ-203234.pdf`` or ``NCJ-203234-annotation.pdf``."""
    name = f"NCJ-{record.ncj_number}" if record.ncj_number else re.sub(r"[^A-Za-z0-9._-]+", "-", record.id)
    if section_id:
        name += "-" + re.sub(r"[^A-Za-z0-9._-]+", "-", section_id)
    return name + ".pdf"


def print_document(parent, record: Record, section_id: str | None = None,
                   style_id: str = citation.DEFAULT_STYLE, cite: Citation | None = None) -> bool:
    """Print one section (``section_id``) or the whole record (None) through the system's print dialog.

    Returns True when something was sent to the printer, False when the dialog was cancelled.
    """
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

    sections_to_print(record, section_id)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(page_layout(DEFAULT_PAGE_SIZE))
    printer.setDocName(record.title)
    printer.setCreator(APP_NAME)
    dialog = QPrintDialog(printer, parent)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintSelection, False)
    dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, False)
    try:
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
        render_to(printer, record, section_id, style_id, cite)  # honours the page range chosen
        return True
    finally:
        dialog.deleteLater()  # it points at the printer, which goes with this function


def pdf_command(record: Record, output_path: str | os.PathLike, section_id: str | None = None,
                style_id: str = citation.DEFAULT_STYLE, page_size: str = DEFAULT_PAGE_SIZE) -> None:
    """``ncjrs-viewer pdf``: write the PDF with no display needed (Qt's offscreen platform).

    Raises PdfError (unwritable path) or ValueError (unknown section or page size).
    """
    global _offscreen_app
    if QGuiApplication.instance() is None:
        # "-platform offscreen" wins over QT_QPA_PLATFORM: a script never needs (or waits for) a display.
        # Kept for the life of the process, so a second call does not build another application.
        _offscreen_app = QGuiApplication(["ncjrs-viewer", "-platform", "offscreen"])
    write_pdf(record, output_path, section_id, style_id, page_size)
