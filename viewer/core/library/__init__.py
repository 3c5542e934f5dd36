"""The user's library: records in an embedded SQLite database, searched with FTS5. No Qt here.

One file, ``library.sqlite3``, in a folder the caller chooses (the app passes its data
location or ``--library DIR``); ``Library.open(None)`` gives a library in memory that
holds only the bundled record and keeps nothing.

How the data is kept
--------------------
* ``records``: one row a record. ``json`` holds the record in the record file format
  (``"schema": "ncjrs-viewer.record"``, version 2, see :func:`viewer.core.record.record_to_data`) plus,
  under ``"csl_extra"``, the CSL-JSON fields an imported RIS/BibTeX/CSL-JSON file gave that a Record
  has no field for (DOI, item type, structured author names...). Version 1 libraries are upgraded
  on open (``MIGRATIONS[2]``): their rows' ``"citation"`` becomes ``"csl_extra"``. Since version 5
  that JSON is stored compressed (:func:`rows.pack`: zlib from a preset dictionary, the abstract
  and annotation first so that search results read them without parsing JSON), which keeps a
  library within about 1.2 times the CSL-JSON file it was imported from.
  Title, authors, creator (version 3: first author or corporate author, "et al."), year and NCJ
  number are also columns, for lists, sorting and search; each column the list sorts by has an
  index (``listing.SORT_KEYS``), so sorting 235,000 records reads one index.
* ``record_fts``: an FTS5 index over title, authors, abstract, annotation, NCJ number and (version
  5) ``others``: corporate authors, sponsoring agencies and the journal, a column of ``records``.
  Its content is the ``record_text`` view over ``records`` (external content; the view reads
  the compressed text through ``ncjrs_text``, an SQL function every Library registers), so the
  text is stored once. It is kept in step by this module, inside the same transaction as every
  change to ``records`` (triggers would be simpler, but made a bulk import three times slower).
* ``head_fts``: a second, small FTS5 index over title, authors and NCJ number only, for
  ranking broad queries cheaply (see :meth:`Library.search`).
* ``terms``: every indexed word with the number of records holding it. It turns the word
  being typed into its most frequent completions and tells the search what a query costs.
  Counts are upper bounds: removals do not lower them; large imports and
  :meth:`Library.optimize` recount them from the index.
* Versioned schema: ``PRAGMA user_version`` counts the migrations applied (``MIGRATIONS``),
  ``PRAGMA application_id`` marks the file as ours. WAL journal, ``synchronous=FULL``; every
  change (one import, one removal) is one transaction, so a killed program leaves the
  library as it was before or after it, never between.

The bundled record
------------------
NCJ 203234 ships in ``resources/records``. Its row here is only an entry for listing and
search: it is written from the resources when a library is created and again on every open
where it is missing or differs, it is marked ``protected`` (triggers refuse to delete or
remove it), and :meth:`Library.get` always answers it from the resources, never from the
database. Whatever happens to the database, the user sees the shipped record.

Search
------
Every word of the query must match (title, authors, abstract, annotation, NCJ number, or a
corporate author, sponsoring agency or journal);
"quoted words" match as a phrase; the last word, while it is being typed, matches as a
prefix through its most frequent completions. FTS5's bm25 ranks every match when that is
cheap (known from ``terms``: few index entries to count, few matches to rank). For a broad
query (common words, one or two letters typed) bm25 would count the whole index on every
keystroke (over 100 ms at 235,000 records), so the keystroke is answered from a bounded
set instead: the newest records with every word in title, authors or NCJ number, ranked by
bm25 over those fields, then other matches; the result says ``exact=False`` and the caller
can search again with ``exact=True`` when typing stops. Records holding the word being typed
whole rank before those holding only longer words it begins. :meth:`Library.rank` gives every
match (best first, or in a list column's order) as rids, read a page at a time.

Errors
------
Everything this module raises is a :class:`LibraryError` naming the file:
:class:`CorruptLibraryError` (not a database, damaged pages or schema),
:class:`NewerLibraryError` (written by a newer version of the program),
:class:`ForeignDatabaseError` (an SQLite file of some other program). For each of these the
app should call :func:`set_aside` (a rename, never a delete) and open a fresh library.
"""


from viewer.core.library.errors import (
                                        CorruptLibraryError,
                                        DamagedRecordError,
                                        ForeignDatabaseError,
                                        ImportCancelled,
                                        LibraryError,
                                        NewerLibraryError,
                                        ReadOnlyLibraryError,
)
from viewer.core.library.matching import Hit, SearchResult, Span, fold, fold_text, highlight_html, match_spans, words
from viewer.core.library.listing import COLUMNS, ListRow, Order, creator_text
from viewer.core.library.ranking import Ranking
from viewer.core.library.schema import LIBRARY_FILE_NAME, library_file, set_aside
from viewer.core.library.adding import AddResult, ImportOutcome
from viewer.core.library.store import Library

__all__ = ["COLUMNS", "ListRow", "Order", "Ranking", "creator_text", "AddResult", "CorruptLibraryError", "DamagedRecordError", "ForeignDatabaseError", "Hit", "ImportCancelled",
           "ImportOutcome", "LIBRARY_FILE_NAME", "Library", "LibraryError", "NewerLibraryError", "ReadOnlyLibraryError", "SearchResult", "Span",
           "fold", "fold_text", "highlight_html", "library_file", "match_spans", "set_aside", "words"]
