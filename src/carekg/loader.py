"""Loading the carekg dataset into a store: its files, its version, and its inferred graph.

The dataset is three named graphs (asserted data, ontology, inferred) plus a meta graph holding its
version: a digest of every input file and of the inference rules. A store already holding that
version is reused as it is. Otherwise the asserted graphs are loaded, the SPARQL rules run on the
store itself, the inferred graph (HermiT's classification, cached on disk, plus the rules' results)
is added, and only then is the version recorded, so a half-loaded store never looks complete.
"""

from __future__ import annotations

import hashlib
import itertools
import queue
import shutil
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.serializers.nt import _nt_row

from carekg import __version__, paths, search, statistics
from carekg.ids import GRAPH_AGENTS, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from carekg.queries import load_query
from carekg.reasoning import run_hermit
from carekg.rules import RULE_QUERIES, projected_rule_triples, projection, rule_predicates
from carekg.store.base import GraphStore, LoadProgress, UnionCopy, UnionCopyWriter
from carekg.submissions import provenance_graph, read_submission, submission_graph

#: Files larger than this are fingerprinted by name, size and modification time, not content.
CONTENT_HASH_LIMIT = 64 * 1024 * 1024
#: The smallest part of the rules' results loaded while the later rules run (``_write_rules``).
RULES_PART_BYTES = 8 * 1024 * 1024
RULES_PARTS = 8

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DatasetFiles:
    data: tuple[Path, ...]
    ontology: tuple[Path, ...]
    #: Accepted writes (TriG, one per submission, see carekg.writes): loaded after the data, so a
    #: reload never drops them.
    submissions: tuple[Path, ...] = ()

    @classmethod
    def discover(cls, data: list[Path] | None = None, ontology_dir: Path | None = None,
                 submissions_dir: Path | None = None) -> DatasetFiles:
        """The project's ontology with its curated data, or with ``data`` files instead (a synthetic graph),
        plus every accepted submission under ``submissions_dir`` (default: paths.SUBMISSIONS_DIR)."""
        submissions_root = submissions_dir or paths.SUBMISSIONS_DIR
        submissions = tuple(sorted(submissions_root.glob("*.trig"))) if submissions_root.is_dir() else ()
        data_files = tuple(data) if data else tuple(sorted(paths.DATA_DIR.rglob("*.ttl")))
        ontology_root = ontology_dir or paths.ONTOLOGY_DIR
        ontology = tuple(f for f in sorted(ontology_root.rglob("*.ttl")) if "release" not in f.parts)
        missing = [f for f in data_files if not f.exists()]
        if missing or not data_files or not ontology:
            raise FileNotFoundError(f"data or ontology files not found: {missing or paths.DATA_DIR}")
        return cls(data_files, ontology, submissions)

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every file of the dataset: ontology, data, then submissions."""
        return (*self.ontology, *self.data, *self.submissions)

    def version(self, reasoner: bool = True) -> str:
        """A digest of every file, the rules, the package version and whether the findings are
        classified (HermiT for the curated files, the defined-class rule for the submissions)."""
        digest = hashlib.sha256(f"{__version__} reasoner={reasoner}".encode())
        for name in RULE_QUERIES:
            digest.update(load_query(name).encode())
        for path in (*self.ontology, *self.data):
            stat = path.stat()
            digest.update(path.name.encode())
            if stat.st_size > CONTENT_HASH_LIMIT:
                digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
            else:
                digest.update(path.read_bytes())
        for path in self.submissions:  # none: the same version as before submissions existed
            digest.update(b"submission " + path.name.encode() + b" " + path.read_bytes())
        return digest.hexdigest()[:16]

    def graph(self) -> Graph:
        graph = Graph()
        for path in (*self.ontology, *self.data):
            graph.parse(path)
        for path in self.submissions:
            graph += read_submission(path).data  # the evidence, not its provenance record
        return graph


def hermit_inferred(files: DatasetFiles, progress: Progress = lambda _: None) -> Path:
    """HermiT's classification of the curated findings (the files without the submissions), computed
    once per version of those files and cached on disk: a write does not make the next load run it.
    The submissions are classified by the defined-class rule (carekg.rules.classified), proven equal."""
    curated = DatasetFiles(files.data, files.ontology)
    path = paths.STATE_DIR / "inferred" / f"{curated.version()}-hermit.nt"
    if not path.exists():
        progress("reasoning with HermiT")
        result = run_hermit(curated.graph())
        if not result.consistent:
            raise ValueError(result.message)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        result.inferred.serialize(tmp, format="nt", encoding="utf-8")
        tmp.replace(path)
    return path


def _write_rules(scratch: GraphStore, files: DatasetFiles, kept: frozenset[str], folder: Path,
                 classify: bool, parts: queue.SimpleQueue[Path | None]) -> None:
    """The rules' results on the projection ``scratch`` as N-Triples files in ``folder`` (line by line: no
    rdflib graph of them is built), each put on ``parts`` as soon as it is complete: the store and the
    union copy load a part while the later rules run. A part is at least :data:`RULES_PART_BYTES`, and
    at least a :data:`RULES_PARTS`-th of the input (each part is another set of the engine's files for
    the compaction to merge)."""
    limit = max(RULES_PART_BYTES, sum(path.stat().st_size for path in files.paths) // RULES_PARTS)
    triples = projected_rule_triples(scratch, files.paths, kept, classify=classify)
    write_parts((_nt_row(triple) for triple in triples), folder, limit, parts)


def write_parts(lines: Iterable[str], folder: Path, limit: int,
                parts: queue.SimpleQueue[Path | None]) -> None:
    """N-Triples ``lines`` as files in ``folder``, a new one after ``limit`` characters, each put on
    ``parts`` when complete; never cut once a blank node was written: the engine's loader labels a blank
    node per file, so every line from the first with one on goes into the last file."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    lines = iter(lines)
    cut = True
    for number in itertools.count():
        path = folder / f"part-{number}.nt"
        written, ended = 0, True
        with path.open("w", encoding="utf-8") as out:
            for line in lines:
                out.write(line)
                written += len(line)
                cut = cut and "_:" not in line
                if cut and written >= limit:
                    ended = False
                    break
        parts.put(path)
        if ended:
            return


def load(store: GraphStore, files: DatasetFiles | None = None, *, force: bool = False, reasoner: bool = True,
         progress: Progress = lambda _: None, load_progress: LoadProgress | None = None) -> tuple[str, bool]:
    """Make ``store`` hold the dataset. Returns (version, whether anything was loaded).

    ``reasoner=False`` skips HermiT (for synthetic graphs of millions of triples); the SPARQL rules
    still run, and the version records that the classification was skipped. An on-disk store's search
    index is built with the load (carekg.search).
    """
    files = files or DatasetFiles.discover()
    version = files.version(reasoner)
    if not force and store.dataset_version() == version:
        progress(f"store already holds dataset {version}")
        _publish_union_copy(store, progress)  # a store loaded before copies were written
        return version, False
    classified = hermit_inferred(files, progress) if reasoner else None
    progress(f"loading dataset {version}")
    # What the load derives from the files is computed while the store loads them, from one in-memory
    # projection of the files on the predicates it reads: the rules' results (the inferred graph waits
    # for them) and the search index (only its publication waits for it), on two threads that overlap
    # (much of the engine's evaluation and SQLite's writing runs outside Python's lock): the index no
    # longer waits for the rules, nor the load for the index after the compaction (docs/bench.md).
    kept = rule_predicates() | search.document_predicates()
    rules = paths.STATE_DIR / "inferred" / f"{version}-rules"
    # The union copy /sparql reads is written from the same files, on a thread of its own beside the
    # rules (the engine's loader holds no Python lock), not from the store after the load
    # (carekg.store.union_view.Writer).
    copy = store.begin_union_copy(version) if isinstance(store, UnionCopy) else None
    parts: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
    try:
        with ThreadPoolExecutor(2) as pool:
            scratch = pool.submit(projection, files.paths, kept)
            # The rule classifies the submissions (HermiT's cached classification covers the curated files).
            ruled = pool.submit(_then_none, parts, lambda: _write_rules(
                scratch.result(), files, kept, rules, reasoner and bool(files.submissions), parts))
            indexed = pool.submit(lambda: search.build_unpublished(scratch.result(), store, version))
            store.replace_dataset({str(GRAPH_DATA): files.data, str(GRAPH_ONTOLOGY): files.ontology},
                                  load_progress)
            if copy is not None:
                copy.add_files(str(GRAPH_DATA), files.data)
            for submission in files.submissions:  # TriG: each keeps its own named graphs
                store.load_graph(str(GRAPH_DATA), submission)
            progress("applying SPARQL rules")
            # The inferred graph is loaded part by part as the rules give their results, while the later
            # rules run, not after the last one (docs/bench.md).
            if classified is not None:
                _load_inferred(store, copy, classified)
            while (part := parts.get()) is not None:
                _load_inferred(store, copy, part)
            ruled.result()
            progress("compacting the store")
            store.optimize()
            sizes = graph_triples(store, files)
            # What is left of the index: bench/steps.py times it by these words.
            progress("building the search index")
            index = indexed.result()
        store.set_version(version, sizes, statistics.counted(store))
    except BaseException:
        if copy is not None:
            copy.discard()
        raise
    if index is not None:  # an index file of this version, not before the store holds it
        search.publish(index, store, version)
    if copy is not None:
        progress("copying the union of the graphs for SPARQL")  # bench/steps.py times it by these words
        copy.publish()
    return version, True


def _then_none(parts: queue.SimpleQueue[Path | None], task: Callable[[], None]) -> None:
    """``task``, then None on ``parts`` (also when it fails: the loader waiting for parts goes on)."""
    try:
        task()
    finally:
        parts.put(None)


def _load_inferred(store: GraphStore, copy: UnionCopyWriter | None, part: Path) -> None:
    store.load_graph(str(GRAPH_INFERRED), part)
    if copy is not None:
        copy.add_files(str(GRAPH_INFERRED), [part])


def _publish_union_copy(store: GraphStore, progress: Progress) -> None:
    """The copy of the union of the graphs that answers /sparql's queries (carekg.store.union_view)."""
    if isinstance(store, UnionCopy):
        progress("copying the union of the graphs for SPARQL")  # bench/steps.py times it by these words
        store.publish_union_copy()


def graph_triples(store: GraphStore, files: DatasetFiles,
                  known: Mapping[str, int] | None = None) -> dict[str, int]:
    """How many triples each graph of the dataset holds, counted by the engine at load time (and after
    a write, only the graphs it changed: the others are ``known``) and recorded with the version, so no
    page counts a million triples per request."""
    graphs = [str(GRAPH_DATA), str(GRAPH_ONTOLOGY), str(GRAPH_INFERRED)]
    for submission in files.submissions:
        name = submission.name.removesuffix(".trig")
        graphs += [str(submission_graph(name)), str(provenance_graph(name))]
    if files.submissions:
        graphs.append(str(GRAPH_AGENTS))
    known = known or {}
    return {graph: known[graph] if graph in known else store.triple_count(graph) for graph in graphs}
