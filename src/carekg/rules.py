"""The SPARQL rules that build part of the inferred graph: sub-domain summaries and evidenced
sub-domains per innovation, the evidence counts pages show (per innovation, factor, source and
framework concept, so no page counts every finding per request), the gap map's cells (per innovation
and NASSS sub-domain or CFIR 2.0 domain, with the factors each innovation has evidence on), the
tallies of each innovation's findings per factor (carekg.tallies) with the first of them a profile
lists (carekg.listed), and of why the consensus rule does not
count some of them (carekg.uncounted), the sources' places in the studies list (carekg.positions), consensus
results with their confidence (carekg.consensus: two independent studies agreeing on a factor's
direction, in two evidence windows) and, for writes, the classification of findings into the ontology's
defined classes.

The rules run on a store holding the asserted graphs (:func:`rule_inferred`, :func:`classified`), or
on the dataset's files projected on the predicates the rules can match
(:func:`rule_inferred_from_files`), which is what a load uses. A write recomputes them for only what it
touches (carekg.incremental).

A load classifies the curated findings with HermiT (cached per version of the curated files). The
submissions' findings, and every finding a write touches, are classified with :func:`classified`: the
memberships of the classes the ontology defines as "a class with a property value"
(``queries/rule_defined_classes.rq``), which for carekg's axioms are exactly what HermiT infers
(tests/test_rules.py compares the two on the curated dataset, and with submissions). A write cannot
wait for HermiT (1-2 minutes), and with this the next start does not need it either.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.term import Node

from carekg import consensus, count_pass, finding_pass, listed, positions, tallies, uncounted
from carekg.ids import GRAPH_DATA, gap_map_cell
from carekg.namespaces import CKG
from carekg.queries import load_query, mentioned_iris
from carekg.store import get_store
from carekg.store.base import GraphStore
from carekg.tallies import count_literal

#: A statement a rule makes (rdflib terms; gathered in an rdflib graph only when few).
Triple = tuple[Node, Node, Node]

CLASSIFICATION_QUERIES = ("rule_defined_classes", "rule_defined_class_members")
#: Every rule query: their texts are part of the dataset version, their IRIs make the projection.
COUNT_QUERIES = ("rule_evidence_counts", "rule_concept_evidence_counts")
#: What a load reads to compute the COUNT_QUERIES' rows, the tallies with their shared sources, the gap
#: map's cells and the sub-domains in one pass over the findings (carekg.count_pass, carekg.finding_pass).
COUNT_PASS_QUERIES = (count_pass.LINKS_QUERY, "rule_concept_placements", *finding_pass.QUERIES)
MAP_CELL_QUERIES = ("rule_map_cells", "rule_innovation_factors")
RULE_QUERIES = (*consensus.QUERIES, "rule_subdomain_summary", "rule_evidenced_subdomains", *COUNT_QUERIES,
                *COUNT_PASS_QUERIES,
                *MAP_CELL_QUERIES, "rule_independent_findings", *tallies.RULE_QUERIES, listed.RULE_QUERY,
                uncounted.RULE_QUERY, positions.RULE_QUERY, *CLASSIFICATION_QUERIES)
#: A direction's code (ids.DIRECTION_CODES) -> the column counting its findings (COUNT_PREDICATES,
#: CELL_PREDICATES, tallies.TALLY_PREDICATES).
FINDING_COLUMNS = {"enabler": "enablers", "barrier": "barriers", "mixed": "mixed"}
#: A count's column in the COUNT_QUERIES -> its predicate.
COUNT_PREDICATES = {"findings": CKG.findingCount, "enablers": CKG.enablerFindingCount,
                    "barriers": CKG.barrierFindingCount, "mixed": CKG.mixedFindingCount,
                    "sources": CKG.sourceCount, "innovations": CKG.innovationCount,
                    "factors": CKG.factorCount}
#: A count's column in rule_map_cells.rq -> its predicate on the gap map cell.
CELL_PREDICATES = {"findings": CKG.findingCount, "enablers": CKG.enablerFindingCount,
                   "barriers": CKG.barrierFindingCount, "mixed": CKG.mixedFindingCount,
                   "sources": CKG.sourceCount, "independent": CKG.cellIndependentStudyCount}


def _subdomain_triples(store: GraphStore, innovations: Collection[str] | None = None) -> Iterator[Triple]:
    bindings = None if innovations is None else {"innovation": tuple(sorted(innovations))}
    yield from _subdomain_row_triples(store.select(load_query("rule_subdomain_summary"), bindings))


def _subdomain_row_triples(rows: Iterable[Mapping[str, str]]) -> Iterator[Triple]:
    for row in rows:
        predicate = CKG.hasBarrierIn if row["direction"] == str(CKG.Barrier) else CKG.hasEnablerIn
        yield URIRef(row["innovation"]), predicate, URIRef(row["subdomain"])


def _evidenced_triples(store: GraphStore, innovations: Collection[str] | None = None) -> Iterator[Triple]:
    bindings = None if innovations is None else {"innovation": tuple(sorted(innovations))}
    yield from _evidenced_row_triples(store.select(load_query("rule_evidenced_subdomains"), bindings))


def _evidenced_row_triples(rows: Iterable[Mapping[str, str]]) -> Iterator[Triple]:
    for row in rows:
        yield URIRef(row["innovation"]), CKG.hasEvidenceIn, URIRef(row["subdomain"])


def _count_triples(store: GraphStore, subjects: Collection[str] | None = None) -> Iterator[Triple]:
    if subjects is None:  # every subject's: one pass over the findings, not one grouping per rule
        rows: Iterable[Mapping[str, str]] = count_pass.count_rows(store)
    else:
        bindings = {"subject": tuple(sorted(subjects))}
        rows = (row for name in COUNT_QUERIES for row in store.select(load_query(name), bindings))
    yield from _count_row_triples(rows)


def _count_row_triples(rows: Iterable[Mapping[str, str]]) -> Iterator[Triple]:
    for row in rows:
        subject = URIRef(row["subject"])
        for column, predicate in COUNT_PREDICATES.items():
            yield subject, predicate, count_literal(row[column])


def _map_triples(store: GraphStore, innovations: Collection[str] | None = None) -> Iterator[Triple]:
    """The gap map's cells (rule_map_cells.rq) and the factors each innovation has evidence on
    (rule_innovation_factors.rq, for the consensus behind a cell)."""
    bindings = None if innovations is None else {"innovation": tuple(sorted(innovations))}
    yield from _map_row_triples(store.select(load_query("rule_map_cells"), bindings),
                                store.select(load_query("rule_innovation_factors"), bindings))


def _map_row_triples(cells: Iterable[Mapping[str, str]],
                     innovation_factors: Iterable[Mapping[str, str]]) -> Iterator[Triple]:
    for row in cells:
        cell = gap_map_cell(row["innovation"], row["column"])
        yield cell, RDF.type, CKG.GapMapCell
        yield cell, CKG.cellInnovation, URIRef(row["innovation"])
        yield cell, CKG.cellColumn, URIRef(row["column"])
        for column, predicate in CELL_PREDICATES.items():
            yield cell, predicate, count_literal(row[column])
    for row in innovation_factors:
        yield URIRef(row["innovation"]), CKG.hasEvidenceOn, URIRef(row["factor"])


def _independent_triples(store: GraphStore, findings: Collection[str] | None = None) -> Iterator[Triple]:
    """ckg:fromIndependentStudy true on each finding the consensus rule judges an independent study's
    own statement (rule_independent_findings.rq); with ``findings``, of those only (carekg.incremental)."""
    bindings = None if findings is None else {"finding": tuple(sorted(findings))}
    for row in store.select(load_query("rule_independent_findings"), bindings):
        yield URIRef(row["finding"]), CKG.fromIndependentStudy, Literal(True)


def _graph(triples: Iterable[Triple]) -> Graph:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph


def subdomain_summary(store: GraphStore, innovations: Collection[str] | None = None) -> Graph:
    """The sub-domain summaries (``rule_subdomain_summary.rq``) as triples; with ``innovations``, of
    those only (carekg.incremental)."""
    return _graph(_subdomain_triples(store, innovations))


def evidenced_subdomains(store: GraphStore, innovations: Collection[str] | None = None) -> Graph:
    """The sub-domains each innovation has evidence in (``rule_evidenced_subdomains.rq``) as
    ckg:hasEvidenceIn; with ``innovations``, of those only (carekg.incremental)."""
    return _graph(_evidenced_triples(store, innovations))


def evidence_counts(store: GraphStore, subjects: Collection[str] | None = None) -> Graph:
    """The counts of the COUNT_QUERIES as statements about each innovation, factor, source and framework
    concept with findings (zeros included: a resource without findings has none); with ``subjects``, of
    those only (carekg.incremental)."""
    return _graph(_count_triples(store, subjects))


def map_cells(store: GraphStore, innovations: Collection[str] | None = None) -> Graph:
    """The gap map's cells and ckg:hasEvidenceOn (``rule_map_cells.rq``, ``rule_innovation_factors.rq``)
    as triples; with ``innovations``, of those only (carekg.incremental)."""
    return _graph(_map_triples(store, innovations))


def independent_findings(store: GraphStore, findings: Collection[str] | None = None) -> Graph:
    """The findings from an independent study (``rule_independent_findings.rq``) as
    ckg:fromIndependentStudy; with ``findings``, of those only (carekg.incremental)."""
    return _graph(_independent_triples(store, findings))


def rule_triples(store: GraphStore) -> Iterator[Triple]:
    """The SPARQL rules' results on a store holding the asserted graphs: sub-domain summaries and
    evidence, evidence counts, the gap map's cells, the findings from an independent study, innovation
    factor tallies and consensus with its confidence. Not gathered in an rdflib graph: at 1M synthetic
    triples they are 269,000 statements (114,000 of them the map's cells and ckg:hasEvidenceOn) and 163,000
    tallies', and adding 155,000 to one took a load 11 s."""
    found = count_pass.read_findings(store)  # read once for every rule counted in Python
    counted = count_pass.counted_findings(store, found)
    folded = finding_pass.run(store, found)
    yield from _subdomain_row_triples(folded.subdomains)
    yield from _evidenced_row_triples(folded.evidenced)
    yield from _count_row_triples(count_pass.count_rows(store, counted))
    yield from _map_row_triples(folded.cells, folded.innovation_factors)
    yield from _independent_triples(store)
    yield from tallies.tally_triples(store, shared=count_pass.shared_source_rows(store, counted),
                                     rows=folded.tallies)
    yield from listed.listed_triples(store, findings=counted)
    yield from uncounted.uncounted_triples(store, rows=folded.uncounted)
    yield from positions.position_triples(store)
    yield from consensus.consensus_inferred(store)


def rule_inferred(store: GraphStore) -> Graph:
    """:func:`rule_triples` as an rdflib graph."""
    return _graph(rule_triples(store))


def classified(store: GraphStore, nodes: Collection[str] | None = None) -> Graph:
    """``rdf:type`` statements for the members of the ontology's defined classes that are not asserted
    (as reasoning.run_hermit materialises them), computed on a store holding the asserted graphs; with
    ``nodes``, for those nodes only (a write classifies what it touched)."""
    inferred = Graph()
    only = {} if nodes is None else {"node": tuple(sorted(nodes))}
    for definition in store.select(load_query("rule_defined_classes")):
        members = store.select(load_query("rule_defined_class_members"), {**definition, **only})
        for row in members:
            inferred.add((URIRef(row["node"]), RDF.type, URIRef(definition["defined"])))
    return inferred


def rule_predicates() -> frozenset[str]:
    """Every IRI the rule queries mention, and rdf:type: the only predicates a rule can match, as a
    variable in predicate position is bound only by a VALUES of IRIs the rule names
    (rule_evidence_counts.rq)."""
    return mentioned_iris(RULE_QUERIES)


def rule_inferred_from_files(files: Iterable[Path], *, classify: bool = False) -> Graph:
    """:func:`rule_triples_from_files` as an rdflib graph (for tests and small datasets)."""
    return _graph(rule_triples_from_files(files, classify=classify))


def rule_triples_from_files(files: Iterable[Path], *, classify: bool = False) -> Iterator[Triple]:
    """The rules' results computed from the dataset's files (``DatasetFiles.paths``), and with
    ``classify`` the defined classes' memberships too, on their :func:`projection` on the rules'
    predicates."""
    files = tuple(files)
    keep = rule_predicates()
    yield from projected_rule_triples(projection(files, keep), files, keep, classify=classify)


def projection(files: Iterable[Path], predicates: frozenset[str]) -> GraphStore:
    """An in-memory store holding the statements of ``files`` whose predicate is one of ``predicates``
    (all in one graph). An on-disk store answers the rules' scans several times slower
    (docs/bench.md), and this can be made while the store loads (carekg.loader)."""
    scratch = get_store("memory:")
    for path in files:
        scratch.load_graph(str(GRAPH_DATA), path, predicates=predicates)
    return scratch


def projected_rule_triples(scratch: GraphStore, files: tuple[Path, ...], kept: frozenset[str], *,
                           classify: bool = False) -> Iterator[Triple]:
    """The rules' results on ``scratch``, the :func:`projection` of ``files`` on ``kept`` (at least
    :func:`rule_predicates`); with ``classify``, the defined classes' memberships too (then the
    properties those classes are defined by are added to ``scratch`` when ``kept`` lacks them)."""
    yield from rule_triples(scratch)
    if classify:
        # A defined class's property is named in the ontology, not in the queries: add it if missing.
        defined = {row["property"] for row in scratch.select(load_query("rule_defined_classes"))}
        missing = frozenset(defined - kept)
        for path in files if missing else ():
            scratch.load_graph(str(GRAPH_DATA), path, predicates=missing)
        yield from classified(scratch)
