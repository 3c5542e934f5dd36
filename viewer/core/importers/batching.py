"""Many small import files (NCJRS pages, record files: one record each) written a thousand records
a transaction instead of one transaction a file. A stream (RIS, CSL-JSON, BibTeX) is written alone.

    for report in batches(stream_file(path) for path in paths):
        write(report)

Inside, ``pending.take()`` is one report holding the entries of the files added since the last take, or
None. A file whose record another pending file already holds (the same id or NCJ number) starts a
new batch, so each file is written as it would be alone: replaced, or already there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from viewer.core.importers.common import ImportedRecord, ImportReport, ImportStream

BATCH = 1_000  # records a transaction


def batches(reports: Iterable[ImportReport | ImportStream]) -> Iterator[ImportReport | ImportStream]:
    """What to write, one transaction each, in the files' order: joinable files gathered a thousand
    records at a time, every other file alone. Each is asked for only after the one before is written."""
    pending = Pending()
    for report in reports:
        if isinstance(report, ImportReport) and joinable(report):
            if not pending.fits(report):
                yield from _taken(pending)
            pending.add(report)
            continue
        yield from _taken(pending)
        yield report
    yield from _taken(pending)


def _taken(pending: Pending) -> Iterator[ImportReport]:
    report = pending.take()
    if report is not None:
        yield report


def joinable(report: ImportReport | ImportStream) -> bool:
    """A file read whole with no bad entry: it can be written with others."""
    return isinstance(report, ImportReport) and not report.bad


class Pending:
    """The reports of small files waiting to be written together."""

    def __init__(self) -> None:
        self.files: list[str] = []
        self._entries: list[ImportedRecord] = []
        self._keys: set[str] = set()
        self._format = ""

    def __len__(self) -> int:
        return len(self._entries)

    def fits(self, report: ImportReport) -> bool:
        return len(self._entries) + len(report.entries) <= BATCH and not (_keys(report) & self._keys)

    def add(self, report: ImportReport) -> None:
        self.files.append(report.file)
        self._entries.extend(report.entries)
        self._keys |= _keys(report)
        self._format = report.format if self._format in ("", report.format) else "mixed"

    def take(self) -> ImportReport | None:
        if not self.files:
            return None
        name = self.files[0] if len(self.files) == 1 else f"{len(self.files)} files"
        report = ImportReport(name, self._format, self._entries)
        self.files, self._entries, self._keys, self._format = [], [], set(), ""
        return report


def _keys(report: ImportReport) -> set[str]:
    keys = {e.record.id for e in report.entries}
    return keys | {f"ncj:{e.record.ncj_number}" for e in report.entries if e.record.ncj_number}
