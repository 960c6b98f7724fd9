"""The union of an on-disk Oxigraph store's graphs, written once as the default graph of a second store,
for users' SPARQL queries.

carekg's ``/sparql`` answers over the union of its named graphs (data, ontology, inferred, meta and the
submissions). pyoxigraph computes that union triple pattern by triple pattern
(``use_default_graph_as_union``), which cost 1.4-1.7x the same queries over one default graph at 1M
(docs/bench.md, issue 14). So the load, and the server after a write, write the union once into a store
beside the first, ``<store>.sparql/<version>``, and a read-only handle answers a query from it when the
query names no graph (:func:`names_no_graph`) and the request sets no dataset. Everything else, and
every query while the copy of the current version does not exist yet, goes to the store itself.

The copy is published only when it is exact: when no statement is in two graphs (the engine's union
repeats such a statement once per graph, a store holds it once), so an answer is the same from either.
Blank nodes keep their labels (the engine's loaders would rename them), so the statements that have
some are copied term by term; the rest go through the bulk loader.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import mmap
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox

log = logging.getLogger("carekg.store")

#: Bumped when what a copy holds changes, so an older one is never opened.
FORMAT = 1
#: Words that may bring a named graph into a query (GRAPH, FROM, FROM NAMED) and the escape that could
#: spell one (SPARQL 1.1 §19.2: the parser expands \u before reading). Matched anywhere in the text, in
#: any case: a word inside an IRI, string or comment only sends the query to the slower union.
_NAMES_A_GRAPH = re.compile(r"graph|from|\\u", re.IGNORECASE)


def names_no_graph(query: str) -> bool:
    """Whether ``query`` certainly reads the default graph alone (so the copy answers it exactly)."""
    return _NAMES_A_GRAPH.search(query) is None


def folder(store_path: Path) -> Path:
    return store_path.with_name(f"{store_path.name}.sparql")


def view_path(store_path: Path, version: str) -> Path:
    return folder(store_path) / f"{version}-v{FORMAT}"


def find(store_path: Path, version: str | None) -> Path | None:
    """The published copy of ``store_path`` at ``version``, if there is one."""
    if version is None:
        return None
    path = view_path(store_path, version)
    return path if path.is_dir() else None


@contextlib.contextmanager
def _exclusive(store_path: Path) -> Iterator[None]:
    """One builder at a time across processes (several uvicorn workers may finish a write's wait)."""
    target = folder(store_path)
    target.mkdir(parents=True, exist_ok=True)
    with (target / ".lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _has_blank_nodes(path: Path) -> bool:
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as content:
        return content.find(b"_:") != -1


def _copy_graph(source: ox.Store, graph, target: ox.Store, scratch: Path) -> int:
    """Copy one graph of ``source`` into ``target``'s default graph; returns its statement count."""
    dump = scratch / "graph.nt"
    source.dump(str(dump), format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    default = ox.DefaultGraph()
    if not _has_blank_nodes(dump):
        with dump.open("rb") as handle:
            statements = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
        target.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES, to_graph=default)
        return statements
    plain = scratch / "plain.nt"
    blank: list[bytes] = []
    statements = 0
    with dump.open("rb") as lines, plain.open("wb") as out:
        for line in lines:
            if not line.strip():
                continue
            statements += 1
            if b"_:" in line:
                blank.append(line)
            else:
                out.write(line)
    target.bulk_load(path=str(plain), format=ox.RdfFormat.N_TRIPLES, to_graph=default)
    target.extend(ox.Quad(t.subject, t.predicate, t.object, default)
                  for t in ox.parse(b"".join(blank), format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False))
    return statements


def build(source: ox.Store, store_path: Path, version: str,
          wanted: Callable[[], bool] = lambda: True) -> Path | None:
    """Write and publish the copy of ``source`` (the store at ``store_path``, holding ``version``);
    returns it, or None when it would not be exact (a statement in two graphs) or, asked once this
    builder holds the lock, no longer ``wanted`` (writes in quick succession queue one builder each: only
    the newest version's copy is worth writing). Copies of other versions are removed, but for the
    newest of them (a worker may still be reading it)."""
    with _exclusive(store_path):
        published = find(store_path, version)
        if published is not None:
            return published
        if not wanted():
            return None
        partial = folder(store_path) / f"{version}.{os.getpid()}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        scratch = folder(store_path) / f"{version}.{os.getpid()}.scratch"
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            target = ox.Store(str(partial))
            statements = sum(_copy_graph(source, graph, target, scratch)
                             for graph in [ox.DefaultGraph(), *source.named_graphs()])
            exact = len(target) == statements
            if exact:
                target.optimize()
                target.flush()
            del target
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if not exact:
            shutil.rmtree(partial, ignore_errors=True)
            log.info("no union copy for dataset %s: a statement is in two graphs", version)
            return None
        path = view_path(store_path, version)
        os.replace(partial, path)
        _remove_older(path)
        return path


def _remove_older(kept: Path) -> None:
    others = sorted((p for p in kept.parent.iterdir() if p.is_dir() and p != kept),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for old in others[1:]:
        shutil.rmtree(old, ignore_errors=True)
