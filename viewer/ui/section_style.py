"""The one style sheet for a section's HTML (:func:`viewer.core.section_text.section_html`), on
screen (the detail pane) and on paper (printing and PDF). The rules are the same; what differs is
said here once: the screen takes its colours from the palette (light or dark) and sizes relative
to the reader's zoom, paper is white with fixed colours and sizes in points."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


@dataclass(frozen=True)
class Colours:
    muted: str  # the record line and notes
    link: str
    marker: str  # the emphasised phrase: a warm marker that keeps the text readable


@dataclass(frozen=True)
class Measures:
    heading: str  # h1's font size
    heading_margins: tuple[int, int]  # above, below (px)
    title: str  # the record's title, printed once above the sections
    line_height: str
    note_margin: int  # above a note (px)


SCREEN = Measures(heading="150%", heading_margins=(4, 12), title="150%", line_height="145%", note_margin=18)
PRINT = Measures(heading="14pt", heading_margins=(18, 8), title="18pt", line_height="130%", note_margin=10)
# Paper is white whatever the screen's theme.
PRINT_COLOURS = Colours(muted="#555555", link="#0645ad", marker="#fff0a8")


def style_sheet(colours: Colours, measures: Measures) -> str:
    above, below = measures.heading_margins
    return f"""
p.record {{ color: {colours.muted}; font-size: 90%; margin-bottom: 0; }}
h1 {{ font-size: {measures.heading}; font-weight: 600; margin-top: {above}px; margin-bottom: {below}px; }}
h1.title {{ font-size: {measures.title}; margin-top: 0; margin-bottom: 4px; }}
p.text {{ line-height: {measures.line_height}; }}
p.note {{ color: {colours.muted}; font-size: 90%; margin-top: {measures.note_margin}px; }}
table.fields th {{ padding-right: 18px; font-weight: 600; }}
span.emphasis {{ background-color: {colours.marker}; }}
a {{ color: {colours.link}; }}
p.end, div.end {{ margin-top: 6px; }}
"""


def screen_colours(palette: QPalette, dark: bool) -> Colours:
    # Muted text: halfway between text and background (a placeholder colour may rely on alpha,
    # which HTML colours here would drop).
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    muted = QColor((text.red() + base.red()) // 2, (text.green() + base.green()) // 2,
                   (text.blue() + base.blue()) // 2).name()
    return Colours(muted=muted, link=palette.color(QPalette.ColorRole.Link).name(),
                   marker="#5b4a12" if dark else PRINT_COLOURS.marker)


def screen_style_sheet(palette: QPalette, dark: bool) -> str:
    return style_sheet(screen_colours(palette, dark), SCREEN)


PRINT_STYLE_SHEET = style_sheet(PRINT_COLOURS, PRINT)
