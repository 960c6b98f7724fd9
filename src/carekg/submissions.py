"""An accepted submission's file: one TriG file ``{name}.trig`` holding the statements
(``graph/submission/{name}``), their provenance (``graph/provenance/{name}``: the activities and the
entity, which no other submission states) and the description of each agent its activities name
(``graph/agents``, shared by every submission). An agent's description is repeated in the file of every
submission it wrote (with the names that submission's writes gave): the store holds it once, in the one
graph, so no statement is in two graphs (the union copy /sparql answers from stays exact,
carekg.store.union_view), and loading the files gives the agents graph the writes gave. Only carekg.writes
makes them; the loader reads them back.

Files written before ``graph/agents`` existed describe the agent in the provenance graph:
:func:`read_submission` reads those statements as the agents', and :func:`migrate` rewrites such a file in
the shape above."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from carekg import paths
from carekg.ids import AGENT, GRAPH_AGENTS, GRAPH_BASE

SUBMISSION_GRAPH = GRAPH_BASE + "submission/"
PROVENANCE_GRAPH = GRAPH_BASE + "provenance/"


@dataclass(frozen=True)
class Submission:
    data: Graph
    provenance: Graph
    agents: Graph
    #: Written before graph/agents: the agents were described in the provenance graph.
    old_shape: bool = False


def submission_graph(name: str) -> URIRef:
    return URIRef(SUBMISSION_GRAPH + name)


def provenance_graph(name: str) -> URIRef:
    return URIRef(PROVENANCE_GRAPH + name)


def read_submission(path: Path) -> Submission:
    """A submission file written by carekg.writes.EvidenceWriter (trusted: only the writer makes them).
    An older file's statements about agents (``id/agent/...``) in its provenance graph are read as the
    agents graph's."""
    dataset = Dataset()
    dataset.parse(path, format="trig")
    name = path.name.removesuffix(".trig")
    data, provenance, agents = Graph(), Graph(), Graph()
    for triple in dataset.graph(submission_graph(name)):
        data.add(triple)
    for triple in dataset.graph(GRAPH_AGENTS):
        agents.add(triple)
    old_shape = False
    for triple in dataset.graph(provenance_graph(name)):
        if isinstance(triple[0], URIRef) and triple[0].startswith(str(AGENT)):
            agents.add(triple)
            old_shape = True
        else:
            provenance.add(triple)
    return Submission(data, provenance, agents, old_shape)


def trig(name: str, submission: Submission) -> bytes:
    """The file of submission ``name``."""
    dataset = Dataset()
    for graph, triples in ((submission_graph(name), submission.data),
                           (provenance_graph(name), submission.provenance),
                           (GRAPH_AGENTS, submission.agents)):
        for triple in triples:
            dataset.graph(graph).add(triple)
    return dataset.serialize(format="trig", encoding="utf-8")


def stage(folder: Path, name: str, content: bytes) -> Path:
    """``content``, the file of submission ``name``, written and fsynced under ``folder/.staging/`` (which
    the writer empties at its start: a crash leaves nothing in the dataset); the caller renames it into
    ``folder`` and then calls :func:`fsync_folder`."""
    staging = folder / ".staging"
    staging.mkdir(exist_ok=True)
    staged = staging / f"{name}.trig"
    with open(staged, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return staged


def fsync_folder(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """One writer of the submissions folder at a time, across processes (carekg.writes holds it for a
    write)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate(folder: Path | None = None) -> list[str]:
    """Rewrite every submission file of ``folder`` (by default the configured one) written before
    ``graph/agents`` in today's shape (its agents' statements moved from the provenance graph to the
    agents graph; nothing else changes), holding the folder's lock (a server's write waits); returns
    their names. The folder's dataset version changes, so the next start (or ``carekg load``) reloads the
    store from the files."""
    folder = folder or paths.SUBMISSIONS_DIR
    migrated = []
    with folder_lock(folder):
        for path in sorted(folder.glob("*.trig")):
            submission = read_submission(path)
            if submission.old_shape:
                name = path.name.removesuffix(".trig")
                os.replace(stage(folder, name, trig(name, submission)), path)  # atomic, file by file
                fsync_folder(folder)
                migrated.append(name)
    return migrated
