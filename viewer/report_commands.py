"""The command line's part for attached reports: ``attach``, ``detach``, and the report's parts that
``sections`` lists and ``show`` prints (ids ``report/2.1``). Registered by :mod:`viewer.cli`.

The PDF engine is imported only when a report is there to read.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from viewer.core import reports
from viewer.core.record import Record

REPORT_PREFIX = "report/"


def add_parsers(sub: argparse._SubParsersAction) -> None:
    attach = sub.add_parser("attach", help="attach a report PDF to a record of the library (copied beside it)")
    attach.add_argument("file", nargs="?", metavar="FILE.pdf")
    attach.add_argument("--record", metavar="ID", default=argparse.SUPPRESS, help="the record the PDF is the report of")
    attach.add_argument("--folder", metavar="DIR",
                        help="attach every PDF of DIR named by an NCJ number (203234.pdf) to that record")
    attach.set_defaults(func=_attach)
    detach = sub.add_parser("detach", help="remove a record's attached report (the copy in the library)")
    detach.add_argument("--record", metavar="ID", default=argparse.SUPPRESS, required=True)
    detach.set_defaults(func=_detach)


def _engine_check():
    from viewer.cli import DataError
    try:
        from viewer.services import report_engine
    except ImportError as exc:  # an installation without its PDF engine: say so in one line
        raise DataError(f"reports cannot be read here: the PDF engine is missing ({exc})") from None
    return report_engine.check


def _attach(args: argparse.Namespace, out: TextIO) -> int:
    from viewer import library_commands
    from viewer.cli import DataError, UsageError, library_dir, one_line, PROG
    if args.folder and (args.file or args.record):
        raise UsageError("attach takes FILE.pdf with --record, or --folder alone")
    if not args.folder and not (args.file and args.record):
        raise UsageError("attach needs --record ID and FILE.pdf (or --folder DIR)")
    directory = library_dir(args)
    with library_commands.open_writable(args) as library:
        if args.folder:
            try:
                result = reports.attach_folder(directory, args.folder, library.id_for_ncj, _engine_check())
            except reports.ReportError as exc:
                raise DataError(str(exc)) from None
            for name, record_id in result.attached:
                print(f"attached\t{record_id}\t{one_line(name)}", file=out)
            for name in result.unmatched:
                print(f"unmatched\t{one_line(name)}", file=out)
            for name, reason in result.rejected:
                print(f"{PROG}: rejected: {one_line(reason)}", file=sys.stderr)
            return 1 if result.rejected else 0
        try:
            library.get(args.record)
        except KeyError:
            raise UsageError(f"unknown record {args.record!r} (see 'ncjrs-viewer search')") from None
    try:
        target = reports.attach(directory, args.record, args.file, _engine_check())
    except reports.ReportError as exc:
        raise DataError(str(exc)) from None
    print(f"attached\t{args.record}\t{target}", file=out)
    return 0


def _detach(args: argparse.Namespace, out: TextIO) -> int:
    from viewer import library_commands
    from viewer.cli import DataError, library_dir
    library_commands.refuse_read_only(args)
    try:
        removed = reports.detach(library_dir(args), args.record)
    except reports.ReportError as exc:
        raise DataError(str(exc)) from None
    print(f"detached\t{args.record}" if removed is not None else f"no report\t{args.record}", file=out)
    return 0


def open_report(args: argparse.Namespace, record: Record):
    """The record's attached report as an open ReportDocument, or None when it has none."""
    from viewer.cli import DataError, library_dir
    directory = library_dir(args)
    if not reports.has_report(directory, record.id):
        return None
    from viewer.services.report_engine import ReportDocument
    try:
        return ReportDocument(reports.report_path(directory, record.id))
    except (reports.ReportError, OSError) as exc:
        raise DataError(f"the report of {record.id}: {exc}") from None


def print_sections(args: argparse.Namespace, record: Record, out: TextIO) -> None:
    """The report's parts after the record's sections: id, tab, heading indented below "Report"."""
    doc = open_report(args, record)
    if doc is None:
        return
    try:
        print("report\tReport", file=out)
        for part_id, depth, node in reports.numbered(doc.outline()):
            print(f"{part_id}\t{'  ' * (depth + 1)}{node.title}", file=out)
    finally:
        doc.close()


def show_part(args: argparse.Namespace, record: Record, part_id: str, out: TextIO) -> bool:
    """Prints a part's heading and the text of its pages; False when the id names no part."""
    doc = open_report(args, record)
    if doc is None:
        return False
    try:
        outline = doc.outline()
        pages = range(doc.page_count) if part_id == "report" else reports.part_pages(outline, part_id, doc.page_count)
        if pages is None:
            return False
        title = next((n.title for i, _, n in reports.numbered(outline) if i == part_id), "Report")
        print(f"{title}\n", file=out)
        for page in pages:
            print(f"[p. {page + 1}]\n{doc.page_text(page).strip()}\n", file=out)
    finally:
        doc.close()
    return True
