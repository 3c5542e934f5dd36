"""Issue 16, input: numbers with a bound, regular files only, cancellation inside parsing,
settings that cannot point anywhere, a citation cache that leaves nothing behind."""

from __future__ import annotations

import json
import os

import pytest

from viewer.core.bounded import Cancelled
from viewer.core.importers import ImportFileError, parse_text, read_file
from viewer.core.record import RecordError, parse_record

BIG = "9" * 5000


def test_a_5000_digit_csl_number_is_one_line_not_a_traceback():
    text = '[{"type": "book", "title": "T", "issued": {"date-parts": [[%s]]}}]' % BIG
    with pytest.raises(ImportFileError, match="5,000 digits") as caught:
        parse_text(text, "big.json", "csl-json")
    assert "\n" not in str(caught.value)


def test_csl_nan_is_named_not_called_a_number():
    with pytest.raises(ImportFileError, match="NaN is not a JSON number"):
        parse_text('[{"type": "book", "title": "T", "number-of-pages": NaN}]', "nan.json", "csl-json")


def test_record_file_pages_of_5000_digits():
    text = json.dumps({"schema": "ncjrs-viewer.record", "schema_version": 2, "id": "x", "title": "T"})
    with pytest.raises(RecordError, match="5,000 digits"):
        parse_record(text[:-1] + f', "pages": {BIG}}}')


def test_bibtex_pagetotal_of_5000_digits_is_kept_as_text():
    report = parse_text("@book{a, title={T}, pagetotal={%s}, year={2000}}\n" % BIG, "big.bib", "bibtex")
    assert report.records[0].pages is None


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused_in_one_line(device):
    with pytest.raises(ImportFileError, match="not a regular file"):
        read_file(device, "ris")


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "refs.ris"
    os.mkfifo(fifo)
    with pytest.raises(ImportFileError, match="FIFO"):
        read_file(fifo)


@pytest.mark.parametrize("fmt,entry", [
    ("ris", "TY  - RPRT\nTI  - Title {0}\nER  - \n"),
    ("csl-json", None),
    ("bibtex", "@book{{k{0}, title={{Title {0}}}, year={{2000}}}}\n"),
])
def test_cancel_is_honoured_between_entries_inside_parsing(tmp_path, fmt, entry):
    path = tmp_path / f"refs.{ {'ris': 'ris', 'csl-json': 'json', 'bibtex': 'bib'}[fmt] }"
    if entry is None:
        path.write_text(json.dumps([{"type": "book", "title": f"Title {i}"} for i in range(50)]))
    else:
        path.write_text("".join(entry.format(i) for i in range(50)))
    asked = []

    def cancelled() -> bool:  # reading the file asks twice; the parser asks from then on
        asked.append(1)
        return len(asked) > 5

    with pytest.raises(Cancelled):
        read_file(path, fmt, cancelled=cancelled)
    assert len(read_file(path, fmt).records) == 50  # and the same file reads whole without cancel


def test_settings_style_path_and_huge_zoom_are_warned_and_reset(tmp_path, qapp):
    from viewer.ui import settings as keys
    path = tmp_path / "s.ini"
    path.write_text("[citation]\nstyle=../../etc/passwd\n[reading]\nzoom_percent=999999999999\n")
    s = keys.Settings(str(path))
    assert s.get(keys.CITATION_STYLE) == "apa" and s.get(keys.ZOOM) == 100
    assert len(s.warnings) == 2 and all("reset" in w for w in s.warnings)
    s.sync()
    assert "passwd" not in path.read_text() and "999999999999" not in path.read_text()


def test_settings_of_random_bytes_warn(tmp_path, qapp):
    from viewer.ui import settings as keys
    path = tmp_path / "s.ini"
    path.write_bytes(b"\x8b\x00garbage=\xff\xfe\nmore junk\n[\x01]\nzz=1\n")
    assert keys.Settings(str(path)).warnings


def test_a_failed_cache_write_leaves_no_temporary_file(tmp_path):
    from viewer.services.citation_cache import CitationCache
    cache = CitationCache(tmp_path)
    (tmp_path / "k.json").mkdir()  # the target cannot be replaced
    entry = {part: {"text": "t", "html": "h"} for part in ("bibliography", "citation")}
    cache.put_entry("k", entry)  # quietly: a cache that cannot be written only costs a render
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.json"]
