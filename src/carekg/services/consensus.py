"""The consensus rule (CQ-6, queries/consensus.rq) and its confidence: the results the rules materialised
in the inferred graph, in both evidence windows, set beside the founding review's own claims.

Each result carries the studies it counted, the supporting sources it shows but does not count (with
the reason), the contrary studies, and its CERQual-style confidence (carekg.confidence). The evidence
lists come from the rule's own classification (queries/consensus_evidence.rq), so a claim the rule does
not reproduce still shows what evidence there is and why it falls short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg import confidence as confidence_rule
from carekg.consensus import CONSENSUS_RULE, CONSENSUS_RULE_VERSION, REASONS, Evidence
from carekg.ids import GRAPH_INFERRED, slug_of
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.services.answer_cache import cached
from carekg.services.rdf import construct_graph, serialise
from carekg.services.refs import (
    Concept,
    Ref,
    SourceRef,
    bare_source_ref,
    factor_ref,
    iri_of,
    label_of,
    placement_of,
    source_ref,
    source_ref_of,
    term_labels,
)
from carekg.services.rows import select
from carekg.services.vocabulary import code
from carekg.store.base import GraphStore, Row

#: The windows in the order they are shown: the review's first.
WINDOW_ORDER = (str(CKG.UpToReviewSearchWindow), str(CKG.AllEvidenceWindow))


@dataclass(frozen=True)
class RuleRef:
    id: Annotated[str, Field(examples=["cerqual-style-confidence"])]
    iri: Annotated[str, Field(examples=[iri_of("rule", "cerqual-style-confidence")])]
    version: Annotated[str, Field(examples=["1.0.0"])]


@dataclass(frozen=True)
class ComponentJudgement:
    """One GRADE-CERQual component of a confidence: how much concern it raises, and why."""

    component: Annotated[str, Field(examples=["adequacy"],
                                    description="methodological-limitations, coherence, adequacy or "
                                                "relevance")]
    label: Annotated[str, Field(examples=["adequacy"])]
    concern: Annotated[str, Field(examples=["serious"], description="no-or-minor, moderate or serious")]
    concern_label: Annotated[str, Field(examples=["serious concerns"])]
    reason: Annotated[str, Field(examples=[("The result rests on 2 independent studies with 3 findings, the "
                                            "fewest the consensus rule accepts.")])]


@dataclass(frozen=True)
class Confidence:
    """A confidence rule's grade of one consensus result: CERQual-style, computed from the graph; not a
    GRADE-CERQual assessment made by a review team."""

    level: Annotated[str, Field(examples=["low"], description="high, moderate, low or very-low")]
    label: Annotated[str, Field(examples=["low"])]
    rule: RuleRef
    components: list[ComponentJudgement]


@dataclass(frozen=True)
class CountedEvidence:
    """One finding the rule read: its source, the study it counts as (when counted), or why not."""

    finding: Annotated[str, Field(examples=["f10"])]
    source: SourceRef
    study: Annotated[SourceRef | None,
                     Field(description="the study the finding counts as; null when not counted")]
    reason: Annotated[str | None, Field(examples=["a summary page, not a study"],
                                        description="why the finding is not counted; null when counted")]


@dataclass(frozen=True)
class ConsensusEvidence:
    studies: Annotated[list[CountedEvidence],
                       Field(description="counted: independent study-type sources in the direction")]
    supporting_sources: Annotated[list[CountedEvidence],
                                  Field(description="shown, not counted, with the reason")]
    contrary_studies: Annotated[list[CountedEvidence],
                                Field(description="counted studies in the opposite direction")]


@dataclass(frozen=True)
class ConsensusFinding:
    """That the evidence agrees on a factor in ``direction`` within ``window``, from
    ``independent_study_count`` studies, with the evidence behind it and a confidence."""

    id: Annotated[str, Field(examples=["senior-leadership-buy-in-and-support-enabler"])]
    iri: Annotated[str, Field(examples=[iri_of("consensus", "senior-leadership-buy-in-and-support-enabler")])]
    factor: Ref
    subdomain: Concept | None
    direction: Annotated[str, Field(examples=["enabler"])]
    window: Annotated[str, Field(examples=["all-evidence"],
                                 description="up-to-review-search or all-evidence")]
    independent_study_count: Annotated[int, Field(examples=[2])]
    contrary_study_count: Annotated[int, Field(examples=[0])]
    evidence: ConsensusEvidence
    confidence: Confidence | None


@dataclass(frozen=True)
class ClaimVerdict:
    """The rule's verdict on a review claim in one window: reproduced (with the result) or not."""

    window: Annotated[str, Field(examples=["up-to-review-search"])]
    reproduced: bool
    independent_study_count: Annotated[int, Field(examples=[1])]
    result: Annotated[ConsensusFinding | None,
                      Field(description="the consensus result, when the rule reaches it")]
    evidence: ConsensusEvidence


@dataclass(frozen=True)
class ReviewClaim:
    """One of the founding review's consensus claims, with the rule's verdict in each window."""

    finding: Annotated[str, Field(examples=["f03"])]
    factor: Ref
    direction: Annotated[str, Field(examples=["enabler"])]
    statement: str | None
    verdicts: list[ClaimVerdict]


@dataclass(frozen=True)
class Window:
    id: Annotated[str, Field(examples=["up-to-review-search"])]
    iri: str
    label: Annotated[str, Field(examples=["up to the review's search"])]


@dataclass(frozen=True)
class ConsensusRule(RuleRef):
    """A rule with what it does, in words."""

    description: str


@dataclass(frozen=True)
class Consensus:
    rule: ConsensusRule
    confidence_rule: ConsensusRule
    windows: list[Window]
    claims: list[ReviewClaim]
    results: list[ConsensusFinding]


def _description(text: str) -> str:
    """A rule in words: the comment block that opens its query or module."""
    comments = []
    for line in text.splitlines()[1:]:
        if not line.startswith("#"):
            break
        comments.append(line.lstrip("# ").strip())
    return " ".join(comments)


def _confidence_description() -> str:
    doc = confidence_rule.__doc__ or ""
    return " ".join(doc.split("\n\n", 1)[-1].split())


EvidenceRows = dict[tuple[str, str], list[tuple[Evidence, str]]]
SourceRefs = Callable[[str], SourceRef]


def _grouped(rows: list[Row]) -> EvidenceRows:
    """Rows of consensus_evidence.rq by (factor, direction), each finding with its source."""
    grouped: EvidenceRows = {}
    for row in rows:
        grouped.setdefault((row["factor"], row["direction"]), []).append(
            (Evidence.from_row(row), row["source"]))
    return grouped


@cached
def _evidence_rows(store: GraphStore) -> EvidenceRows:
    """The rule's classification of every finding, by (factor, direction), with each finding's source."""
    return _grouped(select(store, "consensus_evidence"))


def _evidence(rows: EvidenceRows, refs: SourceRefs, factor: str, direction: str,
              window: str) -> ConsensusEvidence:
    opposite = str(CKG.Barrier if direction == str(CKG.Enabler) else CKG.Enabler)

    def item(e: Evidence, source: str) -> CountedEvidence:
        return CountedEvidence(slug_of(str(e.finding)), refs(source),
                               refs(str(e.unit)) if e.counted else None,
                               None if e.counted else REASONS[e.reason][0])

    here = [(e, s) for e, s in rows.get((factor, direction), []) if e.in_window(window)]
    against = [(e, s) for e, s in rows.get((factor, opposite), []) if e.in_window(window) and e.counted]
    return ConsensusEvidence([item(e, s) for e, s in here if e.counted],
                             [item(e, s) for e, s in here if not e.counted],
                             [item(e, s) for e, s in against])


def _judgements_of(store: GraphStore, rows: list[Row]) -> dict[str, list[ComponentJudgement]]:
    """Rows of api_consensus_confidence.rq as each result's component judgements, in the rule's order."""
    labels = term_labels(store)
    order = [str(c) for c in (CKG.MethodologicalLimitations, CKG.Coherence, CKG.Adequacy, CKG.Relevance)]
    judgements: dict[str, list[tuple[int, ComponentJudgement]]] = {}
    for row in rows:
        judgement = ComponentJudgement(code(row["component"]), label_of(labels, row["component"]),
                                       code(row["concern"]), label_of(labels, row["concern"]), row["reason"])
        judgements.setdefault(row["result"], []).append((order.index(row["component"]), judgement))
    return {result: [j for _, j in sorted(items, key=lambda pair: pair[0])]
            for result, items in judgements.items()}


@cached
def _judgements(store: GraphStore) -> dict[str, list[ComponentJudgement]]:
    return _judgements_of(store, select(store, "api_consensus_confidence", inferred=GRAPH_INFERRED))


def _result(store: GraphStore, row: dict[str, str], rows: EvidenceRows, refs: SourceRefs,
            judgements: dict[str, list[ComponentJudgement]]) -> ConsensusFinding:
    labels = term_labels(store)
    window = row.get("window", str(CKG.AllEvidenceWindow))
    confidence = None
    if row.get("level"):
        rule = RuleRef(slug_of(row["confidenceRule"]), row["confidenceRule"],
                       row.get("confidenceRuleVersion") or confidence_rule.CONFIDENCE_RULE_VERSION)
        confidence = Confidence(code(row["level"]), label_of(labels, row["level"]), rule,
                                judgements.get(row["result"], []))
    return ConsensusFinding(
        slug_of(row["result"]), row["result"], factor_ref(store, row["factor"]),
        placement_of(store, row["factor"])[0], code(row["direction"]), code(window), int(row["studies"]),
        int(row.get("contrary") or 0), _evidence(rows, refs, row["factor"], row["direction"], window),
        confidence)


def factor_consensus(store: GraphStore, factor: str) -> list[ConsensusFinding]:
    """The consensus results on one factor, as consensus() has them, by queries bound to the factor, its
    results and the sources its evidence cites: no table of every finding, result or source is built."""
    found = select(store, "api_consensus", inferred=GRAPH_INFERRED, factor=factor)
    if not found:
        return []
    rows = _grouped(select(store, "consensus_evidence", factor=factor))
    cited = tuple(sorted({iri for items in rows.values() for e, source in items
                          for iri in (source, str(e.unit)) if iri}))
    labels = term_labels(store)
    known = {row["source"]: source_ref_of(labels, row["source"], row)
             for row in select(store, "api_sources", source=cited)} if cited else {}
    judgements = _judgements_of(store, select(store, "api_consensus_confidence", inferred=GRAPH_INFERRED,
                                              result=tuple(row["result"] for row in found)))
    return [_result(store, row, rows, lambda iri: known.get(iri) or bare_source_ref(iri), judgements)
            for row in found]


@cached
def consensus(store: GraphStore) -> Consensus:
    """The consensus and confidence rules (name, version, what they do), the review's claims with the
    rule's verdict in each window, and every result the rules materialised in the inferred graph."""
    rows = select(store, "api_consensus", inferred=GRAPH_INFERRED)
    claim_rows = select(store, "api_consensus_claims")
    # Only when there is a result or a claim to show it for: the classification reads every finding.
    evidence = _evidence_rows(store) if rows or claim_rows else {}
    judgements = _judgements(store) if rows else {}

    def refs(iri: str) -> SourceRef:
        return source_ref(store, iri)

    results = [_result(store, row, evidence, refs, judgements) for row in rows]
    by_key = {(r.factor.iri, r.direction, r.window): r for r in results}
    labels = term_labels(store)
    claims = []
    for row in claim_rows:
        verdicts = []
        for window in WINDOW_ORDER:
            result = by_key.get((row["factor"], code(row["direction"]), code(window)))
            found = _evidence(evidence, refs, row["factor"], row["direction"], window)
            studies = len({e.study.iri for e in found.studies if e.study})
            verdicts.append(ClaimVerdict(code(window), result is not None, studies, result, found))
        claims.append(ReviewClaim(slug_of(row["finding"]), factor_ref(store, row["factor"]),
                                  code(row["direction"]), row.get("paraphrase"), verdicts))
    rule_iri = rows[0]["rule"] if rows else str(CONSENSUS_RULE)
    version = next((row["ruleVersion"] for row in rows if row.get("ruleVersion")), CONSENSUS_RULE_VERSION)
    confidence = confidence_rule.CONFIDENCE_RULE
    return Consensus(
        ConsensusRule(slug_of(rule_iri), rule_iri, version, _description(load_query("consensus"))),
        ConsensusRule(slug_of(str(confidence)), str(confidence), confidence_rule.CONFIDENCE_RULE_VERSION,
                      _confidence_description()),
        [Window(code(w), w, label_of(labels, w)) for w in WINDOW_ORDER], claims, results)


@cached
def consensus_rdf(store: GraphStore, media_type: str) -> bytes:
    """The consensus results, their confidence and the two rules, as RDF in ``media_type``."""
    return serialise(construct_graph(store, "api_consensus_graph", inferred=GRAPH_INFERRED), media_type)

