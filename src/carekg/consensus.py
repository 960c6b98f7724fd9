"""The consensus rule *consensus-two-independent-studies* 2.0.0 and its confidence, as inferred triples.

``queries/consensus.rq`` decides which factors reach consensus in which evidence window;
``queries/consensus_evidence.rq`` says for every finding whether the rule counts it and why not. This
module writes, for each result: the rule and window, the counted (``ckg:supportingFinding``), shown
but uncounted (``ckg:uncountedFinding``) and contrary (``ckg:contraryFinding``) findings, and the
assessment of the confidence rule (carekg.confidence). Both rules are described in the inferred graph
with their name and version.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from carekg.confidence import CONFIDENCE_RULE, CONFIDENCE_RULE_VERSION, Tally, assess
from carekg.ids import CONSENSUS, RULE
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.store.base import GraphStore

CONSENSUS_RULE = RULE["consensus-two-independent-studies"]
CONSENSUS_RULE_VERSION = "2.0.0"
#: The rule queries, for the dataset's version digest and the predicates the rules can match.
QUERIES = ("consensus", "consensus_evidence")
#: Each window's suffix on a result's IRI; the all-evidence results keep the IRIs of rule 1.0.0.
WINDOWS = {CKG.UpToReviewSearchWindow: "-to-review-search", CKG.AllEvidenceWindow: ""}
OPPOSITE = {CKG.Enabler: CKG.Barrier, CKG.Barrier: CKG.Enabler}
#: consensus_evidence.rq's reason codes: why a finding is shown but not counted, for one finding and for many.
REASONS = {
    "curator-inference": ("a curator's inference, not a source's own statement", "curator inferences"),
    "review-statement": ("the founding review's own statement", "the review's own statements"),
    "grey-literature": ("grey literature, news or an official statement, not a study",
                        "grey literature, news or official statements"),
    "summary-page": ("a summary page, not a study", "summary pages"),
    "unknown-type": ("the source type is unknown", "sources of unknown type"),
    "independence-unknown": ("independence unknown: the source's developer flag is empty",
                             "sources of unknown independence"),
    "developer-authored": ("authored by the innovation's developer or purveyor",
                           "developer-authored sources"),
}


@dataclass(frozen=True)
class Evidence:
    """One row of consensus_evidence.rq."""

    factor: URIRef
    direction: URIRef
    finding: URIRef
    unit: URIRef
    counted: bool
    reason: str
    before_search: bool
    uk_setting: bool

    @classmethod
    def from_row(cls, row: dict[str, str]) -> Evidence:
        # Booleans as stores write them: "true"/"false", or Virtuoso's "1"/"0".
        def flag(name: str) -> bool:
            return row.get(name) in {"true", "1"}

        return cls(URIRef(row["factor"]), URIRef(row["direction"]), URIRef(row["finding"]),
                   URIRef(row["unit"]), row["reason"] == "", row["reason"], flag("beforeSearch"),
                   flag("ukSetting"))

    def in_window(self, window: str) -> bool:
        return URIRef(window) == CKG.AllEvidenceWindow or self.before_search


def result_iri(factor: str, direction: str, window: str) -> URIRef:
    name = "enabler" if URIRef(direction) == CKG.Enabler else "barrier"
    return CONSENSUS[f"{factor.rsplit('/', 1)[1]}-{name}{WINDOWS[URIRef(window)]}"]


def tally(evidence: list[Evidence], factor: URIRef, direction: URIRef, window: URIRef) -> Tally:
    """What the confidence rule reads for one result, from the rule's evidence rows."""
    shown = [e for e in evidence if e.factor == factor and e.in_window(window)]
    supporting = [e for e in shown if e.direction == direction]
    counted = [e for e in supporting if e.counted]
    units = {e.unit for e in counted}
    reasons = [e.reason for e in supporting if not e.counted]
    return Tally(
        direction="enabler" if direction == CKG.Enabler else "barrier",
        findings=len(supporting), counted_findings=len(counted), studies=len(units),
        contrary=len({e.unit for e in shown if e.direction == OPPOSITE[direction] and e.counted}),
        uk_studies=len({e.unit for e in counted if e.uk_setting}),
        before_search_studies=len({e.unit for e in counted if e.before_search}),
        whole_window=window == CKG.AllEvidenceWindow,
        uncounted=tuple((REASONS[code][1], reasons.count(code)) for code in REASONS if code in reasons),
    )


def _describe_rules(graph: Graph) -> None:
    for rule, kind, version in ((CONSENSUS_RULE, CKG.ConsensusRule, CONSENSUS_RULE_VERSION),
                                (CONFIDENCE_RULE, CKG.ConfidenceRule, CONFIDENCE_RULE_VERSION)):
        graph.add((rule, RDF.type, kind))
        graph.add((rule, RDFS.label, Literal(rule.rsplit("/", 1)[1], lang="en")))
        graph.add((rule, CKG.ruleVersion, Literal(version)))


def consensus_inferred(store: GraphStore) -> Graph:
    """The consensus results in both windows, with their findings and confidence, as triples."""
    results = store.select(load_query("consensus"))
    # The evidence rows matter only for the factors with a result: at 1M synthetic triples there are
    # 86,000 rows and often no result, and reading them all took a load several seconds.
    factors = tuple(sorted({row["factor"] for row in results}))
    # Each row once: over a union of graphs a statement made in two of them (a submission restating a
    # curated flag) gives its rows twice, and the confidence counted such findings twice.
    evidence = list(dict.fromkeys(Evidence.from_row(row) for row in store.select(
        load_query("consensus_evidence"), {"factor": factors}))) if factors else []
    graph = Graph()
    _describe_rules(graph)
    for row in results:
        factor, direction, window = URIRef(row["factor"]), URIRef(row["direction"]), URIRef(row["window"])
        node = result_iri(factor, direction, window)
        for p, o in ((RDF.type, CKG.ConsensusResult), (CKG.consensusFactor, factor),
                     (CKG.consensusDirection, direction), (CKG.evidenceWindow, window),
                     (CKG.byRule, CONSENSUS_RULE),
                     (CKG.independentStudyCount, Literal(int(row["studies"]), datatype=XSD.integer)),
                     (CKG.contraryStudyCount, Literal(int(row["contrary"]), datatype=XSD.integer))):
            graph.add((node, p, o))
        for e in evidence:
            if e.factor != factor or not e.in_window(window):
                continue
            if e.direction == direction:
                graph.add((node, CKG.supportingFinding if e.counted else CKG.uncountedFinding, e.finding))
            elif e.counted:
                graph.add((node, CKG.contraryFinding, e.finding))
        _add_assessment(graph, node, assess(tally(evidence, factor, direction, window)))
    return graph


def _add_assessment(graph: Graph, result: URIRef, assessment) -> None:
    node = URIRef(f"{result}-confidence")
    graph.add((result, CKG.hasConfidence, node))
    graph.add((node, RDF.type, CKG.ConfidenceAssessment))
    graph.add((node, CKG.byConfidenceRule, CONFIDENCE_RULE))
    graph.add((node, CKG.confidenceLevel, assessment.level))
    for j in assessment.judgements:
        part = URIRef(f"{node}-{_kebab(j.component)}")
        graph.add((node, CKG.hasComponentJudgement, part))
        graph.add((part, RDF.type, CKG.ConfidenceComponentJudgement))
        graph.add((part, CKG.confidenceComponent, j.component))
        graph.add((part, CKG.concernLevel, j.concern))
        graph.add((part, CKG.componentReason, Literal(j.reason)))


def _kebab(term: URIRef) -> str:
    name = term.rsplit("#", 1)[1]
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")
