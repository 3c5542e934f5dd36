"""Command line, QApplication and settings: the program's entry point (``ncjrs-viewer``).

Subcommands print to stdout and need no display; with none, the window opens.
Every failure a user can cause ends in one line on stderr (exit 2 for a bad
invocation, 1 for bad data), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from viewer import APP_NAME, __version__
from viewer.record import Record, RecordError, load_record_file

PROG = "ncjrs-viewer"
ORGANIZATION = "NCJRS Reference Viewer"


class UsageError(Exception):
    """A bad invocation: exit 2."""


class DataError(Exception):
    """Data that cannot be used (a library, a file to import): exit 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line naming the problem (argparse's own message names the valid choices).
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    from viewer import citation, exports  # light: the bundled citations are plain data

    parser = _Parser(prog=PROG, description="Read and cite records of the NCJRS Virtual Library offline.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--file", metavar="FILE", help="read this record file instead of the bundled record")
    parser.add_argument("--section", metavar="ID", help="open the window at this section (see 'sections')")
    parser.add_argument("--record", metavar="ID", help="a record of the library instead of the bundled one")
    parser.add_argument("--library", metavar="DIR", help="the library folder (default: the user's data folder)")
    parser.add_argument("--settings", metavar="FILE", help=argparse.SUPPRESS)  # tests, portable use
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    styles = sub.add_parser("styles", help="list the offered citation styles (id, tab, name); see --all and TEXT")
    styles.add_argument("text", nargs="?", metavar="TEXT", help="every style whose id or title holds TEXT")
    styles.add_argument("--all", action="store_true", help="every style of the CSL repository (10,000+)")
    sub.add_parser("sections", help="list the record's sections: id, tab, heading (indented by depth)")
    show = sub.add_parser("show", help="print one section's heading and text")
    show.add_argument("id", metavar="ID")
    cite = sub.add_parser("cite", help="print the record's citation")
    cite.add_argument("--style", default=citation.DEFAULT_STYLE, metavar="ID",
                      help=f"citation style: {', '.join(citation.style_ids())} or any id 'styles --all' lists "
                           f"(default: %(default)s)")
    cite.add_argument("--locale", metavar="LANG", help="locale, e.g. de-DE (default: the style's default-locale)")
    cite.add_argument("--in-text", action="store_true", help="the in-text citation instead of the bibliography entry")
    cite.add_argument("--format", default="text", choices=["text", "html"], help="text (default) or html")
    export = sub.add_parser("export", help="write the record as RIS, BibTeX or CSL-JSON")
    export.add_argument("--format", required=True, choices=list(exports.FORMATS), help=", ".join(exports.FORMATS))
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    imp = sub.add_parser("import", help="import records from RIS, BibTeX, CSL-JSON or record files")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--all-or-none", action="store_true",
                     help="import nothing from a file that has a bad entry (default: import the good ones)")
    search = sub.add_parser("search", help="search the library: one hit a line, record id, tab, title")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--limit", type=_positive, default=20, metavar="N", help="at most N hits (default: 20)")
    pdf = sub.add_parser("pdf", help="write the record, or one section, as a PDF (no display needed)")
    pdf.add_argument("-o", "--output", required=True, metavar="FILE")
    pdf.add_argument("--section", metavar="ID", default=argparse.SUPPRESS,  # keeps a top-level --section
                     help="only this section (see 'sections'); default: the whole record")
    pdf.add_argument("--style", default=citation.DEFAULT_STYLE, metavar="ID",
                     help="citation style for the 'Cite as' line (any id 'styles --all' lists)")
    pdf.add_argument("--page-size", default="letter", choices=["letter", "a4"])
    # The record options work before or after the subcommand.
    for subparser in sub.choices.values():
        subparser.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS, help="the library folder")
        if subparser.prog.split()[-1] in ("sections", "show", "cite", "export", "pdf"):
            subparser.add_argument("--file", metavar="FILE", default=argparse.SUPPRESS,
                                   help="read this record file instead of the bundled record")
            subparser.add_argument("--record", metavar="ID", default=argparse.SUPPRESS,
                                   help="a record of the library instead of the bundled one")
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, found {text!r}")
    return int(text)


def library_dir(args: argparse.Namespace) -> Path:
    """--library, or the user's data folder (QStandardPaths; needs no QApplication)."""
    if args.library:
        return Path(args.library)
    from PySide6.QtCore import QStandardPaths
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def open_library(args: argparse.Namespace):
    from viewer.library import Library, LibraryError
    try:
        return Library.open(library_dir(args))
    except LibraryError as exc:
        raise DataError(str(exc)) from None


def _load(args: argparse.Namespace) -> Record:
    if args.file:
        return load_record_file(args.file)
    if args.record:
        with open_library(args) as library:
            try:
                return library.get(args.record)
            except KeyError:
                raise UsageError(f"unknown record {args.record!r} (see 'ncjrs-viewer search')") from None
    from viewer.resources import bundled_record
    return bundled_record()


def _section_or_fail(record: Record, section_id: str) -> None:
    if record.section(section_id) is None:
        raise UsageError(f"unknown section {section_id!r} (choose from {', '.join(record.section_ids())})")


def run_command(args: argparse.Namespace, out=None) -> int:
    out = out or sys.stdout
    if args.command == "import":
        return _import(args, out)
    if args.command == "search":
        with open_library(args) as library:
            for hit in library.search(args.query, limit=args.limit, exact=True):
                print(f"{hit.id}\t{hit.title}", file=out)
        return 0
    if args.command == "styles":
        return _styles(args, out)
    if getattr(args, "style", None) is not None:
        _check_style_id(args.style)
    record = _load(args)
    if args.command == "sections":
        for depth, section in record.walk():
            print(f"{section.id}\t{'  ' * depth}{section.heading}", file=out)
    elif args.command == "show":
        from viewer.section_text import section_plain
        _section_or_fail(record, args.id)
        print(section_plain(record, record.section(args.id)), file=out)
    elif args.command == "export":
        from viewer import exports
        text = exports.export(record, args.format)
        if args.output:
            _write_atomically(args.output, text)
        else:
            out.write(text if text.endswith("\n") else text + "\n")
    elif args.command == "pdf":
        from viewer import printing
        if args.section:
            _section_or_fail(record, args.section)
        try:
            printing.pdf_command(record, args.output, section_id=args.section or None,
                                 style_id=args.style, page_size=args.page_size)
        except printing.PdfError as exc:
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return 1
    elif args.command == "cite":
        from viewer import citation
        try:
            cite = citation.render(record, args.style, in_text=args.in_text, locale=args.locale)
        except citation.CitationError as exc:
            raise DataError(str(exc)) from None
        print(cite.html if args.format == "html" else cite.text, file=out)
    return 0


def _styles(args: argparse.Namespace, out) -> int:
    """The offered styles; with --all every style, with TEXT those whose id or title holds it."""
    if args.all or args.text is not None:
        from viewer.citeproc import style_repo
        found = style_repo.find_styles(args.text) if args.text is not None else style_repo.all_styles()
        out.writelines(f"{info.id}\t{info.title}\n" for info in found)
        return 0
    from viewer import citation
    for style in citation.STYLES:
        print(f"{style.id}\t{style.name}", file=out)
    return 0


def _check_style_id(style_id: str) -> None:
    from viewer import citation
    try:
        citation.style(style_id)
    except citation.UnknownStyleError as exc:
        raise UsageError(f"argument --style: {exc}") from None


def _import(args: argparse.Namespace, out) -> int:
    """Prints one line a record imported or skipped, and one a bad entry (on stderr)."""
    from viewer.importers import ImportFileError
    rejected = 0
    with open_library(args) as library:
        for path in args.files:
            try:
                outcome = library.import_file(path, all_or_none=args.all_or_none)
            except ImportFileError as exc:
                print(f"{PROG}: rejected: {_one_line(exc)}", file=sys.stderr)
                rejected += 1
                continue
            for bad in outcome.report.bad:
                print(f"{PROG}: rejected: {_one_line(f'{bad.file} at {bad.where}: {bad.reason}')}", file=sys.stderr)
            rejected += len(outcome.report.bad)
            if not outcome.written:
                print(f"{path}: nothing imported (--all-or-none, {len(outcome.report.bad)} bad entries)", file=out)
                continue
            for record_id in outcome.result.added:
                print(f"imported\t{record_id}", file=out)
            for record_id in outcome.result.duplicates:
                print(f"already there\t{record_id}", file=out)
    return 1 if rejected else 0


def _write_atomically(path: str, text: str) -> None:
    """Replaces ``path`` only once the whole text is written (a failure leaves the old file)."""
    target = os.path.abspath(path)
    temp = f"{target}.part-{os.getpid()}"
    try:
        with open(temp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temp, target)
    except OSError as exc:
        if os.path.exists(temp):
            os.unlink(temp)
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from PySide6.QtCore import QCoreApplication
    # Set before anything asks QStandardPaths or QSettings where the user's files live.
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(PROG)
    try:
        args = build_parser().parse_args(argv)
        if args.command:
            return run_command(args)
        if args.section:
            _section_or_fail(_load_quietly(args), args.section)
        return run_gui(args)
    except UsageError as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except (RecordError, DataError) as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def _one_line(message: object) -> str:
    """A message on one line whatever a file name or argument held (control characters shown escaped)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(message))


def _load_quietly(args: argparse.Namespace) -> Record:
    """The record for validating --section; a broken --file is reported by the window instead."""
    try:
        return _load(args)
    except RecordError:
        from viewer.resources import bundled_record
        return bundled_record()


def run_gui(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    from viewer import clipboard, settings as keys
    from viewer.citation_service import CitationService
    from viewer.library import LibraryError
    from viewer.main_window import MainWindow
    from viewer.resources import bundled_record, resource_path
    from viewer.settings import Settings

    app = QApplication.instance() or QApplication([PROG])
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.ncjrs_viewer")
    icon = resource_path("icons", "ncjrs-viewer.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))

    problems: list[str] = []
    settings = Settings(args.settings)
    library = _open_library_for_window(args, problems)
    record = bundled_record()
    if args.file:
        try:
            record = load_record_file(args.file)
        except RecordError as exc:
            problems.append(f"The record file could not be opened.\n\n{exc}\n\n"
                            f"Showing the bundled record instead.")
    else:
        wanted = args.record or settings.get(keys.LAST_RECORD)
        try:
            record = library.get(wanted) if wanted else record
        except (KeyError, LibraryError):
            if args.record:
                problems.append(f"The library has no record '{args.record}'. Showing the bundled record instead.")
    # Rendered citations are kept beside the library: the program writes nowhere else but settings.
    citations = CitationService(library.path.parent / "citation-cache" if library.path else None)
    window = MainWindow(record, settings, section_id=args.section, citations=citations, library=library)
    window.show()
    QTimer.singleShot(0, window.warm_citations)  # once the event loop runs; the work is in a thread
    for warning in settings.warnings:
        window.statusBar().showMessage(warning, 10000)
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    for problem in problems:
        QMessageBox.warning(window, APP_NAME, problem)

    if os.environ.get("NCJRS_VIEWER_EXIT_AFTER_PAINT") == "1":
        # For start-up benchmarks: quit as soon as the window has painted once.
        class _FirstPaint(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt override
                if event.type() == QEvent.Type.Paint:
                    obj.removeEventFilter(self)
                    if sys.stdout:  # the benchmarks time this line, not the teardown after it
                        print(f"painted: {window.windowTitle()}", flush=True)
                    QTimer.singleShot(0, window.close)
                return False

        first_paint = _FirstPaint(window)
        window.pane.viewport().installEventFilter(first_paint)

    if app.platformName() == "offscreen":
        # Offscreen Qt can crash at exit holding Python-made clipboard data; there is no
        # user clipboard to keep there, so empty it first. A real desktop keeps the copy.
        app.aboutToQuit.connect(clipboard.clear)
    sys.excepthook = _report_unexpected
    return app.exec()


def _open_library_for_window(args: argparse.Namespace, problems: list[str]):
    """The user's library; a damaged or newer one is set aside untouched and a new one begun, and a
    folder that cannot be used gives a library in memory. Each case is told to the user."""
    from viewer.library import CorruptLibraryError, ForeignDatabaseError, Library, LibraryError, NewerLibraryError, set_aside

    directory = library_dir(args)
    try:
        library = Library.open(directory)
    except (CorruptLibraryError, NewerLibraryError, ForeignDatabaseError) as exc:
        try:
            kept = set_aside(directory, "newer" if isinstance(exc, NewerLibraryError) else "damaged")
            library = Library.open(directory)
            problems.append(f"Your library could not be opened: {exc}\n\nIt was kept, untouched, as {kept}. "
                            f"A new library was started.")
        except (OSError, LibraryError) as again:
            problems.append(f"Your library could not be opened: {exc}\n\n({again}) "
                            f"Only the bundled record is available, and imports are not saved this session.")
            return Library.open(None)
    except LibraryError as exc:
        problems.append(f"The library folder cannot be used: {exc}\n\n"
                        f"Only the bundled record is available, and imports are not saved this session.")
        return Library.open(None)
    try:
        library.purge_removed()  # removals of earlier sessions: no undo can reach them now
    except LibraryError:
        pass
    return library


def _report_unexpected(kind, value, tb) -> None:
    """An unexpected error: say so in a dialog with a copyable report, and keep running."""
    import traceback

    from PySide6.QtWidgets import QApplication, QMessageBox

    report = "".join(traceback.format_exception(kind, value, tb))
    print(report, file=sys.stderr)
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME,
                      "Something went wrong. The program is still running; your data is unchanged.",
                      QMessageBox.StandardButton.Ok, QApplication.activeWindow())
    box.setInformativeText(f"{kind.__name__}: {value}")
    box.setDetailedText(f"{APP_NAME} {__version__}\n{report}")
    box.exec()


if __name__ == "__main__":
    sys.exit(main())
