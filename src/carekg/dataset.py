"""The carekg dataset: its files, its version, its inferred graph, and loading it into a store.

The dataset is three named graphs (asserted data, ontology, inferred) plus a meta graph holding its
version, a digest of every input file and of the inference rules. A store already holding that
version is reused as it is; otherwise the inferred graph is rebuilt (or taken from its cache) and the
store is replaced in one go.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, Graph, Literal, URIRef

from carekg import __version__, paths
from carekg.ids import CONSENSUS, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, RULE
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.reasoning import run_hermit
from carekg.store.base import GraphStore

CONSENSUS_RULE = RULE["consensus-two-independent-studies"]
CONSENSUS_RULE_VERSION = "1.0.0"
RULE_QUERIES = ("consensus", "rule_subdomain_summary")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DatasetFiles:
    data: tuple[Path, ...]
    ontology: tuple[Path, ...]

    @classmethod
    def discover(cls, data_dir: Path | None = None, ontology_dir: Path | None = None) -> DatasetFiles:
        data = tuple(sorted((data_dir or paths.DATA_DIR).rglob("*.ttl")))
        ontology_root = ontology_dir or paths.ONTOLOGY_DIR
        ontology = tuple(f for f in sorted(ontology_root.rglob("*.ttl")) if "release" not in f.parts)
        if not data or not ontology:
            raise FileNotFoundError(f"no Turtle files found under {data_dir or paths.DATA_DIR} or {ontology_root}")
        return cls(data, ontology)

    def version(self) -> str:
        """A digest of every file's name and content, the rules and the package version."""
        digest = hashlib.sha256(__version__.encode())
        for name in RULE_QUERIES:
            digest.update(load_query(name).encode())
        for path in (*self.ontology, *self.data):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]

    def graph(self, which: str = "all") -> Graph:
        graph = Graph()
        files = {"data": self.data, "ontology": self.ontology, "all": (*self.ontology, *self.data)}[which]
        for path in files:
            graph.parse(path, format="turtle")
        return graph


def _memory_store(files: DatasetFiles) -> ox.Store:
    store = ox.Store()
    for graph, group in ((GRAPH_DATA, files.data), (GRAPH_ONTOLOGY, files.ontology)):
        for path in group:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(graph)))
    return store


def _select(store: ox.Store, name: str) -> list[dict[str, str]]:
    solutions = store.query(load_query(name), use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in solutions]


def build_inferred(files: DatasetFiles, progress: Progress = lambda _: None) -> Graph:
    """HermiT's classification of findings, plus the SPARQL rules' results (sub-domain summaries
    and consensus), as a graph kept apart from the asserted data."""
    progress("reasoning with HermiT")
    hermit = run_hermit(files.graph())
    if not hermit.consistent:
        raise ValueError(hermit.message)
    inferred = hermit.inferred
    progress("applying SPARQL rules")
    store = _memory_store(files)
    for row in _select(store, "rule_subdomain_summary"):
        predicate = CKG.hasBarrierIn if row["direction"] == str(CKG.Barrier) else CKG.hasEnablerIn
        inferred.add((URIRef(row["innovation"]), predicate, URIRef(row["subdomain"])))
    for row in _select(store, "consensus"):
        factor_slug = row["factor"].rsplit("/", 1)[1]
        direction = "enabler" if row["direction"] == str(CKG.Enabler) else "barrier"
        node = CONSENSUS[f"{factor_slug}-{direction}"]
        inferred.add((node, RDF.type, CKG.ConsensusResult))
        inferred.add((node, CKG.consensusFactor, URIRef(row["factor"])))
        inferred.add((node, CKG.consensusDirection, URIRef(row["direction"])))
        inferred.add((node, CKG.byRule, CONSENSUS_RULE))
        inferred.add((node, CKG.independentStudyCount, Literal(int(row["studies"]), datatype=XSD.integer)))
    return inferred


def inferred_path(files: DatasetFiles) -> Path:
    return paths.STATE_DIR / "inferred" / f"{files.version()}.nt"


def ensure_inferred(files: DatasetFiles, progress: Progress = lambda _: None) -> Path:
    """The inferred graph for this version of the files, computed once and cached on disk."""
    path = inferred_path(files)
    if not path.exists():
        graph = build_inferred(files, progress)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        graph.serialize(tmp, format="nt", encoding="utf-8")
        tmp.replace(path)
    return path


def load(store: GraphStore, files: DatasetFiles | None = None, *, force: bool = False,
         progress: Progress = lambda _: None) -> tuple[str, bool]:
    """Make ``store`` hold the current dataset. Returns (version, whether anything was loaded)."""
    files = files or DatasetFiles.discover()
    version = files.version()
    if not force and store.dataset_version() == version:
        progress(f"store already holds dataset {version}")
        return version, False
    inferred = ensure_inferred(files, progress)
    progress(f"loading dataset {version}")
    store.replace_dataset(
        {str(GRAPH_DATA): files.data, str(GRAPH_ONTOLOGY): files.ontology, str(GRAPH_INFERRED): (inferred,)},
        version,
    )
    return version, True
