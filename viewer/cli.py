"""The command line (``ncjrs-viewer``): argparse subcommands, each a function of its own.

Subcommands print to stdout and need no display; with none, the window opens (:mod:`viewer.app`).
Every failure a user can cause ends in one line on stderr (exit 2 for a bad invocation, 1 for bad
data), never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NoReturn, Sequence, TextIO

from viewer import __version__
from viewer.core.record import Record, RecordError, load_record_file

if TYPE_CHECKING:
    from viewer.core.library import Library

PROG = "ncjrs-viewer"
ORGANIZATION = "NCJRS Reference Viewer"

Command = Callable[[argparse.Namespace, TextIO], int]


class UsageError(Exception):
    """A bad invocation: exit 2."""


class DataError(Exception):
    """Data that cannot be used (a library, a file to import): exit 1."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line naming the problem (argparse's own message names the valid choices).
        raise UsageError(message)


# --- the parser ---------------------------------------------------------------------------

# Subcommands that read one record: --file and --record work after them too.
_RECORD_COMMANDS = ("sections", "show", "cite", "export", "pdf")


def build_parser() -> argparse.ArgumentParser:
    from viewer.citeproc import citation
    from viewer.core import exports  # light: the bundled citations are plain data

    parser = _Parser(prog=PROG, description="Read and cite records of the NCJRS Virtual Library offline.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--file", metavar="FILE", help="read this record file instead of the bundled record")
    parser.add_argument("--section", metavar="ID", help="open the window at this section (see 'sections')")
    parser.add_argument("--record", metavar="ID", help="a record of the library instead of the bundled one")
    parser.add_argument("--library", metavar="DIR", help="the library folder (default: the user's data folder)")
    parser.add_argument("--settings", metavar="FILE", help=argparse.SUPPRESS)  # tests, portable use
    parser.set_defaults(func=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    styles = sub.add_parser("styles", help="list the offered citation styles (id, tab, name); see --all and TEXT")
    styles.add_argument("text", nargs="?", metavar="TEXT", help="every style whose id or title holds TEXT")
    styles.add_argument("--all", action="store_true", help="every style of the CSL repository (10,000+)")
    styles.add_argument("--add", metavar="FILE", help="check a CSL style file and add it to your own styles "
                                                      "(kept in <library folder>/styles)")
    styles.set_defaults(func=_styles)
    sub.add_parser("sections", help="list the record's sections: id, tab, heading (indented by depth)"
                   ).set_defaults(func=_sections)
    show = sub.add_parser("show", help="print one section's heading and text")
    show.add_argument("id", metavar="ID")
    show.set_defaults(func=_show)
    cite = sub.add_parser("cite", help="print the record's citation")
    cite.add_argument("--style", default=citation.DEFAULT_STYLE, metavar="ID",  # checked in _cite: user styles too
                      help=f"citation style: {', '.join(citation.style_ids())} or any id 'styles --all' lists "
                           f"(default: %(default)s)")
    cite.add_argument("--locale", metavar="LANG", help="locale, e.g. de-DE (default: the style's default-locale)")
    cite.add_argument("--in-text", action="store_true", help="the in-text citation instead of the bibliography entry")
    cite.add_argument("--format", default="text", choices=["text", "html"], help="text (default) or html")
    cite.set_defaults(func=_cite)
    export = sub.add_parser("export", help="write the record as RIS, BibTeX or CSL-JSON")
    export.add_argument("--format", required=True, choices=list(exports.FORMATS), help=", ".join(exports.FORMATS))
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    export.set_defaults(func=_export)
    imp = sub.add_parser("import", help="import records from RIS, BibTeX, CSL-JSON or record files")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--all-or-none", action="store_true",
                     help="import nothing from a file that has a bad entry (default: import the good ones)")
    imp.set_defaults(func=_import)
    search = sub.add_parser("search", help="search the library: one hit a line, record id, tab, title")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--limit", type=_positive, default=20, metavar="N", help="at most N hits (default: 20)")
    search.set_defaults(func=_search)
    pdf = sub.add_parser("pdf", help="write the record, or one section, as a PDF (no display needed)")
    pdf.add_argument("-o", "--output", required=True, metavar="FILE")
    pdf.add_argument("--section", metavar="ID", default=argparse.SUPPRESS,  # keeps a top-level --section
                     help="only this section (see 'sections'); default: the whole record")
    pdf.add_argument("--style", default=citation.DEFAULT_STYLE, type=_style_id, metavar="ID",
                     help="citation style for the 'Cite as' line (any id 'styles --all' lists)")
    pdf.add_argument("--page-size", default="letter", choices=["letter", "a4"])
    pdf.set_defaults(func=_pdf)
    _add_record_options(sub)
    return parser


def _add_record_options(sub: argparse._SubParsersAction) -> None:
    """The record options work before or after the subcommand."""
    for name, subparser in sub.choices.items():
        subparser.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS, help="the library folder")
        if name in _RECORD_COMMANDS:
            subparser.add_argument("--file", metavar="FILE", default=argparse.SUPPRESS,
                                   help="read this record file instead of the bundled record")
            subparser.add_argument("--record", metavar="ID", default=argparse.SUPPRESS,
                                   help="a record of the library instead of the bundled one")


def _style_id(text: str) -> str:
    """Any style of the repository (or the user's); the check reads only the style index."""
    from viewer.citeproc import citation
    try:
        citation.style(text)
    except citation.UnknownStyleError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, found {text!r}")
    return int(text)


# --- what the commands share --------------------------------------------------------------


def library_dir(args: argparse.Namespace) -> Path:
    """--library, or the user's data folder (QStandardPaths; needs no QApplication)."""
    if args.library:
        return Path(args.library)
    from PySide6.QtCore import QStandardPaths
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def user_styles_dir(args: argparse.Namespace) -> Path | None:
    """The folder of the user's own styles (``styles --add``), when it exists."""
    folder = library_dir(args) / "styles"
    return folder if folder.is_dir() else None


def open_library(args: argparse.Namespace) -> Library:
    from viewer.core.library import Library, LibraryError
    try:
        return Library.open(library_dir(args))
    except LibraryError as exc:
        raise DataError(str(exc)) from None


def load_record(args: argparse.Namespace) -> Record:
    """The record the options name: --file, --record from the library, or the bundled one."""
    if args.file:
        return load_record_file(args.file)
    if args.record:
        with open_library(args) as library:
            try:
                return library.get(args.record)
            except KeyError:
                raise UsageError(f"unknown record {args.record!r} (see 'ncjrs-viewer search')") from None
    from viewer.core.resources import bundled_record
    return bundled_record()


def check_section(record: Record, section_id: str) -> None:
    if record.section(section_id) is None:
        raise UsageError(f"unknown section {section_id!r} (choose from {', '.join(record.section_ids())})")


def one_line(message: object) -> str:
    """A message on one line whatever a file name or argument held (control characters shown escaped)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(message))


# --- the commands -------------------------------------------------------------------------


def _styles(args: argparse.Namespace, out: TextIO) -> int:
    """The offered styles; with --all every style, with TEXT those whose id or title holds it; --add FILE."""
    if args.add is not None:
        return _add_style(args, out)
    if args.all or args.text is not None:
        from viewer.citeproc import style_repo
        folder = user_styles_dir(args)
        found = (style_repo.find_styles(args.text, folder) if args.text is not None
                 else style_repo.all_styles(folder))
        out.writelines(f"{info.id}\t{info.title}\n" for info in found)
        return 0
    from viewer.citeproc import citation
    for style in citation.STYLES:
        print(f"{style.id}\t{style.name}", file=out)
    return 0


def _add_style(args: argparse.Namespace, out: TextIO) -> int:
    from viewer.citeproc import style_repo
    try:
        info = style_repo.add_user_style(args.add, library_dir(args) / "styles")
    except style_repo.StyleError as exc:
        raise DataError(str(exc)) from None
    print(f"{info.id}\t{info.title}", file=out)
    return 0


def _sections(args: argparse.Namespace, out: TextIO) -> int:
    record = load_record(args)
    for depth, section in record.walk():
        print(f"{section.id}\t{'  ' * depth}{section.heading}", file=out)
    return 0


def _show(args: argparse.Namespace, out: TextIO) -> int:
    from viewer.core.section_text import section_plain
    record = load_record(args)
    check_section(record, args.id)
    print(section_plain(record, record.section(args.id)), file=out)
    return 0


def _cite(args: argparse.Namespace, out: TextIO) -> int:
    from viewer.citeproc import citation
    folder = user_styles_dir(args)
    try:
        citation.style(args.style, folder)
    except citation.UnknownStyleError as exc:
        raise UsageError(f"argument --style: {exc}") from None
    try:
        cite = citation.render(load_record(args), args.style, in_text=args.in_text, locale=args.locale,
                               user_styles=folder)
    except citation.CitationError as exc:
        raise DataError(str(exc)) from None
    print(cite.html if args.format == "html" else cite.text, file=out)
    return 0


def _export(args: argparse.Namespace, out: TextIO) -> int:
    from viewer.core import exports
    from viewer.core.atomic import WriteError, write_atomic
    text = exports.export(load_record(args), args.format)
    if args.output is None:
        out.write(text if text.endswith("\n") else text + "\n")
        return 0
    if not args.output:
        raise UsageError("-o needs a file name ('-' for standard output)")
    try:
        write_atomic(args.output, text)
    except WriteError as exc:
        raise DataError(str(exc)) from None
    return 0


def _pdf(args: argparse.Namespace, out: TextIO) -> int:
    from viewer.ui import printing
    record = load_record(args)
    if args.section:
        check_section(record, args.section)
    try:
        printing.pdf_command(record, args.output, section_id=args.section or None,
                             style_id=args.style, page_size=args.page_size)
    except printing.PdfError as exc:
        print(f"{PROG}: error: {one_line(exc)}", file=sys.stderr)
        return 1
    return 0


def _search(args: argparse.Namespace, out: TextIO) -> int:
    with open_library(args) as library:
        for hit in library.search(args.query, limit=args.limit, exact=True):
            print(f"{hit.id}\t{hit.title}", file=out)
    return 0


def _import(args: argparse.Namespace, out: TextIO) -> int:
    """Prints one line a record imported or skipped, and one a bad entry (on stderr)."""
    from viewer.core.importers import ImportFileError, import_file
    rejected = 0
    with open_library(args) as library:
        for path in args.files:
            try:
                outcome = import_file(library, path, all_or_none=args.all_or_none)
            except ImportFileError as exc:
                print(f"{PROG}: rejected: {one_line(exc)}", file=sys.stderr)
                rejected += 1
                continue
            for bad in outcome.report.bad:
                print(f"{PROG}: rejected: {one_line(f'{bad.file} at {bad.where}: {bad.reason}')}", file=sys.stderr)
            rejected += len(outcome.report.bad)
            if not outcome.written:
                print(f"{path}: nothing imported (--all-or-none, {len(outcome.report.bad)} bad entries)", file=out)
                continue
            for record_id in outcome.result.added:
                print(f"imported\t{record_id}", file=out)
            for record_id in outcome.result.duplicates:
                print(f"already there\t{record_id}", file=out)
    return 1 if rejected else 0


# --- the entry point ----------------------------------------------------------------------


def run_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    func: Command = args.func
    return func(args, out or sys.stdout)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from PySide6.QtCore import QCoreApplication
    # Set before anything asks QStandardPaths or QSettings where the user's files live.
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(PROG)
    try:
        args = build_parser().parse_args(argv)
        if args.func is not None:
            return run_command(args)
        if args.section:
            check_section(_record_for_section_check(args), args.section)
        from viewer import app
        return app.run_gui(args)
    except UsageError as exc:
        print(f"{PROG}: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except (RecordError, DataError) as exc:
        print(f"{PROG}: error: {one_line(exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


def _record_for_section_check(args: argparse.Namespace) -> Record:
    """The record for validating --section; a broken --file is reported by the window instead."""
    try:
        return load_record(args)
    except RecordError:
        from viewer.core.resources import bundled_record
        return bundled_record()


if __name__ == "__main__":
    sys.exit(main())
