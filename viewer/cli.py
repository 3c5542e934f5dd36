"""The command line (``ncjrs-viewer``): argparse subcommands, each a function of its own.

Subcommands print to stdout and need no display; with none, the window opens (:mod:`viewer.app`).
Every failure a user can cause ends in one line on stderr (exit 2 for a bad invocation, 1 for bad
data), never a traceback.
"""

from __future__ import annotations

from viewer.ui.source_scan import skip_from_now_on  # first: PySide6 would read each module's source

skip_from_now_on()
import argparse
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NoReturn, Sequence, TextIO

from viewer import __version__
from viewer.core.record import Record, RecordError, Section

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
# CSL's locator labels (the terms every CSL locale defines).
_LOCATOR_LABELS = ["page", "chapter", "section", "paragraph", "figure", "table", "line", "note", "part",
                   "volume", "book", "column", "folio", "issue", "opus", "sub-verbo", "verse", "act", "appendix",
                   "article-locator", "canon", "elocation", "equation", "rule", "scene", "supplement", "timestamp",
                   "title-locator", "algorithm"]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Read and cite records of the NCJRS Virtual Library offline.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--file", metavar="FILE",
                        help="show this record file or NCJRS record page (not added) instead of the bundled record")
    parser.add_argument("--section", metavar="ID", help="open the window at this section (see 'sections')")
    parser.add_argument("--record", metavar="ID", help="a record of the library instead of the bundled one")
    parser.add_argument("--library", metavar="DIR", help="the library folder (default: the user's data folder)")
    parser.add_argument("--settings", metavar="FILE", help=argparse.SUPPRESS)  # tests, portable use
    parser.set_defaults(func=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_reading_commands(sub)
    _add_file_commands(sub)
    from viewer import report_commands
    report_commands.add_parsers(sub)
    _add_record_options(sub)
    return parser


# The options of the window: a command line holding only these opens it (see _window_args).
_WINDOW_OPTIONS = ("--file", "--section", "--record", "--library", "--settings")


def _window_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The window's options when ``argv`` holds nothing else, read without building the commands'
    parsers (they import what only the commands use: exports, reports, the style list); None
    otherwise, and for anything the full parser must judge (a command, --help, --version, an error)."""
    parser = _Parser(prog=PROG, add_help=False)
    for option in _WINDOW_OPTIONS:
        parser.add_argument(option)
    try:
        args, rest = parser.parse_known_args(argv)
    except UsageError:
        return None
    if rest:
        return None
    args.func = args.command = None
    return args


def _add_reading_commands(sub: argparse._SubParsersAction) -> None:
    """styles, sections, show, cite: what reads one record (or the style list)."""
    from viewer.citeproc import citation

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
    cite.add_argument("--locale", metavar="LANG", type=_locale,
                      help="locale, e.g. de-DE or de (default: the style's default-locale)")
    cite.add_argument("--in-text", action="store_true", help="the in-text citation instead of the bibliography entry")
    cite.add_argument("--format", default="text", choices=["text", "html"], help="text (default) or html")
    cite.add_argument("--locator", default="", metavar="N", help="pinpoint the cite, e.g. the page: --locator 4")
    cite.add_argument("--label", default="page", choices=_LOCATOR_LABELS, help="what the locator counts "
                      "(CSL's label; default: %(default)s)")
    cite.set_defaults(func=_cite)


def _add_file_commands(sub: argparse._SubParsersAction) -> None:
    """export, import, search, pdf: what writes files or works on the library."""
    from viewer import library_commands
    from viewer.citeproc import citation
    from viewer.core import exports  # light: the bundled citations are plain data

    export = sub.add_parser("export", help="write the record as RIS, BibTeX or CSL-JSON")
    export.add_argument("--format", required=True, choices=list(exports.FORMATS), help=", ".join(exports.FORMATS))
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    export.set_defaults(func=_export)
    imp = sub.add_parser("import", help="import records from NCJRS record pages (.html, .htm, .txt), RIS, BibTeX, "
                                        "CSL-JSON or record files")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--all-or-none", action="store_true",
                     help="import nothing from a file that has a bad entry (default: import the good ones)")
    imp.add_argument("--replace", action="store_true",
                     help="replace records already there (same id or NCJ number; never the bundled record); "
                          "default: keep them")
    imp.set_defaults(func=library_commands.import_files)
    search = sub.add_parser("search", help="search the library for records holding every word (whole words), "
                                           "best first: one hit a line, record id, tab, title")
    search.add_argument("query", nargs="+", metavar="WORD")
    search.add_argument("--limit", type=library_commands.count, default=20, metavar="N",
                        help="at most N hits; 0 for every match (default: 20)")
    search.set_defaults(func=library_commands.search)
    pdf = sub.add_parser("pdf", help="write the record, or one section, as a PDF (no display needed)")
    pdf.add_argument("-o", "--output", required=True, metavar="FILE")
    pdf.add_argument("--section", metavar="ID", default=argparse.SUPPRESS,  # keeps a top-level --section
                     help="only this section (see 'sections'); default: the whole record")
    pdf.add_argument("--style", default=citation.DEFAULT_STYLE, type=_style_id, metavar="ID",
                     help="citation style for the 'Cite as' line (any id 'styles --all' lists)")
    pdf.add_argument("--page-size", default="letter", choices=["letter", "a4"])
    pdf.set_defaults(func=_pdf)


def _add_record_options(sub: argparse._SubParsersAction) -> None:
    """The record options work before or after the subcommand."""
    for name, subparser in sub.choices.items():
        subparser.add_argument("--library", metavar="DIR", default=argparse.SUPPRESS, help="the library folder")
        if name in _RECORD_COMMANDS:
            subparser.add_argument("--file", metavar="FILE", default=argparse.SUPPRESS,
                                   help="this record file or NCJRS record page (not added) instead of the bundled record")
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


def _locale(text: str) -> str:
    """A bundled locale, or a language one serves (de-CH -> de-DE); anything else is refused, not
    quietly rendered in English."""
    from viewer.citeproc import style_repo
    served = style_repo.resolve_locale(text)
    language = text.strip().replace("_", "-").split("-", 1)[0].lower()
    if served == style_repo.DEFAULT_LOCALE and language != "en":
        raise argparse.ArgumentTypeError(
            f"unknown locale {text!r}; the bundled ones: {', '.join(style_repo.locales())}")
    return text


def library_dir(args: argparse.Namespace) -> Path:
    """--library, or the user's data folder (QStandardPaths; needs no QApplication)."""
    if args.library is not None:
        if not args.library:  # "" must not quietly mean the user's real library
            raise UsageError("--library needs a folder name")
        return Path(args.library)
    from PySide6.QtCore import QStandardPaths
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))


def user_styles_dir(args: argparse.Namespace) -> Path | None:
    """The folder of the user's own styles (``styles --add``), when it exists."""
    folder = library_dir(args) / "styles"
    return folder if folder.is_dir() else None


def open_library(args: argparse.Namespace) -> Library:
    from viewer.core.library import Library, library_file
    from viewer.core.library.schema import upgrade_due, upgrade_notice
    directory = library_dir(args)
    due = upgrade_due(library_file(directory))
    if due:
        print(f"{PROG}: {upgrade_notice(due)}", file=sys.stderr, flush=True)
    return Library.open(directory)  # a LibraryError is one line, exit 1 (main)


def load_record(args: argparse.Namespace) -> Record:
    """The record the options name: --file (a record file or an NCJRS page, shown, never added),
    --record from the library, or the bundled one."""
    if args.file:
        from viewer.core.importers.shown import load_record_or_page
        return load_record_or_page(args.file)
    if args.record:
        with open_library(args) as library:
            try:
                return library.get(args.record)
            except KeyError:
                raise UsageError(f"unknown record {args.record!r} (see 'ncjrs-viewer search')") from None
    from viewer.core.resources import bundled_record
    return bundled_record()


def check_section(record: Record, section_id: str) -> Section:
    section = record.section(section_id)
    if section is None:
        raise UsageError(f"unknown section {section_id!r} (choose from {', '.join(record.section_ids())})")
    return section


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
    from viewer import report_commands
    report_commands.print_sections(args, record, out)
    return 0


def _show(args: argparse.Namespace, out: TextIO) -> int:
    from viewer.core.section_text import section_plain
    record = load_record(args)
    if args.id == "report" or args.id.startswith("report/"):
        from viewer import report_commands
        if report_commands.show_part(args, record, args.id, out):
            return 0
        raise UsageError(f"unknown report part {args.id!r} (see 'sections'; attach a report with 'attach')")
    print(section_plain(record, check_section(record, args.id)), file=out)
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
                               user_styles=folder, locator=args.locator.strip(),
                               label=args.label)
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
    if not args.output:
        raise UsageError("-o needs a file name ('-' for standard output)")
    record = load_record(args)
    if args.section:
        check_section(record, args.section)
    try:
        printing.pdf_command(record, args.output, section_id=args.section or None,
                             style_id=args.style, page_size=args.page_size)
    except printing.PdfError as exc:
        raise DataError(str(exc)) from None
    return 0


def run_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    func: Command = args.func
    return func(args, out or _stdout())


def _stdout() -> TextIO:
    """Standard output that never fails on a character its encoding lacks (PYTHONIOENCODING=ascii,
    a C locale): the character is written as an escape, the line still printed."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        stream.reconfigure(errors="backslashreplace")
    return stream


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from PySide6.QtCore import QCoreApplication

    from viewer.core.library.errors import LibraryError
    # Set before anything asks QStandardPaths or QSettings where the user's files live.
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(PROG)
    try:
        args = _window_args(argv)
        if args is None:
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
    except (RecordError, DataError, LibraryError) as exc:
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
