"""The program's own record files, read as an import."""

from __future__ import annotations

from viewer.core.importers.common import BadEntry, ImportedRecord, ImportReport
from viewer.core.record import RecordError, parse_record


def parse_record_json(text: str, source: str = "<record>") -> ImportReport:
    report = ImportReport(source, "record")
    try:
        record = parse_record(text, source)
    except RecordError as exc:
        report.bad.append(BadEntry(source, exc.where or "record", exc.problem, index=0))
    else:
        report.entries.append(ImportedRecord(record, "record", {}, index=0))
    return report
