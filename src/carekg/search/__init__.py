"""Full-text search over the graph's texts (issue 15): findings, factors, innovations, sources and
organisations, matched and ranked by SQLite's FTS5 (in Python's standard library; Oxigraph has no text
index). Nothing here knows of HTTP; ``carekg.services.search`` turns a user's query into an answer.

One index per store and dataset version, built from the store with SPARQL (``search_*.rq``):

- an embedded store on disk keeps it beside its folder, as ``<store>.search/<version>-v<N>.sqlite3``:
  built once (by ``carekg load``, or by the first search), then reopened by every server process; a
  reload or an accepted write gives a new version, hence a new file, and older files are removed;
- any other store (in memory, a remote SPARQL server) keeps it in memory, built on first use (the
  service starts building it for a remote store at start-up, see ``warm``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import weakref
from pathlib import Path

from carekg.search.documents import KINDS, Document, documents
from carekg.search.index import Hit, SearchIndex, match_expression
from carekg.store.base import GraphStore
from carekg.store.oxigraph_store import OxigraphStore

__all__ = ["KINDS", "Document", "Hit", "SearchIndex", "build_index", "index_file", "index_for",
           "match_expression", "warm"]

log = logging.getLogger("carekg.search")

#: Bumped when the index's table or what it holds changes, so an older file is never reused.
FORMAT = 3

_INDEXES: weakref.WeakKeyDictionary[GraphStore, tuple[str | None, SearchIndex]] = weakref.WeakKeyDictionary()
_BUILDING: weakref.WeakKeyDictionary[GraphStore, threading.Lock] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def index_file(store: GraphStore, version: str) -> Path | None:
    """Where the index of ``store`` at ``version`` lives on disk, or None for a store not on disk."""
    if not isinstance(store, OxigraphStore) or store.path is None:
        return None
    folder = store.path.with_name(f"{store.path.name}.search")
    return folder / f"{version}-v{FORMAT}.sqlite3"


def _build_file(store: GraphStore, path: Path) -> SearchIndex:
    """Build into a temporary file and rename it into place, so no process ever opens half an index;
    then remove the indexes of other versions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    partial.unlink(missing_ok=True)
    SearchIndex.build(documents(store), partial).close()
    os.replace(partial, path)
    for old in path.parent.glob("*.sqlite3"):
        if old != path:
            with contextlib.suppress(OSError):  # another process may be removing it too
                old.unlink()
    return SearchIndex.open(path)


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
