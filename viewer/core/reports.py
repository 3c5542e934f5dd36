"""Report PDFs attached to records: where they live, how they are checked and copied, and the
report's outline as numbered parts. No Qt, and no PDF engine either: the caller hands in ``check``
(viewer.services.report_engine.check), so this module stays plain and its tests fast.

A record's report is ``<library dir>/reports/<record id>.pdf``: in the library, never in the
resources (the bundled record's too). Copies are atomic: a failed attach leaves nothing behind.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from viewer.core.atomic import WriteError, write_atomic
from viewer.core.bounded import InputError, MiB, read_input
from viewer.core.oneline import quote_path

REPORTS_DIR = "reports"
MAX_BYTES = 512 * MiB  # NCJRS's largest reports are tens of megabytes
_HEADER_WITHIN = 1024  # readers accept "%PDF-" a little after the start (a byte-order mark, junk)
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_NCJ_FILE = re.compile(r"(?:ncj-?)?0*([0-9]{1,9})\.pdf", re.IGNORECASE)

Check = Callable[[bytes], None]  # raises ReportError when the engine cannot read the bytes


class ReportError(Exception):
    """A report that is not attached or read; ``str()`` is one line."""


@dataclass(frozen=True)
class ReportNode:
    """A bookmark of the report (or a page, when it has none): title, 0-based page, children."""

    title: str
    page: int
    children: tuple[ReportNode, ...] = ()


@dataclass
class FolderResult:
    attached: list[tuple[str, str]] = field(default_factory=list)  # (file, record id)
    unmatched: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file, one-line reason)


def report_path(library_dir: Path | str, record_id: str) -> Path:
    if not _SAFE_ID.fullmatch(record_id):
        raise ReportError(f"a report cannot be named after the record id {record_id!r}")
    return Path(library_dir) / REPORTS_DIR / f"{record_id}.pdf"


def has_report(library_dir: Path | str | None, record_id: str) -> bool:
    return library_dir is not None and _SAFE_ID.fullmatch(record_id) is not None \
        and report_path(library_dir, record_id).is_file()


def read_checked(source: Path | str, check: Check) -> bytes:
    """The file's bytes when they are a PDF the engine opens without a password; ReportError otherwise."""
    try:
        data = read_input(source, limit_bytes=MAX_BYTES)
    except InputError as exc:
        raise ReportError(str(exc)) from None
    if b"%PDF-" not in data[:_HEADER_WITHIN]:
        raise ReportError(f"{quote_path(str(source))} is not a PDF (no %PDF- header)")
    try:
        check(data)
    except ReportError as exc:
        raise ReportError(f"{quote_path(str(source))} {exc}") from None
    return data


def attach(library_dir: Path | str, record_id: str, source: Path | str, check: Check) -> Path:
    """Copies a checked PDF beside the record, replacing an earlier one; returns where it went."""
    target = report_path(library_dir, record_id)
    data = read_checked(source, check)
    store(target, data)
    return target


def store(target: Path, data: bytes) -> None:
    """Writes a report atomically (also what Undo of a detach uses)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data)
    except (OSError, WriteError) as exc:
        raise ReportError(str(exc)) from None


def detach(library_dir: Path | str, record_id: str) -> bytes | None:
    """Removes the record's report; returns its bytes (for Undo), or None when there was none."""
    target = report_path(library_dir, record_id)
    try:
        data = target.read_bytes()
        os.remove(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ReportError(f"{quote_path(str(target))} cannot be removed ({exc.strerror or exc})") from None
    return data


def ncj_of_file(name: str) -> str | None:
    """The NCJ number a file is named by (``203234.pdf``, ``NCJ-203234.pdf``), or None."""
    match = _NCJ_FILE.fullmatch(name)
    return match.group(1) if match else None


def attach_folder(library_dir: Path | str, folder: Path | str, record_for_ncj: Mapping[str, str] | Callable,
                  check: Check) -> FolderResult:
    """Each PDF named by an NCJ number goes to the record with that number; the rest are listed."""
    lookup = record_for_ncj.get if isinstance(record_for_ncj, Mapping) else record_for_ncj
    result = FolderResult()
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
    except OSError as exc:
        raise ReportError(f"{quote_path(str(folder))} cannot be read ({exc.strerror or exc})") from None
    for name in names:
        ncj = ncj_of_file(name)
        record_id = lookup(ncj) if ncj else None
        if record_id is None:
            result.unmatched.append(name)
            continue
        try:
            attach(library_dir, record_id, Path(folder) / name, check)
        except ReportError as exc:
            result.rejected.append((name, str(exc)))
        else:
            result.attached.append((name, record_id))
    return result


# --- the report's outline as numbered parts -------------------------------------------------


def page_nodes(page_count: int) -> tuple[ReportNode, ...]:
    """One node per page, for a report without bookmarks."""
    return tuple(ReportNode(f"Page {n + 1}", n) for n in range(page_count))


def numbered(nodes: tuple[ReportNode, ...], prefix: str = "report/") -> Iterator[tuple[str, int, ReportNode]]:
    """(id, depth, node) in reading order; ids number the nodes by position: report/2.1."""
    def walk(children: tuple[ReportNode, ...], path: str, depth: int):
        for i, node in enumerate(children, 1):
            node_id = f"{path}{i}"
            yield node_id, depth, node
            yield from walk(node.children, node_id + ".", depth + 1)
    yield from walk(nodes, prefix, 0)


def part_pages(nodes: tuple[ReportNode, ...], part_id: str, page_count: int) -> range | None:
    """The pages of a part: from its page to the page before the next part that is not inside it
    (at least its own page); None for an unknown id."""
    order = list(numbered(nodes))
    for k, (node_id, depth, node) in enumerate(order):
        if node_id != part_id:
            continue
        end = page_count
        for _, later_depth, later in order[k + 1:]:
            if later_depth <= depth:
                end = later.page
                break
        start = min(max(node.page, 0), max(page_count - 1, 0))
        return range(start, max(end, start + 1))
    return None


def page_locator(first: int, last: int) -> str:
    """CSL's locator for a passage on pages ``first`` to ``last`` (1-based): "4", or "3-4" (the
    style then writes "pp. 3–4" with its own range format)."""
    first, last = sorted((first, last))
    return str(first) if first == last else f"{first}-{last}"
