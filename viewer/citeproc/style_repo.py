"""Every official CSL style and locale, offline, plus the user's own styles. No Qt here.

The bundle (``resources/csl/repository/``, made by ``scripts/build_styles.py``) is read lazily:
nothing at import; the index (one xz file, ~0.2 MB) the first time styles are listed or looked
up; one chunk of ~2 MB of style XML (xz, a few ms) the first time a style in it is needed. The
eight offered styles and en-US stay loose files (``resources/csl/styles``, ``locales``).

A dependent style is an entry only: its XML is its parent's, and its own default-locale, if it
has one, is the locale it renders in (as Zotero does) unless the caller chooses one.

User styles live as ``<id>.csl`` in a folder the caller passes (``user_dir``; the application's
is ``<data folder>/styles``): :func:`add_user_style` checks and copies a file there.
"""

from __future__ import annotations

import json
import lzma
import os
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from viewer.citeproc.style_check import CheckedStyle, StyleError, check_style
from viewer.core.resources import resource_path

__all__ = ["StyleInfo", "StyleError", "UnknownStyle", "all_styles", "find_styles", "style_info", "style_xml",
           "style_default_locale", "locale_xml", "resolve_locale", "locales", "locale_name", "add_user_style", "source"]

DEFAULT_LOCALE = "en-US"


class UnknownStyle(StyleError, KeyError):
    """No bundled or user style has this id (also a KeyError, as a look-up miss)."""

    def __str__(self) -> str:  # KeyError would print the repr of its argument
        return str(self.args[0]) if self.args else ""


class StyleInfo(NamedTuple):
    # A tuple, not a dataclass: the index makes 10,000+ of them, in a third of the time.
    id: str
    title: str
    parent: str | None  # the independent style a dependent one renders with
    default_locale: str | None  # the style file's own default-locale attribute
    citation_format: str | None = None  # "author-date", "numeric", "note", ...
    fields: tuple[str, ...] = ()  # the style's <category field=...>: "law", "social_science", ...
    user: bool = False  # added by the user (lives in the user-style folder)

    @property
    def is_dependent(self) -> bool:
        return self.parent is not None


@dataclass(frozen=True)
class _Index:
    styles: tuple[StyleInfo, ...]  # sorted by id
    by_id: dict[str, StyleInfo]
    places: dict[str, list[Any]]  # style id -> [chunk file, offset, length]; absent: loose or dependent
    locales: dict[str, list[Any] | None]  # locale id -> place; None: a loose file
    primary_dialects: dict[str, str]  # "de" -> "de-DE"
    language_names: dict[str, str]  # "de-DE" -> "German (Germany)"
    source: dict[str, str]


def _repo_path(name: str) -> Path:
    return resource_path("csl", "repository", name)


@cache
def _index() -> _Index:
    data = json.loads(lzma.decompress(_repo_path("index.json.xz").read_bytes()))
    styles = []
    places = {}
    for sid, title, parent, locale, fmt, fields, place in data["styles"]:
        styles.append(StyleInfo(sid, title, parent, locale, fmt, tuple(fields.split(",")) if fields else (), False))
        if place is not None:
            places[sid] = place
    return _Index(
        styles=tuple(styles), by_id={s.id: s for s in styles}, places=places, locales=data["locales"],
        primary_dialects=data["primary_dialects"], language_names=data["language_names"], source=data["source"])


@cache
def _haystacks() -> tuple[tuple[str, StyleInfo], ...]:
    """Each bundled style with its "id<TAB>title" case-folded, for find_styles."""
    return tuple((f"{s.id}\t{s.title}".casefold(), s) for s in _index().styles)


@lru_cache(maxsize=4)
def _chunk(name: str) -> bytes:
    # A few recent chunks stay decompressed (~2 MB each): styles are picked near one another.
    return lzma.decompress(_repo_path(name).read_bytes())


def _member(place: list[Any]) -> str:
    name, offset, length = place
    return _chunk(name)[offset:offset + length].decode("utf-8")


def source() -> dict[str, str]:
    """Where the bundle comes from: package names and versions, the newest style's date."""
    return dict(_index().source)


# --- styles -----------------------------------------------------------------------------------


def all_styles(user_dir: Path | None = None) -> list[StyleInfo]:
    """Every bundled style (sorted by id), then the user's (sorted by id)."""
    return list(_index().styles) + _user_styles(user_dir)


def find_styles(text: str, user_dir: Path | None = None) -> list[StyleInfo]:
    """The styles whose id or title holds ``text`` (case-insensitive), in :func:`all_styles` order."""
    needle = text.strip().casefold()
    found = [info for hay, info in _haystacks() if needle in hay]
    return found + [s for s in _user_styles(user_dir) if needle in f"{s.id}\t{s.title}".casefold()]


def style_info(style_id: str, user_dir: Path | None = None) -> StyleInfo:
    """The style with this id; :class:`UnknownStyle` if neither bundled nor the user's."""
    info = _index().by_id.get(style_id)
    if info is None and user_dir is not None:
        info = next((s for s in _user_styles(user_dir) if s.id == style_id), None)
    if info is None:
        raise UnknownStyle(f"unknown citation style {style_id!r} (see 'ncjrs-viewer styles --all')")
    return info


def style_xml(style_id: str, user_dir: Path | None = None) -> str:
    """The CSL XML that renders ``style_id``: its own, or its parent's for a dependent style."""
    info = style_info(style_id, user_dir)
    if info.parent is not None:
        info = style_info(info.parent, user_dir)
    if info.user:
        assert user_dir is not None
        return (user_dir / f"{info.id}.csl").read_text(encoding="utf-8")
    place = _index().places.get(info.id)
    if place is None:  # one of the offered styles, kept as a loose file
        return resource_path("csl", "styles", f"{info.id}.csl").read_text(encoding="utf-8")
    return _member(place)


def style_default_locale(style_id: str, user_dir: Path | None = None) -> str | None:
    """The locale ``style_id`` renders in unless one is chosen: its own default-locale, else its
    parent's (the attribute of the XML it renders with); None means en-US."""
    info = style_info(style_id, user_dir)
    if info.default_locale or info.parent is None:
        return info.default_locale
    return style_info(info.parent, user_dir).default_locale


# --- locales ----------------------------------------------------------------------------------


def locales() -> list[str]:
    """Every bundled locale id ("de-DE", "en-US", ...)."""
    return sorted(_index().locales)


def locale_name(lang: str) -> str:
    """A bundled locale's name in English ("German (Austria)"), for a locale menu; else the id."""
    return _index().language_names.get(lang, lang)


def resolve_locale(lang: str | None) -> str:
    """The bundled locale that serves ``lang``: itself, else its language's primary dialect
    (de-CH -> de-DE, "de" -> de-DE), else en-US."""
    if not lang:
        return DEFAULT_LOCALE
    wanted = lang.strip().replace("_", "-")
    bundled = {key.casefold(): key for key in _index().locales}
    if wanted.casefold() in bundled:
        return bundled[wanted.casefold()]
    primary = _index().primary_dialects.get(wanted.split("-", 1)[0].lower())
    return primary if primary in _index().locales else DEFAULT_LOCALE


def locale_xml(lang: str | None) -> str:
    """The XML of the bundled locale that serves ``lang`` (see :func:`resolve_locale`)."""
    key = resolve_locale(lang)
    place = _index().locales[key]
    if place is None:
        return resource_path("csl", "locales", f"locales-{key}.xml").read_text(encoding="utf-8")
    return _member(place)


# --- the user's styles ------------------------------------------------------------------------


def _user_styles(user_dir: Path | None) -> list[StyleInfo]:
    if user_dir is None or not user_dir.is_dir():
        return []
    found = []
    for path in sorted(user_dir.glob("*.csl")):
        try:
            stat = path.stat()
            found.append(_user_style(path, stat.st_mtime_ns, stat.st_size))
        except (OSError, StyleError):
            continue  # a file changed or damaged by hand since it was added: not offered
    return found


@lru_cache(maxsize=256)
def _user_style(path: Path, _mtime: int, _size: int) -> StyleInfo:
    checked = check_style(path.read_bytes(), lambda _: True, path.name)
    return StyleInfo(path.stem, checked.title, checked.parent, checked.default_locale, user=True)


def add_user_style(path: str | os.PathLike[str], user_dir: Path) -> StyleInfo:
    """Check the CSL file at ``path`` and copy it into ``user_dir`` as ``<id>.csl``.

    :class:`StyleError` (one line, with the line number) for anything that is not a CSL 1.0
    style, for a dependent style whose parent is missing, and for an id a bundled style has.
    A style of the same id added before is replaced.
    """
    source_path = Path(path)
    try:
        data = source_path.read_bytes()
    except OSError as exc:
        raise StyleError(f"{source_path.name}: cannot be read ({exc.strerror or exc})") from None

    def has_style(style_id: str) -> bool:
        try:
            return not style_info(style_id, user_dir).is_dependent
        except UnknownStyle:
            return False

    checked: CheckedStyle = check_style(data, has_style, source_path.name)
    if checked.id in _index().by_id:
        raise StyleError(f"{source_path.name}: a bundled style already has the id {checked.id!r}; "
                         f"give yours its own <id>")
    user_dir.mkdir(parents=True, exist_ok=True)
    target = user_dir / f"{checked.id}.csl"
    temp = user_dir / f".{checked.id}.csl.part-{os.getpid()}"
    try:
        temp.write_bytes(data)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise StyleError(f"{source_path.name}: cannot be copied to {user_dir} ({exc.strerror or exc})") from None
    stat = target.stat()
    return _user_style(target, stat.st_mtime_ns, stat.st_size)
