"""Hostile report PDFs join the fuzzing: truncated, encrypted, huge page counts, broken outlines,
outlines that loop, JavaScript and links inside. The only allowed outcomes: a one-line ReportError,
or a document whose outline, text, find and pixels all answer (JavaScript never run, links never
followed: the engine has no JavaScript and the viewer no link handling)."""

from __future__ import annotations

from fuzzcount import count_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pdfmaker
from viewer.core import reports
from viewer.services import report_engine

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

hostile = st.fixed_dictionaries({
    "password": st.none() | st.sampled_from(["", "secret"]),
    "javascript": st.booleans(),
    "links": st.booleans(),
    "loop_outline": st.booleans(),
    "bad_outline": st.booleans(),
    "count_lie": st.none() | st.sampled_from([0, -1, 2**31 - 1, 10**12]),
    "compress": st.booleans(),
})


def _use(data: bytes) -> None:
    try:
        report_engine.check(data)
        doc = report_engine.ReportDocument(data)
    except reports.ReportError as exc:
        assert "\n" not in str(exc) and str(exc)
        return
    try:
        assert 0 < doc.page_count <= report_engine.MAX_PAGES
        ids = [node_id for node_id, _, _ in reports.numbered(doc.outline())]
        assert len(ids) == len(set(ids)) and len(ids) <= report_engine.MAX_BOOKMARKS + doc.page_count
        for node_id in ids[:5]:
            assert reports.part_pages(doc.outline(), node_id, doc.page_count)
        doc.page_text(0)
        doc.find_on_page(0, "trafficking")
        data, w, h, stride = doc.render(0, 0.25)
        assert len(data) >= h * stride
    finally:
        doc.close()


@FUZZ
@given(pages=st.integers(1, 8), options=hostile, cut=st.none() | st.floats(0, 1))
def test_hostile_reports(pages, options, cut):
    count_case("report PDF (hostile parts)")
    data = pdfmaker.build(*pdfmaker.report(pages), **options)
    if cut is not None:
        data = data[:int(len(data) * cut)]  # truncated anywhere
    _use(data)


@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=20))
def test_damaged_reports(flips):
    count_case("report PDF (bytes damaged)")
    data = bytearray(pdfmaker.build(*pdfmaker.report(4)))
    for where, value in flips:
        data[min(int(where * len(data)), len(data) - 1)] = value
    _use(bytes(data))


def test_outline_loop_ends():
    doc = report_engine.ReportDocument(pdfmaker.build(*pdfmaker.report(6), loop_outline=True))
    assert [n.title for n in doc.outline()][:2] == ["1 Chapter 1", "2 Chapter 2"]
    assert len(list(reports.numbered(doc.outline()))) == 9


def test_page_count_lie_is_not_believed():
    doc = report_engine.ReportDocument(pdfmaker.build(*pdfmaker.report(3), count_lie=10**9))
    assert doc.page_count == 3
