"""Citations of a record in the offered CSL styles. No Qt widgets here.

Every citation is citeproc-js output (the reference CSL processor, the engine inside Zotero):

- For a bundled record it is read from ``resources/citations/<record id>.json``, which
  ``scripts/render_citations.py`` renders with citeproc-js under Node when the resources are built
  (a test re-renders and compares). Nothing here loads a style for it, so the first copy costs a
  JSON read and later ones a dictionary look-up.
- For any other record (or one whose CSL item no longer matches what was stored) the same
  citeproc-js runs inside QuickJS (:mod:`viewer.citeproc.engine`, imported only then). Building a
  style's processor takes up to a second, a sorted bibliography's seconds; call that path from a
  worker thread in the UI.

Any style of the whole CSL repository (:mod:`viewer.citeproc.style_repo`, ``styles --all``) can
be asked for by id, in any bundled locale; only the eight offered ones (``STYLES``) in their
default locale have stored citations.

``Citation.html`` is a fragment for the clipboard's ``text/html`` (citeproc-js markup: ``<i>``,
``<b>``, small caps as ``<span style=...>``; IEEE's number in ``<span class="csl-left-margin">``
then a space: never a block inside an entry, see ``resources/js/citeproc_driver.js``);
``Citation.text`` is the plain form. A style with no bibliography (Bluebook) gives its full
citation (the first note) as the bibliography entry.

:func:`bibliography` makes one bibliography of several records, ordered as the style orders it
(see :meth:`viewer.citeproc.engine.CslEngine.render_bibliography`): text one entry a line; HTML each
entry in its own ``<div class="csl-entry">`` block. Blocks rather than ``<p>``: Word, Google Docs
and LibreOffice each make a ``<div>`` block one paragraph, while a ``<p>`` brings the HTML default
margins (Word pastes it as "Normal (Web)" with space before and after each entry).
``<div class="csl-entry">`` is also citeproc-js's and Zotero's own markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from viewer.core.csl_item import csl_item
from viewer.core.record import Record
from viewer.core.resources import resource_path


class CitationError(Exception):
    """A citation that cannot be made; the message says why."""


class UnknownStyleError(CitationError, KeyError):
    """A style id that is not offered (also a KeyError, as a look-up miss)."""

    def __str__(self) -> str:  # KeyError would print the repr of its argument
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Style:
    id: str  # the CSL style's id, also its file name under resources/csl/styles/
    name: str


# The offered styles in display order (issue 3). Every id is an independent CSL style file.
STYLES: list[Style] = [
    Style("apa", "APA 7th edition"),
    Style("modern-language-association", "MLA 9th edition"),
    Style("chicago-author-date", "Chicago 18th edition (author-date)"),
    Style("chicago-notes-bibliography", "Chicago 18th edition (notes and bibliography)"),
    Style("harvard-cite-them-right", "Harvard \u2013 Cite Them Right 12th edition"),
    Style("american-sociological-association", "American Sociological Association 6th/7th edition"),
    Style("bluebook-law-review", "Bluebook law review"),
    Style("ieee", "IEEE"),
]
DEFAULT_STYLE = "apa"
_BY_ID = {style.id: style for style in STYLES}

CITATIONS_SCHEMA = "ncjrs-viewer.citations"
CITATIONS_SCHEMA_VERSION = 1
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # hyphen-minus, hyphens, dashes, minus sign


@dataclass(frozen=True)
class Citation:
    text: str
    html: str


def style_ids() -> list[str]:
    return [style.id for style in STYLES]


def style(style_id: str, user_styles: Path | None = None) -> Style:
    """The style with this id: an offered one, else any of the CSL repository (or of the user's
    style folder ``user_styles``); :class:`UnknownStyleError` names the offered ones."""
    if isinstance(style_id, str) and style_id in _BY_ID:
        return _BY_ID[style_id]
    from viewer.citeproc import style_repo  # the index loads on first use, not at start-up

    try:
        info = style_repo.style_info(style_id, user_styles)
    except (style_repo.StyleError, TypeError):
        raise UnknownStyleError(
            f"unknown citation style {style_id!r}; choose one of: {', '.join(style_ids())}"
            f" (or any id 'ncjrs-viewer styles --all' lists)"
        ) from None
    return Style(info.id, info.title)


def render(record: Record, style_id: str, in_text: bool = False, locale: str | None = None,
           user_styles: Path | None = None, locator: str = "", label: str = "page") -> Citation:
    """The bibliography entry (or, with ``in_text``, the in-text citation) of ``record``.

    Pre-rendered for bundled records (instant); otherwise rendered by :mod:`viewer.citeproc.engine`,
    which blocks while citeproc-js loads and the style is built the first time (up to about a
    second). ``locale``: a bundled locale id; None renders in the style's default locale.
    ``locator`` and ``label`` (CSL's: "4", "page"): the cite's pinpoint. Stored citations have none,
    so a citation with a locator is always rendered by the engine.
    """
    name = style(style_id, user_styles).name
    if locator and locator[0] in _DASHES:  # citeproc-js drops it: "-1" would print as "p. 1"
        raise CitationError(f"the locator {locator!r} begins with a dash: give the page as printed, e.g. 4 or 12-14")
    entry = None if locator else _prerendered_entry(record, style_id, locale)
    if entry is None:
        from viewer.citeproc import engine as csl_engine  # only records without pre-rendered citations need it

        try:
            args = _engine_args(locale, user_styles)
            if locator:  # the cite's pinpoint, beside the item (CSL's locator and label)
                args["cite"] = {"locator": locator, "label": label}
            entry = csl_engine.render_item(csl_item(record, style_id, user_styles), style_id, **args)
        except csl_engine.CslEngineError as exc:
            raise CitationError(f"{name}: {exc}") from exc
    return from_entry(entry, in_text)


def _engine_args(locale: str | None, user_styles: Path | None) -> dict[str, Any]:
    """What csl_engine's render calls need beyond the item and style: only what differs from
    their defaults (this thread's engine, the style's default locale)."""
    args: dict[str, Any] = {}
    if locale is not None:
        args["locale"] = locale
    if user_styles is not None:
        from viewer.citeproc import engine as csl_engine

        args["engine"] = engine = csl_engine.engine_for_this_thread()
        engine.user_styles = user_styles  # where this thread's engine finds the user's styles
    return args


def bibliography(records: Iterable[Record], style_id: str, locale: str | None = None,
                 user_styles: Path | None = None) -> Citation:
    """One bibliography of ``records`` in ``style_id``, ordered as the style demands. Blocking.

    Records are given in the order they are cited (the order a numeric style like IEEE numbers
    them by, and the order a style without a bibliography, Bluebook, lists its full citations
    in); a record given twice is listed once. One bundled record is served from its stored
    entry; anything else is rendered by :mod:`viewer.citeproc.engine`, whose first bibliography in
    a sorting style builds for seconds (Chicago: several): call it from a worker in the UI
    (:meth:`viewer.services.citation_service.CitationService.request_bibliography`).
    """
    name = style(style_id, user_styles).name
    chosen = unique_records(records)
    if not chosen:
        raise CitationError("a bibliography needs at least one record")
    if len(chosen) == 1:
        entry = _prerendered_entry(chosen[0], style_id, locale)
        if entry is not None:
            return bibliography_of_one(entry)
    from viewer.citeproc import engine as csl_engine  # only what is not stored needs it

    try:
        result = csl_engine.render_bibliography(bibliography_items(chosen, style_id, user_styles), style_id,
                                                **_engine_args(locale, user_styles))
    except csl_engine.CslEngineError as exc:
        raise CitationError(f"{name}: {exc}") from exc
    return from_bibliography(result)


def unique_records(records: Iterable[Record]) -> list[Record]:
    """``records`` in the order given, each record id once (its first occurrence)."""
    seen: set[str] = set()
    chosen = []
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            chosen.append(record)
    return chosen


def bibliography_items(records: Iterable[Record], style_id: str,
                       user_styles: Path | None = None) -> list[dict[str, Any]]:
    """The CSL items a bibliography of ``records`` is rendered from, in the order given."""
    return [csl_item(record, style_id, user_styles) for record in unique_records(records)]


def from_bibliography(result: dict[str, Any]) -> Citation:
    """The Citation of a rendered bibliography (``csl_engine.render_bibliography``'s answer)."""
    return Citation(text=result["text"], html=result["html"])


def bibliography_of_one(entry: dict[str, Any]) -> Citation:
    """A one-record bibliography from that record's entry: the same as rendering it as a bibliography."""
    part = entry["bibliography"]
    return Citation(text=part["text"], html=f'<div class="csl-entry">{part["html"]}</div>')


def stored_entry(record: Record, style_id: str) -> dict[str, Any] | None:
    """The stored citeproc-js entry of a bundled record, or None when it must be rendered."""
    style(style_id)
    return _prerendered_entry(record, style_id)


def from_entry(entry: dict[str, Any], in_text: bool = False) -> Citation:
    part = entry["citation" if in_text else "bibliography"]
    return Citation(text=part["text"], html=part["html"])


def is_prerendered(record: Record, style_id: str) -> bool:
    """True when ``render(record, style_id)`` needs no engine (the UI can skip the worker)."""
    style(style_id)
    return _prerendered_entry(record, style_id) is not None


def _prerendered_entry(record: Record, style_id: str, locale: str | None = None) -> dict[str, Any] | None:
    if style_id not in _BY_ID or locale not in (None, "en-US"):
        return None  # stored: the offered styles, in en-US (their default locale)
    stored = _load_prerendered(record.id)
    if stored is None:
        return None
    entry = stored["styles"].get(style_id)
    # The stored item is the one it was rendered from: a changed record is rendered afresh.
    if entry is None or entry.get("item") != csl_item(record, style_id):
        return None
    return entry


@cache
def _load_prerendered(record_id: str) -> dict[str, Any] | None:
    if not _SAFE_ID.match(record_id):
        return None
    path = resource_path("citations", f"{record_id}.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise CitationError(f"{path}: pre-rendered citations cannot be read ({exc})") from None
    if (
        not isinstance(data, dict)
        or data.get("schema") != CITATIONS_SCHEMA
        or data.get("schema_version") != CITATIONS_SCHEMA_VERSION
        or data.get("record_id") != record_id
        or not isinstance(data.get("styles"), dict)
    ):
        raise CitationError(f"{path}: not a {CITATIONS_SCHEMA} v{CITATIONS_SCHEMA_VERSION} file for {record_id}")
    return data
