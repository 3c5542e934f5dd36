"""Ranking a search in SQL: bm25 when it is cheap, a bounded set of candidates when it is not.

See the package docstring ("Search") for why a keystroke never ranks the whole library."""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from typing import Callable

from viewer.core.library.listing import Order, sorted_matches
from viewer.core.library.matching import WORD, Group, Hit, Matcher, SearchResult, Snippet, fold_text
from viewer.core.library.rows import STORED, record_texts, stored

# Column weights of the ranking: title, authors, abstract, annotation, NCJ number, others
# (corporate authors, sponsoring agencies, journal: schema 5).
WEIGHTS = (10.0, 5.0, 1.0, 2.0, 10.0, 5.0)
# The word being typed is matched by at most this many of its completions, most frequent first
# (by its length: a one-letter word has thousands).
MAX_COMPLETIONS = {1: 8, 2: 16}
MAX_COMPLETIONS_LONG = 32
# A query is ranked with full bm25 over all its matches when that is cheap: no more than
# EXACT_POSTINGS index entries to count and no more than EXACT_MATCHES records to rank.
EXACT_POSTINGS = 40_000
EXACT_MATCHES = 2_000
# Otherwise (as-you-type over common words) the newest matches are ranked: up to CAP_HEAD that
# match in title/authors/NCJ number and CAP_ANY that match anywhere.
CAP_HEAD = 300
CAP_ANY = 100
# Added to the rank of a record that holds the typed word whole (bm25 scores stay far below it).
WHOLE_WORD_BONUS = 1e6


@dataclass(frozen=True)
class Ranking:
    """Every match of a query, best first or in a column's order (:meth:`Library.rank`); pages of
    it become hits or list rows on demand, so 40,000 matches cost 40,000 integers until shown."""

    query: str
    order: Order
    rids: tuple[int, ...]
    groups: tuple[Group, ...]

    def __len__(self) -> int:
        return len(self.rids)


class Ranker:
    """Runs searches on one connection; remembers completions until the library changes."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.doc_count = 0
        self._completions: dict[str, tuple[list[tuple[str, int]], bool]] = {}

    def forget(self, doc_count: int) -> None:
        self.doc_count = doc_count
        self._completions.clear()

    def search(self, query: str, groups: list[Group], labels: tuple[str, ...], limit: int,
                exact: bool | None) -> SearchResult:
        expr, complete, group_df = self._expression(groups, exact)
        cheap = complete and sum(group_df) <= EXACT_POSTINGS and min(group_df) <= EXACT_MATCHES
        matcher = Matcher(groups)
        if exact or (exact is None and cheap):
            ranked = self._rank_bm25(expr, _whole_words(groups), limit)
            is_exact = complete or bool(exact)
        else:
            ranked = self._rank_broad(expr, _whole_words(groups), group_df, matcher, limit)
            is_exact = False
        return SearchResult(query, self._hits(ranked, matcher), is_exact, labels)

    def rank_all(self, groups: list[Group], order: Order) -> list[int]:
        """Every match's rid: best first (whole words before longer words they begin, then bm25),
        or in a list column's order."""
        expr, _, _ = self._expression(groups, True)
        if order.column:
            return sorted_matches(self._conn, expr, order)
        return [rid for rid, _ in self._rank_bm25(expr, _whole_words(groups), -1)]

    def hits_for(self, rids: list[int], groups: list[Group]) -> tuple[Hit, ...]:
        return self._hits([(rid, 0.0) for rid in rids], Matcher(groups))

    def _expression(self, groups: list[Group], exact: bool | None) -> tuple[str, bool, list[int]]:
        """The FTS5 query of the groups, whether every completion is in it, and each group's df."""
        complete = True
        alternatives: list[list[tuple[str, int]]] = []  # per group: (fts term, df)
        for g in groups:
            if len(g.words) > 1:
                df = min(self.df(w) for w in g.words)
                alternatives.append([('"' + " ".join(g.words) + '"', df)])
            elif g.prefix and exact is not True:
                terms, truncated = self._complete(g.words[0])
                complete = complete and not truncated
                if not terms:  # not in the word list: ask the index itself (cheap: nothing shares it)
                    terms = [(f'"{g.words[0]}"*', 0)]
                else:
                    terms = [(f'"{t}"', df) for t, df in terms]
                alternatives.append(terms)
            elif g.prefix:
                alternatives.append([(f'"{g.words[0]}"*', self.doc_count)])
            else:
                alternatives.append([(f'"{g.words[0]}"', self.df(g.words[0]))])
        expr = " AND ".join(a[0][0] if len(a) == 1 else "(" + " OR ".join(t for t, _ in a) + ")"
                            for a in alternatives)
        group_df = [min(self.doc_count, sum(df for _, df in a)) for a in alternatives]
        return expr, complete, group_df

    def _rank_bm25(self, expr: str, whole: str, limit: int) -> list[tuple[int, float]]:
        """bm25 order, except that records holding the word being typed as a whole word come
        first (``whole``: the query with that word whole; "" when no word is a prefix): bm25
        weighs "qzmark5" and "qzmark5x" alike, a reader does not."""
        weights = ", ".join(str(w) for w in WEIGHTS)
        tier = "0"
        args: tuple = (expr,)
        if whole:
            tier = "rowid IN (SELECT rowid FROM record_fts WHERE record_fts MATCH ?)"
            args = (whole, expr)
        rows = self._conn.execute(
            f"SELECT rowid, {tier} AS whole, bm25(record_fts, {weights}) AS score FROM record_fts "
            "WHERE record_fts MATCH ? ORDER BY whole DESC, score LIMIT ?", (*args, limit)).fetchall()
        return [(rid, WHOLE_WORD_BONUS * bool(whole_word) - score) for rid, whole_word, score in rows]

    def _rank_broad(self, expr: str, whole: str, group_df: list[int], matcher: Matcher,
                    limit: int) -> list[tuple[int, float]]:
        """Rank a bounded set of candidates, so that a keystroke never ranks half the library:
        first the newest CAP_HEAD records with every word in title, authors or NCJ number,
        ranked by bm25 over those fields (a small index: cheap to count); then, if they are
        fewer than ``limit``, the newest CAP_ANY matches elsewhere, ranked by the words their
        title and authors hold, then newest first."""
        weights = f"{WEIGHTS[0]}, {WEIGHTS[1]}, {WEIGHTS[4]}"
        ranked: list[tuple[int, float]] = []
        seen: set[int] = set()
        # Whole-word matches of the word being typed first (when it is a word of the index).
        for tier, query in ((WHOLE_WORD_BONUS, whole), (0.0, expr)):
            if not query or len(ranked) >= limit:
                continue
            head = self._conn.execute(
                f"SELECT rid, score FROM (SELECT rowid AS rid, bm25(head_fts, {weights}) AS score FROM head_fts "
                "WHERE head_fts MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY score LIMIT ?",
                (query, CAP_HEAD, limit)).fetchall()
            # bm25 is negative: best first
            ranked += [(rid, tier + 1000.0 - score) for rid, score in head if rid not in seen]
            seen.update(rid for rid, _ in head)
        if len(ranked) >= limit:
            return ranked[:limit]
        others = [r for (r,) in self._conn.execute(
            "SELECT rowid FROM record_fts WHERE record_fts MATCH ? ORDER BY rowid DESC LIMIT ?", (expr, CAP_ANY))
            if r not in seen]
        if not others:
            return ranked
        rows = self._conn.execute(
            "SELECT rid, title, authors FROM records WHERE rid IN (SELECT value FROM json_each(?))",
            (json.dumps(others),)).fetchall()
        n = max(self.doc_count, 1)
        idf = [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in group_df]
        scored = []
        for rid, title, authors in rows:
            counts = matcher.tally(WORD.findall(fold_text(f"{title} {authors}")))
            scored.append((rid, sum(idf[gi] for gi, c in enumerate(counts) if c)))
        scored.sort(key=lambda s: (-s[1], -s[0]))
        return (ranked + scored)[:limit]

    def _hits(self, ranked: list[tuple[int, float]], matcher: Matcher) -> tuple[Hit, ...]:
        if not ranked:
            return ()
        rows = {r[0]: r for r in self._conn.execute(
            f"SELECT rid, id, title, authors, ncj_number, {STORED}, creator, issued_year, others "
            "FROM records WHERE rid IN (SELECT value FROM json_each(?))",
            (json.dumps([rid for rid, _ in ranked]),))}
        hits = []
        for rid, score in ranked:
            row = rows.get(rid)
            if row is None:
                continue
            _, record_id, title, authors, ncj, kind, raw, creator, year, others = row
            hits.append(Hit(record_id, title, authors, ncj, score, tuple(matcher.spans(title)), creator, year,
                            _snippet_finder(matcher, kind, raw, authors or "", others or "")))
        return tuple(hits)

    def _complete(self, prefix: str) -> tuple[list[tuple[str, int]], bool]:
        cached = self._completions.get(prefix)
        if cached is not None:
            return cached
        most = MAX_COMPLETIONS.get(len(prefix), MAX_COMPLETIONS_LONG)
        if len(prefix) <= 2:
            rows = self._conn.execute(
                f"SELECT term, df FROM terms WHERE substr(term, 1, {len(prefix)}) = ? ORDER BY df DESC LIMIT ?",
                (prefix, most + 1)).fetchall()
        else:
            rows = self._conn.execute(
                "SELECT term, df FROM terms WHERE term >= ? AND term < ? || char(1114111) ORDER BY df DESC LIMIT ?",
                (prefix, prefix, most + 1)).fetchall()
        result = (rows[:most], len(rows) > most)
        if len(prefix) > 2 and not any(t == prefix for t, _ in result[0]):
            whole = self.df(prefix)  # the typed word itself, however rare, is always looked for
            if whole:
                result = ([(prefix, whole), *rows[:most - 1]], result[1])
        if len(self._completions) > 4096:
            self._completions.clear()
        self._completions[prefix] = result
        return result

    def df(self, word: str) -> int:
        row = self._conn.execute("SELECT df FROM terms WHERE term = ?", (word,)).fetchone()
        return row[0] if row else 0



def _snippet_finder(matcher: Matcher, kind: str, raw: bytes | None, authors: str, others: str
                    ) -> Callable[[], Snippet]:
    """The hit's snippet, found when it is first shown (the stored text read then)."""
    def find() -> Snippet:
        try:  # a damaged row's JSON reads as no text
            abstract, annotation = record_texts(stored(kind, raw))
        except ValueError:
            abstract, annotation = "", ""
        return matcher.snippet(abstract or "", annotation or "", authors, others)
    return find


def _whole_words(groups: list[Group]) -> str:
    """The FTS5 query of the groups with the word being typed taken whole ("" when none is)."""
    if not any(g.prefix for g in groups):
        return ""
    return " AND ".join('"' + " ".join(g.words) + '"' for g in groups)
