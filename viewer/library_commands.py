"""The library's commands: ``search`` and ``import`` (registered by :mod:`viewer.cli`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import TextIO

from viewer.cli import PROG, one_line, open_library
from viewer.core.importers.common import ImportReport, ImportStream
from viewer.core.library import AddResult, Library, ReadOnlyLibraryError

MAX_LIMIT = 1_000_000  # hits; SQLite's LIMIT overflows past 2**63


def count(text: str) -> int:
    """--limit: a whole number, 0 (every match) up to MAX_LIMIT, parsed with a bound on its digits."""
    from viewer.core.bounded import bounded_int
    try:
        return bounded_int(text, max_digits=7, minimum=0, maximum=MAX_LIMIT)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to {MAX_LIMIT:,} ({exc})") from None


# --- what the commands share --------------------------------------------------------------


def open_writable(args: argparse.Namespace) -> Library:
    """The library, for a command that changes it; on a read-only disk one line, exit 1 (main)."""
    library = open_library(args)
    if library.read_only:
        library.close()
        raise ReadOnlyLibraryError(library.path)
    return library


def refuse_read_only(args: argparse.Namespace) -> None:
    """For a command that changes the library's folder without opening the library (detach)."""
    from viewer.cli import library_dir
    from viewer.core.library import library_file
    from viewer.core.library.opening import read_only_disk
    directory = library_dir(args)
    if directory.is_dir() and read_only_disk(directory):
        raise ReadOnlyLibraryError(library_file(directory))


def search(args: argparse.Namespace, out: TextIO) -> int:
    query = " ".join(args.query)
    with open_library(args) as library:
        if args.limit:
            for hit in library.search(query, limit=args.limit, prefix=False, exact=True):
                print(f"{hit.id}\t{hit.title}", file=out)
            return 0
        ranking = library.rank(query, prefix=False)  # every match, read a thousand at a time
        for start in range(0, len(ranking), 1000):
            for row in library.ranked_rows(ranking, start, start + 1000):
                print(f"{row.id}\t{row.title}", file=out)
    return 0


def import_files(args: argparse.Namespace, out: TextIO) -> int:
    """Prints one line a record: imported, replaced or already there (the stored id), and one a bad
    entry (on stderr). Files of one record (pages, record files) are written a thousand records a
    transaction; a RIS, BibTeX or CSL-JSON file in a transaction of its own."""
    from viewer.core.importers import ImportFileError, stream_file
    from viewer.core.importers.batching import batches
    rejected = 0
    with open_writable(args) as library:
        def write(report: ImportReport | ImportStream | None) -> None:
            nonlocal rejected
            if report is None:
                return
            try:
                outcome = library.import_report(report, all_or_none=args.all_or_none, replace=args.replace)
            except ImportFileError as exc:
                print(f"{PROG}: rejected: {one_line(exc)}", file=sys.stderr)
                rejected += 1
                return
            for bad in outcome.report.bad:
                print(f"{PROG}: rejected: {one_line(f'{bad.file} at {bad.where}: {bad.reason}')}", file=sys.stderr)
            rejected += len(outcome.report.bad)
            if not outcome.written:
                print(f"{report.file}: nothing imported (--all-or-none, {len(outcome.report.bad)} bad entries)",
                      file=out)
                return
            _print_added(library, outcome.result, args.replace, out)

        def readable() -> Iterator[ImportReport | ImportStream]:
            nonlocal rejected
            for path in args.files:
                try:
                    yield stream_file(path)
                except ImportFileError as exc:
                    print(f"{PROG}: rejected: {one_line(exc)}", file=sys.stderr)
                    rejected += 1

        for report in batches(readable()):
            write(report)
    return 1 if rejected else 0


def _print_added(library: Library, result: AddResult, replace: bool, out: TextIO) -> None:
    for record_id in result.added:
        print(f"imported\t{record_id}", file=out)
    for record_id in result.replaced:
        print(f"replaced\t{record_id}", file=out)
    for record_id in result.duplicates:
        stored = result.existing.get(record_id, record_id)
        print(f"already there\t{stored}", file=out)
        if replace and library.is_protected(stored):
            print(f"{PROG}: {stored} is the bundled record: it is never replaced", file=sys.stderr)


# --- the entry point ----------------------------------------------------------------------
