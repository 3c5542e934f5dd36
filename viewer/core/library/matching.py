"""Words and matches: how text is folded, how a query is parsed, where its words are found,
and the hits a search returns. Plain Python; the SQL side is in :mod:`ranking`."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

Span = tuple[int, int]


@dataclass(frozen=True)
class Snippet:
    """Where a hit's words are found beyond its title: an excerpt and the matched words in it."""

    text: str = ""  # plain text from the field named by ``field``, "…" where cut
    spans: tuple[Span, ...] = ()
    field: str = ""  # "abstract", "annotation", "authors", "others" (corporate authors,
    # sponsoring agencies, journal) or ""


@dataclass(frozen=True)
class Hit:
    """One search result. Spans are (start, end) character offsets of matched words.

    The snippet is found when first asked for (``found`` is then a function, called once): a
    keystroke ranks a screenful and more of hits, and the list paints only those on screen."""

    id: str
    title: str
    authors: str
    ncj_number: str
    rank: float  # higher is better; compare only within one SearchResult
    title_spans: tuple[Span, ...] = ()
    creator: str = ""  # the list's Creator column (listing.creator_text)
    year: int | None = None
    found: Snippet | Callable[[], Snippet] = field(default=Snippet(), compare=False, repr=False)

    @property
    def snippet_found(self) -> Snippet:
        found = self.found
        if not isinstance(found, Snippet):
            found = found()
            object.__setattr__(self, "found", found)  # once: the text it was found in is let go
        return found

    @property
    def snippet(self) -> str:
        return self.snippet_found.text

    @property
    def snippet_spans(self) -> tuple[Span, ...]:
        return self.snippet_found.spans

    @property
    def snippet_field(self) -> str:
        return self.snippet_found.field

    def title_html(self) -> str:
        return highlight_html(self.title, self.title_spans)

    def snippet_html(self) -> str:
        return highlight_html(self.snippet, self.snippet_spans)


@dataclass(frozen=True)
class SearchResult(Sequence[Hit]):
    query: str
    hits: tuple[Hit, ...] = ()
    # True: ranked by bm25 over every match. False: a broad query while typing, ranked over
    # its newest matches (title matches first); search again with exact=True when idle.
    exact: bool = True
    terms: tuple[str, ...] = ()  # words matched, folded; a trailing "*" marks a prefix

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index):
        return self.hits[index]

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)


def highlight_html(text: str, spans: Iterable[Span], tag: str = "b") -> str:
    """Text as escaped HTML with each span wrapped in <tag>: record text is never markup."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<{tag}>{html.escape(text[start:end])}</{tag}>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


# --- words ------------------------------------------------------------------------------

WORD = re.compile(r"[^\W_]+")
_NCJ_JOINED = re.compile(r"^(ncj)(\d+)$")


def fold(word: str) -> str:
    """A word as the index keeps it (unicode61, remove_diacritics 2): lower case, no accents."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    return [fold(w) for w in WORD.findall(text)]


def _folded_with_map(text: str) -> tuple[str, list[int] | None]:
    """Text folded for matching, and for non-ASCII text the original offset of each folded char."""
    if text.isascii():
        return text.lower(), None
    out, where = [], []
    for i, char in enumerate(text):
        for f in fold(char) if (char.isalnum() or unicodedata.combining(char)) else char.lower():
            out.append(f)
            where.append(i)
    where.append(len(text))
    return "".join(out), where


@dataclass(frozen=True)
class Group:
    words: tuple[str, ...]  # one word, or the words of a quoted phrase
    prefix: bool = False  # the word still being typed

    @property
    def label(self) -> str:
        return " ".join(self.words) + ("*" if self.prefix else "")


def parse_query(query: str, prefix: bool = True) -> list[Group]:
    """Words to match, each a group; "quoted words" make a phrase; the last word, when the
    query does not end in a space or punctuation, is a prefix (as-you-type)."""
    groups: list[Group] = []
    for i, part in enumerate(query.split('"')):
        found: list[str] = []
        for w in words(part):
            m = _NCJ_JOINED.match(w)
            found.extend(m.groups() if m else (w,))
        # "NCJ 203234": the number says it all (and "ncj" is in nearly every NCJRS record).
        found = [w for i, w in enumerate(found) if not (w == "ncj" and i + 1 < len(found) and found[i + 1].isdigit())]
        if i % 2 and len(found) > 1:
            groups.append(Group(tuple(found)))
        else:
            groups.extend(Group((w,)) for w in found)
    groups = list(dict.fromkeys(groups))[:16]
    if prefix and groups and query and WORD.match(query[-1]) and len(groups[-1].words) == 1 \
            and query.count('"') % 2 == 0:
        groups[-1] = Group(groups[-1].words, prefix=True)
    return groups


class Matcher:
    """Finds the query's words in a text (for scoring and highlighting)."""

    def __init__(self, groups: Sequence[Group]) -> None:
        self.groups = groups
        self.any = self._pattern(groups)
        self.exact: dict[str, list[int]] = {}
        self.prefixes: list[tuple[str, int]] = []
        for gi, g in enumerate(groups):
            if g.prefix:
                self.prefixes.append((g.words[0], gi))
            else:
                for w in g.words:
                    self.exact.setdefault(w, []).append(gi)

    @staticmethod
    def _pattern(groups: Sequence[Group]) -> re.Pattern[str]:
        """Each word whole (or, being typed, as a prefix) and not inside a longer word. Each
        alternative starts with its first letter, then looks behind it for a letter, so that the
        regex engine skips to the letters that can start a match (a pattern starting with the
        lookbehind tries it at every character: 2 to 10 times slower on an abstract)."""
        words = sorted({(w, g.prefix) for g in groups for w in g.words}, key=lambda a: len(a[0]), reverse=True)
        alts = [re.escape(w[0]) + r"(?<![^\W_][\s\S])" + re.escape(w[1:]) + (r"[^\W_]*" if prefix else "")
                for w, prefix in words]
        return re.compile(r"(?:" + "|".join(alts) + r")(?![^\W_])")

    def spans(self, text: str) -> list[Span]:
        if not text:
            return []
        folded, where = _folded_with_map(text)
        found = [(m.start(), m.end()) for m in self.any.finditer(folded)]
        if where is not None:
            found = [(where[s], where[e - 1] + 1) for s, e in found]
        return found

    def snippet(self, abstract: str, annotation: str, authors: str, others: str) -> Snippet:
        """The excerpt of the first of these fields holding a word of the query (with the words
        marked); with none, the start of the annotation (or the abstract)."""
        for name, text in (("abstract", abstract), ("annotation", annotation), ("authors", authors),
                           ("others", others)):
            found = self.spans(text)
            if found:
                cut, spans = excerpt(text, found)
                return Snippet(cut, tuple(spans), name)
        cut, spans = excerpt(annotation or abstract, [])
        return Snippet(cut, tuple(spans), "annotation" if annotation else ("abstract" if abstract else ""))

    def tally(self, tokens: list[str]) -> list[int]:
        """How many of the (folded) tokens match each group."""
        counts = [0] * len(self.groups)
        exact, prefixes = self.exact, self.prefixes
        for token in tokens:
            hit = exact.get(token)
            if hit:
                for gi in hit:
                    counts[gi] += 1
            for p, gi in prefixes:
                if token.startswith(p):
                    counts[gi] += 1
        return counts


def match_spans(text: str, query: str, prefix: bool = True) -> tuple[Span, ...]:
    """Where the words of a query occur in a text, as search matches them (for highlighting
    a record's sections after a search)."""
    groups = parse_query(query, prefix)
    return tuple(Matcher(groups).spans(text)) if groups else ()


def fold_text(text: str) -> str:
    return _folded_with_map(text)[0]


def excerpt(text: str, spans: list[Span], width: int = 240) -> tuple[str, list[Span]]:
    """About ``width`` characters around the densest run of matches, cut at spaces."""
    if len(text) <= width:
        return text, list(spans)
    if spans:
        best, best_n = 0, 0
        for i, (s, _) in enumerate(spans):
            n = sum(1 for t, _ in spans[i:] if t - s < width * 0.7)
            if n > best_n:
                best, best_n = i, n
        start = max(0, spans[best][0] - width // 5)
    else:
        start = 0
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space > 0 else end
    lead = "…" if start else ""
    tail = "…" if end < len(text) else ""
    shift = len(lead) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return lead + text[start:end] + tail, inside
