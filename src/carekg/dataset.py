"""The carekg dataset: its files, its version, its inferred graph, and loading it into a store.

The dataset is three named graphs (asserted data, ontology, inferred) plus a meta graph holding its
version: a digest of every input file and of the inference rules. A store already holding that
version is reused as it is. Otherwise the asserted graphs are loaded, the SPARQL rules run on the
store itself, the inferred graph (HermiT's classification, cached on disk, plus the rules' results)
is added, and only then is the version recorded, so a half-loaded store never looks complete.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, URIRef

from carekg import __version__, paths
from carekg.ids import CONSENSUS, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, RULE
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.reasoning import run_hermit
from carekg.store import get_store
from carekg.store.base import GraphStore, LoadProgress

CONSENSUS_RULE = RULE["consensus-two-independent-studies"]
CONSENSUS_RULE_VERSION = "1.0.0"
RULE_QUERIES = ("consensus", "rule_subdomain_summary")
#: Files larger than this are fingerprinted by name, size and modification time, not content.
CONTENT_HASH_LIMIT = 64 * 1024 * 1024

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

    def version(self, reasoner: bool = True) -> str:
        """A digest of every file, the rules, the package version and whether HermiT ran."""
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
            graph += submission_data(path)
        return graph


def submission_data(path: Path) -> Graph:
    """The evidence a submission file adds (its data graph, not its provenance record)."""
    from carekg.writes import read_submission  # writes imports this module

    return read_submission(path).data


def hermit_inferred(files: DatasetFiles, progress: Progress = lambda _: None) -> Path:
    """HermiT's classification of the findings, computed once per version and cached on disk."""
    path = paths.STATE_DIR / "inferred" / f"{files.version()}-hermit.nt"
    if not path.exists():
        progress("reasoning with HermiT")
        result = run_hermit(files.graph())
        if not result.consistent:
            raise ValueError(result.message)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        result.inferred.serialize(tmp, format="nt", encoding="utf-8")
        tmp.replace(path)
    return path


def rule_inferred(store: GraphStore) -> Graph:
    """The SPARQL rules' results on a store holding the asserted graphs: sub-domain summaries and consensus."""
    inferred = Graph()
    for row in store.select(load_query("rule_subdomain_summary")):
        predicate = CKG.hasBarrierIn if row["direction"] == str(CKG.Barrier) else CKG.hasEnablerIn
        inferred.add((URIRef(row["innovation"]), predicate, URIRef(row["subdomain"])))
    for row in store.select(load_query("consensus")):
        factor_slug = row["factor"].rsplit("/", 1)[1]
        direction = "enabler" if row["direction"] == str(CKG.Enabler) else "barrier"
        node = CONSENSUS[f"{factor_slug}-{direction}"]
        inferred.add((node, RDF.type, CKG.ConsensusResult))
        inferred.add((node, CKG.consensusFactor, URIRef(row["factor"])))
        inferred.add((node, CKG.consensusDirection, URIRef(row["direction"])))
        inferred.add((node, CKG.byRule, CONSENSUS_RULE))
        inferred.add((node, CKG.independentStudyCount, Literal(int(row["studies"]), datatype=XSD.integer)))
    return inferred


@cache
def rule_predicates() -> frozenset[str]:
    """Every IRI the rule queries mention (prefixed names expanded), and rdf:type: the only predicates
    a rule can match, as the rules have no variable in predicate position."""
    iris = {str(RDF.type)}
    for name in RULE_QUERIES:
        text = load_query(name)
        prefixes = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", text, flags=re.IGNORECASE))
        iris.update(re.findall(r"<([^<>\s]+)>", text))
        iris.update(prefixes[prefix] + local for prefix, local in re.findall(r"([\w-]*):([A-Za-z_][\w-]*)", text)
                    if prefix in prefixes)
    return frozenset(iris)


def rule_inferred_from_files(files: DatasetFiles) -> Graph:
    """The rules' results computed from the dataset's files, on an in-memory store holding only the
    statements a rule can match. An on-disk store answers the rules' scans several times slower
    (docs/bench.md), and this can run while the store loads."""
    keep = rule_predicates()
    scratch = get_store("memory:")
    for path in (*files.ontology, *files.data, *files.submissions):
        scratch.load_graph(str(GRAPH_DATA), path, predicates=keep)
    return rule_inferred(scratch)


def load(store: GraphStore, files: DatasetFiles | None = None, *, force: bool = False, reasoner: bool = True,
         progress: Progress = lambda _: None, load_progress: LoadProgress | None = None) -> tuple[str, bool]:
    """Make ``store`` hold the dataset. Returns (version, whether anything was loaded).

    ``reasoner=False`` skips HermiT (for synthetic graphs of millions of triples); the SPARQL rules
    still run, and the version records that the classification was skipped.
    """
    files = files or DatasetFiles.discover()
    version = files.version(reasoner)
    if not force and store.dataset_version() == version:
        progress(f"store already holds dataset {version}")
        return version, False
    classified = hermit_inferred(files, progress) if reasoner else None
    progress(f"loading dataset {version}")
    with ThreadPoolExecutor(1) as pool:  # the rules are computed while the store loads
        rule_results = pool.submit(rule_inferred_from_files, files)
        store.replace_dataset({str(GRAPH_DATA): files.data, str(GRAPH_ONTOLOGY): files.ontology}, load_progress)
        for submission in files.submissions:  # TriG: each keeps its own named graphs
            store.load_graph(str(GRAPH_DATA), submission)
        progress("applying SPARQL rules")
        rules = paths.STATE_DIR / "inferred" / f"{version}-rules.nt"
        rules.parent.mkdir(parents=True, exist_ok=True)
        rule_results.result().serialize(rules, format="nt", encoding="utf-8")
    for part in filter(None, (classified, rules)):
        store.load_graph(str(GRAPH_INFERRED), part)
    progress("compacting the store")
    store.optimize()
    store.set_version(version)
    return version, True
