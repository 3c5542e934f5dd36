"""viewer.core.pdfcheck: whole PDFs pass, PDFs cut anywhere do not — Qt's own and hand-built ones."""

from __future__ import annotations

import os
import random
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from tinydisk import tiny_disk

from viewer.core.atomic import WriteError, write_via_temp
from viewer.core.pdfcheck import verify_pdf

OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
    b"<< /Length 47 >>\nstream\nBT /F1 12 Tf 72 712 Td (Hello, \\(world\\)) Tj ET\nendstream",
]


def body(objects: list[bytes]) -> tuple[bytearray, list[int]]:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, text in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, text)
    return out, offsets


def classic_pdf(objects: list[bytes] = OBJECTS, trailer: bytes = b"/Root 1 0 R") -> bytes:
    """A minimal PDF with a classic xref table, as Qt writes them."""
    out, offsets = body(objects)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, start)
    return bytes(out)


def stream_pdf(predictor: bool) -> bytes:
    """The same PDF with an xref stream (PDF 1.5), optionally PNG-Up predicted as qpdf writes it."""
    out, offsets = body(OBJECTS)
    start = len(out)
    offsets.append(start)  # the xref stream is object 5
    rows = [bytes([0, 0, 0, 0, 0, 0xFF, 0xFF])] + [b"\x01" + o.to_bytes(4, "big") + b"\0\0" for o in offsets]
    if predictor:
        previous, encoded = bytes(7), []
        for row in rows:
            encoded.append(b"\x02" + bytes((a - b) & 0xFF for a, b in zip(row, previous)))
            previous = row
        data, parms = zlib.compress(b"".join(encoded)), b"/DecodeParms << /Columns 7 /Predictor 12 >>"
    else:
        data, parms = zlib.compress(b"".join(rows)), b""
    out += (b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode %s /Length %d >>\n"
            b"stream\n%s\nendstream\nendobj\n" % (parms, len(data), data))
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def random_text(seed: int, words: int) -> str:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyzéñüABCDEFGHIJ0123456789"
    return " ".join("".join(rng.choice(letters) for _ in range(rng.randint(2, 12))) for _ in range(words))


def qt_pdf(text: str, path: Path | None = None) -> bytes:
    """A PDF from Qt's writer, as printing.py makes them: to ``path``, or in memory."""
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QPdfWriter, QTextDocument

    buffer = QBuffer()
    if path is None:
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(str(path) if path is not None else buffer)
    writer.setTitle("NCJ (test)")
    writer.setResolution(600)
    document = QTextDocument()
    document.setPlainText(text)
    document.print_(writer)
    del writer  # finishes the file
    return bytes(buffer.data().data()) if path is None else b""


@pytest.fixture(scope="module")
def qt_pdfs(qapp: object) -> list[bytes]:
    return [qt_pdf("Annotation\n\nOne short page."), qt_pdf(random_text(1, 6000))]


# --- whole ------------------------------------------------------------------------------------

def test_hand_built_pdfs_pass() -> None:
    verify_pdf(classic_pdf())
    verify_pdf(stream_pdf(predictor=False))
    verify_pdf(stream_pdf(predictor=True))
    verify_pdf(classic_pdf().replace(b"%%EOF\n", b"%%EOF\r\n\r\n"))  # whitespace after %%EOF


def test_qt_pdfs_pass(qt_pdfs: list[bytes]) -> None:
    for data in qt_pdfs:
        assert data.startswith(b"%PDF-1.") and b"\nxref\n" in data
        verify_pdf(data)
    assert len(qt_pdfs[1]) > 100_000 and qt_pdfs[1].count(b"/Type /Page\n") > 5


def test_incremental_update_followed_through_prev() -> None:
    first = classic_pdf()
    prev = int(re.findall(rb"startxref\n(\d+)", first)[-1])
    update = bytearray(first)
    offset = len(update)
    update += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Lang (en) >>\nendobj\n"
    start = len(update)
    update += b"xref\n1 1\n%010d 00000 n \ntrailer\n<< /Size 5 /Root 1 0 R /Prev %d >>\n" % (offset, prev)
    update += b"startxref\n%d\n%%%%EOF\n" % start
    verify_pdf(bytes(update))
    with pytest.raises(ValueError, match="loop"):
        verify_pdf(bytes(update).replace(b"/Prev %d" % prev, b"/Prev %d" % start))


# --- cut short --------------------------------------------------------------------------------

def cut_points(data: bytes, count: int = 50) -> list[int]:
    whole = len(data.rstrip())  # cutting only whitespace after %%EOF leaves a whole PDF
    rng = random.Random(len(data))
    return sorted(set(rng.sample(range(whole), count - 3)) | {0, whole - 1, data.rindex(b"%%EOF")})


def test_every_truncation_rejected(qt_pdfs: list[bytes]) -> None:
    for data in [*qt_pdfs, classic_pdf(), stream_pdf(predictor=True)]:
        for cut in cut_points(data):
            with pytest.raises(ValueError):
                verify_pdf(data[:cut])


def lost_in_streams(data: bytes, rng: random.Random) -> list[tuple[int, int]]:
    """Byte ranges inside stream data, where any loss changes the file (elsewhere whole tokens can
    go and leave a different valid PDF: no check can tell that from a writer's choice)."""
    spans = [m.span(1) for m in re.finditer(rb"stream\n(.+?)\nendstream", data, re.S)]
    lost = []
    for _ in range(25):
        first, last = rng.choice(spans)
        start = rng.randrange(first, last)
        lost.append((start, rng.randrange(start + 1, min(last, start + 3000) + 1)))
    return lost


def test_lost_middle_with_the_end_intact_rejected(qt_pdfs: list[bytes]) -> None:
    """Bytes lost before the xref table while the table and trailer arrived: the offsets tell."""
    rng = random.Random(16)
    for data in [*qt_pdfs, classic_pdf()]:
        xref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
        for _ in range(25):
            start = rng.randrange(9, xref - 1)
            end = rng.randrange(start + 1, min(xref, start + 5000) + 1)
            with pytest.raises(ValueError):
                verify_pdf(data[:start] + data[end:])
        for start, end in lost_in_streams(data, rng):
            # startxref made to point right at the table: the offsets or /Length tell
            moved = re.sub(rb"startxref(\s+)\d+", b"startxref\\g<1>%d" % (xref - (end - start)), data[end:])
            with pytest.raises(ValueError, match="is not where|/Length"):
                verify_pdf(data[:start] + moved)
        for cut in cut_points(data, 20)[:-2]:  # a cut-off file with a finished trailer written after
            with pytest.raises(ValueError):
                verify_pdf(data[:cut] + data[-300:])


def test_mutations_raise_nothing_but_value_error(qt_pdfs: list[bytes]) -> None:
    rng = random.Random(11)
    sources = [qt_pdfs[0], classic_pdf(), stream_pdf(predictor=True)]
    for _ in range(600):
        data = bytearray(rng.choice(sources))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            action = rng.randrange(3)
            if action == 0:
                data[at] = rng.randrange(256)
            elif action == 1:
                del data[at:at + rng.randint(1, 40)]
            else:
                data[at:at] = rng.choice([b"<<", b"[", b"(", b"99999999999999999999999", b" 0 R", b"\n"])
        try:
            verify_pdf(bytes(data))
        except ValueError as exc:
            assert "\n" not in str(exc) and len(str(exc)) < 120


# --- each reason ------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "reason"), [
    (b"", "no %PDF-1.x header"),
    (b"GIF89a" + classic_pdf(), "no %PDF-1.x header"),
    (classic_pdf().replace(b"%%EOF", b"%%EOX"), "the end is missing"),
    (classic_pdf().rstrip() + b"\ngarbage\n", "the end is missing"),
    (re.sub(rb"startxref\n\d+", b"startxref\n999999", classic_pdf()), "points outside the file"),
    (re.sub(rb"startxref\n\d+", b"startxref\n9", classic_pdf()), "does not point to an xref table"),
    (classic_pdf(trailer=b""), "no /Root"),
    (classic_pdf().replace(b"/Size 5", b"/Size (5)"), "no valid /Size"),
    (classic_pdf().replace(b"/Size 5", b"/Size 3"), "object 3 is beyond the trailer's /Size 3"),
    (classic_pdf(trailer=b"/Root 7 0 R"), "the catalog (object 7) is missing"),
    (classic_pdf(trailer=b"/Root 2 0 R"), "object 2 is not a catalog"),
    (classic_pdf().replace(b"0000000015 00000 n", b"0000000016 00000 n"), "object 1 is not where"),
    (classic_pdf().replace(b"0000000015 00000 n", b"0000000015 00001 n"), "object 1 is not where"),
    (classic_pdf().replace(b"0000000015 00000 n", b"000000015 00000 n "), "xref entry 1 is damaged"),
    (classic_pdf().replace(b"trailer", b"trailor"), "no trailer"),
    (classic_pdf().replace(b"/Length 47", b"/Length 46"), "object 4's stream does not end where its /Length"),
    (classic_pdf().replace(b"endobj\nxref", b"endobk\nxref"), "object 4 does not end with endobj"),
    (classic_pdf().replace(b"/Size 5 /Root 1 0 R >>", b"/Size 5 /Root 1 0 R"), "expected a name or >>"),
    (stream_pdf(False).replace(b"/FlateDecode", b"/LZWDecode"), "not supported"),
    (stream_pdf(False).replace(b"/Type /XRef", b"/Type /XRif"), "not an xref stream"),
    (stream_pdf(True).replace(b"/W [1 4 2]", b"/W [1 4 9]"), "no valid /W"),
])
def test_reasons(data: bytes, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        verify_pdf(data)
    assert reason in str(info.value)


def test_deep_nesting_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="nest too deeply"):
        verify_pdf(classic_pdf(trailer=b"/Root 1 0 R /X " + b"[" * 5000))


# --- with the atomic writer -------------------------------------------------------------------

def test_qt_pdf_through_write_via_temp(qapp: object, tmp_path: Path) -> None:
    target = tmp_path / "NCJ-203234.pdf"
    write_via_temp(target, lambda path: qt_pdf("Whole.", path), verify=verify_pdf)
    verify_pdf(target.read_bytes())
    assert os.listdir(tmp_path) == [target.name]


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with tiny_disk(tmp_path / "disk", "64k") as folder:
        yield folder


def test_full_disk_keeps_the_old_pdf(qapp: object, disk: Path, qt_pdfs: list[bytes]) -> None:
    """Issue 16's reproduction: Qt's writer ignores ENOSPC; the check refuses its short file."""
    old = disk / "out.pdf"
    old.write_bytes(qt_pdfs[0])
    assert len(qt_pdfs[1]) > 64 * 1024
    with pytest.raises(WriteError) as info:
        write_via_temp(old, lambda path: qt_pdf(random_text(1, 6000), path), verify=verify_pdf)
    assert str(info.value) == f"cannot write {str(old)!r}: No space left on device"
    assert old.read_bytes() == qt_pdfs[0]
    assert os.listdir(disk) == ["out.pdf"]
