"""Dark page colours for a report: the page's lightness turned over, its hues kept.

A rendered page is changed, not the PDF's drawing: every pixel ``c`` (per channel) becomes
``c + 255 - 2·Y``, where ``Y`` is the pixel's luma (Qt's grey: 11/32 red, 16/32 green, 5/32 blue).
The same amount is added to the three channels, so hue and chroma stay as they were, and the luma
becomes exactly ``255 - Y``: black text turns light, white paper turns dark, a dark blue bar a light
blue one, and a scanned page (an image, which PDFium's forced colour schemes leave white) turns over
as well. The result is then drawn between the dark paper and light ink of :data:`PAPER` and
:data:`INK`, so neither glares. Photographs come out as negatives of their lightness: the price of
treating scanned pages, which many NCJRS reports are, like typeset ones.

A page in greys only (compared whole, in C++) is simply inverted. Otherwise everything is done by
QPainter composition and QImage.invertPixels (C++ over whole images, no
Python loop per pixel): with ``pos = max(c, Y) - Y`` and ``neg = Y - min(c, Y)``,
``c + 255 - 2Y = 255 - ((255 - ((255 - Y) + pos)) + neg)``, each addition saturating where the
result itself would leave 0..255.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage, QPainter

PAPER = QColor(0x22, 0x23, 0x26)  # the dark page: near the dark palette's Base (#1e1f22), a touch lighter
INK = QColor(0xdc, 0xdc, 0xdc)  # its text: light grey, softer than white

Mode = QPainter.CompositionMode
FORMAT = QImage.Format.Format_ARGB32_Premultiplied  # QPainter's own (opaque here): its fastest blends


def _paint(image: QImage, *steps: tuple[Mode, QImage]) -> QImage:
    """Draws each image over ``image`` in turn with its composition mode, in place."""
    painter = QPainter(image)
    for mode, over in steps:
        painter.setCompositionMode(mode)
        painter.drawImage(0, 0, over)
    painter.end()
    return image


def dark_page(page: QImage) -> QImage:
    """``page`` with its lightness turned over and its hues kept, between PAPER and INK."""
    ratio = page.devicePixelRatio()
    luma = page.convertToFormat(QImage.Format.Format_Grayscale8).convertToFormat(FORMAT)
    colour = page.convertToFormat(FORMAT)
    if colour == luma:  # a page in greys only (most text pages): turning lightness over is inverting
        luma.invertPixels()
        return _between(luma, ratio)
    above = _paint(colour.copy(), (Mode.CompositionMode_Lighten, luma), (Mode.CompositionMode_Difference, luma))
    below = _paint(colour, (Mode.CompositionMode_Darken, luma), (Mode.CompositionMode_Difference, luma))
    turned = luma.copy()
    turned.invertPixels()  # 255 - Y
    _paint(turned, (Mode.CompositionMode_Plus, above))  # + (c - Y) where c is above Y
    turned.invertPixels()
    _paint(turned, (Mode.CompositionMode_Plus, below))
    turned.invertPixels()  # - (Y - c) where c is below it
    return _between(turned, ratio)


def _between(image: QImage, ratio: float) -> QImage:
    """0 becomes PAPER and 255 INK, linearly: INK's share drawn over a base that makes 0 land on PAPER."""
    result = QImage(image.size(), FORMAT)
    painter = QPainter(result)
    papers = (PAPER.red(), PAPER.green(), PAPER.blue())
    share = (sum((INK.red(), INK.green(), INK.blue())) - sum(papers)) / (3 * 255)
    painter.fillRect(result.rect(), QColor(*(min(round(p / (1 - share)), 255) for p in papers)))
    painter.setOpacity(share)
    painter.drawImage(0, 0, image)
    painter.end()
    result.setDevicePixelRatio(ratio)
    return result
