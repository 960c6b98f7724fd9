"""A full-text index in SQLite FTS5: built once from documents, then matched and ranked by FTS5's own
BM25 (``bm25()``) with the matched words marked by ``snippet()``.

A broad query (more than ``BROAD`` matches of one kind) is not ranked by BM25: FTS5 scores every match
before it can hand back the first page (1.3 s for ~930,000 matches at 10M triples). Its page is instead
the first matches in rowid order, which is a static rank fixed when the index is built: the kinds in
``BLOCKS``' order (names before findings), and within a kind the order the documents came in
(``carekg.search.documents``: factors, innovations and sources by their number of findings). FTS5
reads matches in rowid order and stops after the page; a broad kind's count is extrapolated from its
first matches.

Users' words never reach FTS5's query syntax: each word is quoted as an FTS5 string (a ``"`` doubled),
so ``AND``, ``NEAR``, ``*``, ``-``, ``:`` or brackets are searched for as text, never obeyed. Only a
trailing ``*`` keeps its meaning (a prefix search), and ``"two words"`` is searched as a phrase.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from carekg.search.documents import Document

#: Porter stemming over Unicode words, accents folded: "workers" finds "worker", "Sante" finds "Santé".
TOKENIZER = "porter unicode61 remove_diacritics 2"
#: The weight of a match in each searched column: the label counts most, the prose least.
WEIGHTS = {"label": 4.0, "names": 2.0, "text": 1.0}
#: Marks around each matched word in a snippet: control characters no indexed text keeps (see _clean).
OPEN, CLOSE = "\x02", "\x03"
SNIPPET_WORDS = 24
#: Each kind's documents get rowids in a block of their own (number in BLOCKS << KIND_SHIFT), so counting
#: matches per kind and keeping one kind need only the full-text index's rowids, never the stored rows
#: (at 1M triples, reading a column of ~90,000 matching rows took 10x as long as counting).
KIND_SHIFT = 40
#: The blocks' order, the static rank's first key: named things before the findings that mention them.
BLOCKS = ("factor", "innovation", "organisation", "source", "finding")
#: More matches of one kind than this and the kind's count is an estimate; of the kinds searched, and the
#: page is in static order, not BM25's (which at 10M costs about 1.3 us a match, plus its counting).
BROAD = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_WORDS = re.compile(r'"([^"]*)"|(\S+)')
_SCHEMA = f"""
CREATE VIRTUAL TABLE documents USING fts5(
  kind UNINDEXED, id UNINDEXED, iri UNINDEXED, title UNINDEXED, label, names, text,
  tokenize = '{TOKENIZER}'
);
-- Each resource's rowid in documents, so a write's delta finds the documents it replaces by IRI
-- without scanning the full-text table's stored rows.
CREATE TABLE resources (iri TEXT, document INTEGER, PRIMARY KEY (iri, document)) WITHOUT ROWID;
-- How this file was made: 'build' (from the whole store) or 'delta' (a copy of the index of
-- 'base', the version before a write, with that write's documents replaced).
CREATE TABLE made (how TEXT NOT NULL, base TEXT)"""
_COLUMNS = ("kind", "id", "iri", "title", "label", "names", "text")


@dataclass(frozen=True)
class Hit:
    kind: str
    id: str
    iri: str
    title: str
    snippet: str
    highlights: list[tuple[int, int]]
    score: float | None


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def _has_word(text: str) -> bool:
    return any(character.isalnum() for character in text)


def match_expression(query: str) -> str | None:
    """``query`` as an FTS5 expression of quoted strings that must all match, or None when it has no
    word to search for (only punctuation)."""
    terms = []
    for phrase, word in _WORDS.findall(query):
        text = phrase if phrase else word
        prefix = not phrase and text.endswith("*")
        text = text.rstrip("*") if prefix else text
        if _has_word(text):
            quoted = '"' + _clean(text).replace('"', '""') + '"'
            terms.append(f"{quoted}*" if prefix else quoted)
    return " ".join(terms) or None


def _insert(connection: sqlite3.Connection, documents: Iterable[tuple[int, Document]]) -> None:
    resources: list[tuple[str, int]] = []

    def rows():
        for rowid, d in documents:
            resources.append((d.iri, rowid))
            yield rowid, d.kind, d.id, d.iri, d.title, _clean(d.label), _clean(d.names), _clean(d.text)

    connection.executemany(
        f"INSERT INTO documents (rowid, {', '.join(_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows())
    connection.executemany("INSERT INTO resources (iri, document) VALUES (?, ?)", resources)


def _marked(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """The snippet without its marks, and the (start, end) character offsets of each marked match."""
    plain: list[str] = []
    highlights = []
    length = 0
    start = None
    for piece in re.split(f"([{OPEN}{CLOSE}])", snippet):
        if piece == OPEN:
            start = length
        elif piece == CLOSE:
            if start is not None and length > start:
                highlights.append((start, length))
            start = None
        else:
            plain.append(piece)
            length += len(piece)
    return "".join(plain), highlights


@dataclass(frozen=True)
class Count:
    """How many documents of a kind match, and whether that is exact (else an estimate)."""

    value: int
    exact: bool


def _block(kind: str) -> tuple[int, int]:
    """The first and last rowid of ``kind``'s block (its documents are numbered from first + 1)."""
    first = BLOCKS.index(kind) << KIND_SHIFT
    return first, first + (1 << KIND_SHIFT) - 1


def _last(connection: sqlite3.Connection, kind: str) -> int:
    """The highest rowid in ``kind``'s block (its first when it has no document)."""
    first, end = _block(kind)
    found = connection.execute("SELECT max(rowid) FROM documents WHERE rowid BETWEEN ? AND ?",
                               (first, end)).fetchone()[0]
    return found or first


def _significant(value: float, digits: int = 3) -> int:
    """``value`` rounded to ``digits`` significant figures (an estimate shows no more than it knows)."""
    return int(float(f"{value:.{digits - 1}e}"))


class SearchIndex:
    """One FTS5 table of documents, in a file or in memory. Thread-safe: a lock serialises its use of
    the one SQLite connection (a match takes milliseconds)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._lock = threading.Lock()

    @classmethod
    def build(cls, documents: Iterable[Document], path: Path | None = None) -> SearchIndex:
        """A new index of ``documents``, written to ``path`` (which must not exist) or kept in memory."""
        connection = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        numbers = dict.fromkeys(BLOCKS, 0)

        def rowid(document: Document) -> int:
            numbers[document.kind] += 1
            return (BLOCKS.index(document.kind) << KIND_SHIFT) + numbers[document.kind]

        with connection:
            connection.executescript(_SCHEMA)
            _insert(connection, ((rowid(d), d) for d in documents))
            connection.execute("INSERT INTO made (how) VALUES ('build')")
            # Merge the b-trees written in batches into one: faster matching from then on.
            connection.execute("INSERT INTO documents (documents) VALUES ('optimize')")
            # The table's own rank is BM25 with the columns' weights: FTS5 then sorts a query's matches
            # by it inside the index and hands back only a page's rows (ORDER BY bm25(...) would make
            # SQLite carry every match's stored columns and snippet to a sort of its own).
            weights = ", ".join(["0.0"] * 4 + [str(w) for w in WEIGHTS.values()])
            connection.execute("INSERT INTO documents (documents, rank) VALUES ('rank', ?)",
                               (f"bm25({weights})",))
        return cls(connection)

    def copy(self, path: Path | None = None) -> SearchIndex:
        """A writable copy of this index, in ``path`` (which must not exist) or in memory."""
        copied = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        with self._lock:
            self._connection.backup(copied)
        return SearchIndex(copied)

    @classmethod
    def copy_file(cls, source: Path, path: Path) -> SearchIndex:
        """A writable copy of the index file ``source`` (which nothing writes to) in ``path``."""
        shutil.copyfile(source, path)
        return cls(sqlite3.connect(str(path), check_same_thread=False))

    def kinds_and_titles(self, iris: Iterable[str]) -> dict[str, tuple[str, str]]:
        """The kind and title of each of ``iris`` that has a document here."""
        with self._lock:
            return {iri: (kind, title) for iri, kind, title in self._connection.execute(
                "SELECT d.iri, d.kind, d.title FROM resources r JOIN documents d ON d.rowid = r.document"
                " WHERE r.iri IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(iris))),))}

    def replace(self, iris: Iterable[str], documents: Iterable[Document], base: str | None) -> None:
        """Remove the documents of ``iris`` and add ``documents`` (of resources among ``iris``), in one
        transaction: a write's delta, on a copy of the index of version ``base``."""
        wanted = json.dumps(sorted(set(iris)))
        with self._lock, self._connection as connection:
            among = "FROM resources WHERE iri IN (SELECT value FROM json_each(?))"
            connection.execute(f"DELETE FROM documents WHERE rowid IN (SELECT document {among})", (wanted,))
            connection.execute(f"DELETE {among}", (wanted,))
            last = {}
            for kind in BLOCKS:
                last[kind] = _last(connection, kind)

            def rowid(document: Document) -> int:
                last[document.kind] += 1
                return last[document.kind]

            _insert(connection, ((rowid(d), d) for d in documents))
            connection.execute("DELETE FROM made")
            connection.execute("INSERT INTO made (how, base) VALUES ('delta', ?)", (base,))

    def made(self) -> tuple[str, str | None]:
        """How this index was made: ('build', None), or ('delta', the version whose index it copied)."""
        with self._lock:
            return self._connection.execute("SELECT how, base FROM made").fetchone()

    def documents(self) -> list[Document]:
        """Every document held, in order of kind and IRI (to compare two indexes)."""
        with self._lock:
            rows = self._connection.execute(f"SELECT {', '.join(_COLUMNS)} FROM documents").fetchall()
        return sorted((Document(*row) for row in rows), key=lambda d: (BLOCKS.index(d.kind), d.iri))

    @classmethod
    def open(cls, path: Path) -> SearchIndex:
        """An index built earlier into ``path``, opened read-only."""
        return cls(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False))

    def size(self) -> int:
        with self._lock:
            return self._connection.execute("SELECT count(*) FROM documents").fetchone()[0]

    def counts(self, expression: str, cap: int = BROAD) -> dict[str, Count]:
        """How many documents of each kind match: exactly up to ``cap``, else estimated from the first
        ``cap`` + 1 matches (how far into the kind's rowids they reach), to three significant figures.
        Every MATCH of a prefix merges the doclists of its terms in full (0.1-0.25 s at 10M for a prefix
        matching ~1M documents), so the first ``cap`` + 1 matches of all kinds are read at once: the
        kinds they pass are counted, and only the kind they stop in and those after it are asked again."""
        with self._lock:
            seen = {BLOCKS[number]: found for number, found in self._connection.execute(
                f"SELECT rowid >> {KIND_SHIFT}, count(*) FROM (SELECT rowid FROM documents"
                " WHERE documents MATCH ? ORDER BY rowid LIMIT ?) GROUP BY 1", (expression, cap + 1))}
            if sum(seen.values()) <= cap:
                return {kind: Count(found, True) for kind, found in seen.items()}
            stopped = max(BLOCKS.index(kind) for kind in seen)
            counts = {}
            for number, kind in enumerate(BLOCKS):
                if number < stopped:
                    if kind in seen:
                        counts[kind] = Count(seen[kind], True)
                    continue
                first, end = _block(kind)
                found, reached = self._connection.execute(
                    "SELECT count(*), max(rowid) FROM (SELECT rowid FROM documents WHERE documents MATCH ?"
                    " AND rowid BETWEEN ? AND ? ORDER BY rowid LIMIT ?)",
                    (expression, first, end, cap + 1)).fetchone()
                if found <= cap:
                    if found:
                        counts[kind] = Count(found, True)
                    continue
                spread = (_last(self._connection, kind) - first) / (reached - first)
                counts[kind] = Count(max(found, _significant(found * spread)), False)
        return counts

    def match(self, expression: str, kind: str | None, limit: int, offset: int,
              ranked: bool = True) -> list[Hit]:
        """One page of the documents matching ``expression`` (of ``kind`` if given), best first by BM25
        when ``ranked``, else in the static order (rowid order; no score)."""
        within, bounds = "", ()  # type: tuple[str, tuple[int, ...]]
        if kind:
            within, bounds = " AND rowid BETWEEN ? AND ?", _block(kind)
        score, order = ("rank", "rank") if ranked else ("NULL", "rowid")
        sql = (f"SELECT kind, id, iri, title,"
               f" snippet(documents, -1, '{OPEN}', '{CLOSE}', '…', {SNIPPET_WORDS}), {score}"
               f" FROM documents WHERE documents MATCH ?{within} ORDER BY {order} LIMIT ? OFFSET ?")
        with self._lock:
            rows = self._connection.execute(sql, (expression, *bounds, limit, offset)).fetchall()
        hits = []
        for kind_found, id, iri, title, snippet, rank in rows:
            text, highlights = _marked(snippet)
            # bm25() is negative, better matches lower: its negation reads as a score, higher better.
            hits.append(Hit(kind_found, id, iri, title, text, highlights,
                            None if rank is None else round(-rank, 4)))
        return hits

    def close(self) -> None:
        with self._lock:
            self._connection.close()
