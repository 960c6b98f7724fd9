"""Full-text search over the graph's texts (issue 15): findings, factors, innovations, sources and
organisations, matched and ranked by SQLite's FTS5 (in Python's standard library; Oxigraph has no text
index). Nothing here knows of HTTP; ``carekg.services.search`` turns a user's query into an answer.

One index per store and dataset version, built from the store with SPARQL (``search_*.rq``):

- an embedded store on disk keeps it beside its folder, as ``<store>.search/<version>-v<N>.sqlite3``:
  built once (by ``carekg load``, or by the first search), then reopened by every server process; a
  reload or an accepted write gives a new version, hence a new file, and older files are removed;
- any other store (in memory, a remote SPARQL server) keeps it in memory, built on first use (the
  service starts building it for a remote store at start-up, see ``warm``).

An accepted write does not rebuild it: the writer calls ``follow_write``, which copies the previous
version's index and replaces only the documents of the resources the submission spoke of (before and
after an amendment), before the server's readers see the new version (see ``follow_write`` for why
that is exact).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import weakref
from pathlib import Path

from rdflib import Graph, URIRef

from carekg.queries import mentioned_iris
from carekg.search.documents import DOCUMENT_QUERIES, KINDS, Document, documents, documents_of, findings_about
from carekg.search.index import BROAD, Count, Hit, SearchIndex, match_expression
from carekg.store.base import GraphStore
from carekg.store.oxigraph_store import OxigraphStore

__all__ = ["BROAD", "KINDS", "Count", "Document", "Hit", "SearchIndex", "build_index", "build_unpublished",
           "document_predicates", "documents_of", "findings_about", "follow_write", "index_file", "index_for",
           "match_expression", "publish", "resources_in", "warm"]

log = logging.getLogger("carekg.search")

#: Bumped when the index's table or what it holds changes, so an older file is never reused.
FORMAT = 5

_INDEXES: weakref.WeakKeyDictionary[GraphStore, tuple[str | None, SearchIndex]] = weakref.WeakKeyDictionary()
_BUILDING: weakref.WeakKeyDictionary[GraphStore, threading.Lock] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def index_file(store: GraphStore, version: str) -> Path | None:
    """Where the index of ``store`` at ``version`` lives on disk, or None for a store not on disk."""
    if not isinstance(store, OxigraphStore) or store.path is None:
        return None
    folder = store.path.with_name(f"{store.path.name}.search")
    return folder / f"{version}-v{FORMAT}.sqlite3"


def _partial(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    partial.unlink(missing_ok=True)
    return partial


def _publish(partial: Path, path: Path) -> SearchIndex:
    """Rename a finished index into place, so no process ever opens half an index; then remove the
    indexes of other versions."""
    os.replace(partial, path)
    for old in path.parent.glob("*.sqlite3"):
        if old != path:
            with contextlib.suppress(OSError):  # another process may be removing it too
                old.unlink()
    return SearchIndex.open(path)


def _build_file(store: GraphStore, path: Path) -> SearchIndex:
    partial = _partial(path)
    SearchIndex.build(documents(store), partial).close()
    return _publish(partial, path)


def document_predicates() -> frozenset[str]:
    """The predicates the documents are read from: a store holding the dataset's statements with these
    gives the same index as the whole dataset (what a load builds it from, see build_unpublished)."""
    return mentioned_iris(DOCUMENT_QUERIES)


def build_unpublished(source: GraphStore, store: GraphStore, version: str) -> Path | None:
    """The index of ``store`` at ``version``, made from the documents of ``source`` (a load makes it from
    the projection of the dataset's files on document_predicates(), while the store loads), in a file not
    yet in place: ``publish`` renames it there once the store holds ``version``. None for a store not
    on disk, or a folder that cannot be written (the first search then builds it)."""
    path = index_file(store, version)
    if path is None:
        return None
    try:
        partial = _partial(path)
        SearchIndex.build(documents(source), partial).close()
    except OSError as error:
        log.warning("search index not built with the load: cannot write %s (%s)", path, error)
        return None
    return partial


def publish(partial: Path, store: GraphStore, version: str) -> None:
    """Put the file build_unpublished made in place as the index of ``store`` at ``version``."""
    path = index_file(store, version)
    if path is None:
        raise ValueError("the store keeps no index on disk")
    _publish(partial, path).close()


def build_index(store: GraphStore) -> SearchIndex:
    """A new index of the store as it is now: in its file for an embedded store on disk (where the
    folder can be written, else in memory), else in memory."""
    version = store.dataset_version()
    path = index_file(store, version) if version else None
    if path is not None:
        try:
            return _build_file(store, path)
        except OSError as error:
            log.warning("search index kept in memory: cannot write %s (%s)", path, error)
    return SearchIndex.build(documents(store))


def index_for(store: GraphStore) -> SearchIndex:
    """The index of the store at its current dataset version: reused, reopened from its file, or
    built (once, however many threads ask at the same time)."""
    with _LOCK:
        building = _BUILDING.setdefault(store, threading.Lock())
    with building:
        version = store.dataset_version()
        with _LOCK:
            known = _INDEXES.get(store)
        if known is not None and version is not None and known[0] == version:
            return known[1]
        path = index_file(store, version) if version else None
        index = SearchIndex.open(path) if path is not None and path.is_file() else build_index(store)
        # An empty or half-loaded store's index is never kept. A replaced index is not closed here: a
        # request may still be reading it; it closes when the last one lets it go.
        if version is not None:
            with _LOCK:
                _INDEXES[store] = (version, index)
        return index


def warm(store: GraphStore) -> threading.Thread:
    """Start making the store's index ready in a background thread (the service does this at start-up
    for a remote store, and after an accepted write), so the first search does not wait for it."""

    def run() -> None:
        try:
            index_for(store)
        except Exception:  # a store that is down now: the first search will try again and say so
            log.exception("could not build the search index")

    thread = threading.Thread(target=run, name="carekg-search-index", daemon=True)
    thread.start()
    return thread


def resources_in(*graphs: Graph) -> frozenset[str]:
    """The resources whose documents statements in ``graphs`` can change: the named subjects, and for
    a blank subject the named nodes it points to (as carekg.incremental.touched_nodes)."""
    nodes = set()
    for graph in graphs:
        for subject, _, value in graph:
            if isinstance(subject, URIRef):
                nodes.add(str(subject))
            elif isinstance(value, URIRef):
                nodes.add(str(value))
    return frozenset(nodes)


def _previous(store: GraphStore, version: str) -> tuple[SearchIndex, Path | None] | None:
    """The index of ``version`` to start from, and its file if it was opened here (to close after)."""
    path = index_file(store, version)
    if path is not None and path.is_file():
        return SearchIndex.open(path), path
    with _LOCK:
        known = _INDEXES.get(store)
    return (known[1], None) if known is not None and known[0] == version else None


def _relabelled(before: dict[str, tuple[str, str]], made: list[Document]) -> frozenset[str]:
    """The factors and innovations whose title a write changed (or that it added or removed)."""
    after = {d.iri: (d.kind, d.title) for d in made}
    titled = {"factor", "innovation"}
    return frozenset(iri for iri in before.keys() | after.keys() if before.get(iri) != after.get(iri)
                     and {pair[0] for pair in (before.get(iri), after.get(iri)) if pair} & titled)


def follow_write(store: GraphStore, previous: str | None, version: str,
                 touched: frozenset[str]) -> SearchIndex | None:
    """The index of ``version``, which an accepted write made from ``previous`` by changing the statements
    about the ``touched`` resources: a copy of ``previous``'s index with those resources' documents
    made again from the store (none for one the write removed), written and renamed into place (or kept
    in memory) before the writer lets readers see ``version``. None when there is no index of
    ``previous`` to start from: the first search then builds one, as after a load.

    Exact, so equal to a rebuild (tests/search/test_follow_write.py): a document is made from its own
    resource's statements, except a finding's title, which carries its factor's and innovation's
    titles; when a write changes one of those, the findings about it are made again too. A write
    cannot change which classes are sources (statements are only about carekg resources, not the
    ontology), and classifies only the nodes it touched."""
    if previous is None or not touched:
        return None
    started = time.perf_counter()
    with _LOCK:
        building = _BUILDING.setdefault(store, threading.Lock())
    with building:
        found = _previous(store, previous)
        if found is None:
            return None
        base, base_file = found
        try:
            made = documents_of(store, touched)
            relabelled = _relabelled(base.kinds_and_titles(touched), made)
            retitled = findings_about(store, relabelled) - touched if relabelled else frozenset()
            if retitled:
                made += documents_of(store, retitled, findings_only=True)
            path = index_file(store, version)
            if path is None:
                index = base.copy()
                index.replace(touched | retitled, made, previous)
            else:
                partial = _partial(path)
                # A published file is never changed (only renamed into place, then removed): copied as a
                # file, four times as fast as SQLite's page by page backup (0.05 s against 0.16 s at 1M).
                copied = SearchIndex.copy_file(base_file, partial) if base_file else base.copy(partial)
                copied.replace(touched | retitled, made, previous)
                copied.close()
                index = _publish(partial, path)
        finally:
            if base_file:
                base.close()
        with _LOCK:
            _INDEXES[store] = (version, index)
        log.info("search index of %s made from %s's in %.2f s (%d resources' documents replaced)",
                 version, previous, time.perf_counter() - started, len(touched | retitled))
        return index
