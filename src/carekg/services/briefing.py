"""A briefing per innovation: one page for a commissioner (issue 15).

What the innovation is; its strongest enablers and barriers, each with the strength of the evidence for
this innovation (findings, sources, and independent studies counted as the consensus rule counts them)
and the consensus rule's all-evidence result on the factor, with its CERQual-style confidence, or plainly
none; the implementation strategies suggested for each barrier, with their basis; the NASSS sub-domains
without evidence; the sources with their type and whether each is independent (unknown stays unknown);
the dataset version. Every query is bound to the innovation, so the cost grows with its evidence, not
with the graph. Nothing here grades evidence beyond what the rules in the graph computed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Annotated

from pydantic import Field

from carekg import confidence as confidence_rule
from carekg.consensus import CONSENSUS_RULE, CONSENSUS_RULE_VERSION, REASONS
from carekg.ids import GRAPH_INFERRED, slug_of
from carekg.services import refs
from carekg.services.answer_cache import cached
from carekg.services.consensus import RuleRef
from carekg.services.counts import innovation_tallies
from carekg.services.gaps import SubdomainGap, innovation_gaps
from carekg.services.innovations import innovation
from carekg.services.refs import Concept, Counts, Ref, SourceRef, iri_of
from carekg.services.rows import as_bool, as_int, select
from carekg.services.strategies import CAVEAT, strategies_for_factor
from carekg.services.vocabulary import code, code_or_none
from carekg.store.base import GraphStore
from carekg.uncounted import COLUMNS

#: How many enablers and how many barriers a briefing shows: the strongest, by the order in ``_strength``.
SHOWN = 5

STRENGTH_RULE = (
    "Factors are ranked by the independent studies behind their findings about this innovation, then by "
    "sources, then by findings. A study counts as the consensus rule counts it: a source's own finding "
    "from an evaluation, peer-reviewed paper, systematic review or research report whose developer flag "
    "says it is independent; two reports of one study count once.")
#: The consensus rule's reasons for not counting a finding, in words for many findings.
UNCOUNTED_REASONS = {code: many for code, (_, many) in REASONS.items()}
NO_CONSENSUS = ("no consensus result: fewer than two independent studies report this factor in this "
                "direction across all the evidence")


@dataclass(frozen=True)
class FactorConsensus:
    """The consensus rule's all-evidence result on a factor in one direction: across every innovation's
    evidence, not only this innovation's."""

    id: Annotated[str, Field(examples=["senior-leadership-buy-in-and-support-enabler"])]
    iri: Annotated[str, Field(examples=[iri_of("consensus", "senior-leadership-buy-in-and-support-enabler")])]
    independent_study_count: Annotated[int, Field(examples=[2])]
    contrary_study_count: Annotated[int, Field(examples=[0])]
    confidence: Annotated[str | None, Field(examples=["very-low"],
                                            description="high, moderate, low or very-low")]
    confidence_label: Annotated[str | None, Field(examples=["very low"])]


@dataclass(frozen=True)
class Strategy:
    """An ERIC implementation strategy suggested for a barrier, with the basis of the suggestion."""

    id: Annotated[str, Field(examples=["eric-05"])]
    iri: Annotated[str, Field(examples=[iri_of("eric", "eric-05")])]
    notation: Annotated[str, Field(examples=["ERIC-05"])]
    label: Annotated[str, Field(examples=["Audit and provide feedback"])]
    basis: Annotated[str, Field(examples=["curator-judgement"],
                                description="expert-opinion or curator-judgement")]
    basis_label: Annotated[str, Field(examples=["curator judgement"])]
    via: Annotated[str | None, Field(examples=["IV.A"],
                                     description="the CFIR 2.0 concept the match went through")]
    via_label: str | None
    rationale: str | None
    source: Annotated[str, Field(description="where the suggestion comes from, in words")]
    endorsement_percent: Annotated[int | None, Field(examples=[60])]
    evaluated_in_childrens_social_care: bool


@dataclass(frozen=True)
class BriefingFactor:
    """A factor acting in one direction for the innovation, with the strength of that evidence."""

    factor: Ref
    subdomain: Concept | None
    direction: Annotated[str, Field(examples=["barrier"], description="enabler or barrier")]
    findings: Annotated[int, Field(examples=[3])]
    sources: Annotated[int, Field(examples=[2])]
    independent_studies: Annotated[int, Field(examples=[1],
                                              description="counted as the consensus rule counts")]
    uncounted: Annotated[dict[str, int], Field(
        examples=[{"developer-authored": 1}],
        description="findings not counted as independent studies, by the consensus rule's reason")]
    consensus: Annotated[FactorConsensus | None, Field(description="null: no consensus result")]
    consensus_note: Annotated[str, Field(description="the consensus result, or its absence, in words")]
    strategies: Annotated[list[Strategy], Field(description="suggested for barriers; empty for enablers")]


@dataclass(frozen=True)
class BriefingSource:
    """A source about the innovation: its type, and whether it is independent of the developer."""

    source: SourceRef
    source_type: Annotated[str | None, Field(examples=["evaluation-report"])]
    source_type_label: Annotated[str | None, Field(examples=["evaluation"])]
    independent: Annotated[bool | None,
                           Field(description="null: the source's developer flag is empty (unknown)")]
    independence: Annotated[str, Field(examples=["independent"],
                                       description="independent, developer-authored or unknown")]
    independence_basis: str | None


@dataclass(frozen=True)
class Briefing:
    """One innovation for a commissioner: what it is, the strongest enablers and barriers and how strong
    their evidence is, strategies for the barriers, the gaps, the sources and the dataset version."""

    innovation: Ref
    kind_label: Annotated[str | None, Field(examples=["practice framework"])]
    description: str | None
    origin: str | None
    counts: Counts
    factor_count: Annotated[int, Field(examples=[20])]
    strength_rule: str
    consensus_rule: RuleRef
    confidence_rule: RuleRef
    enablers: Annotated[list[BriefingFactor], Field(description=f"the {SHOWN} strongest")]
    enablers_not_shown: Annotated[int, Field(examples=[4])]
    barriers: Annotated[list[BriefingFactor], Field(description=f"the {SHOWN} strongest")]
    barriers_not_shown: Annotated[int, Field(examples=[0])]
    strategy_caveat: str
    evidenced_subdomains: Annotated[int, Field(examples=[11])]
    gaps: Annotated[list[SubdomainGap], Field(description="NASSS sub-domains without any finding")]
    sources: list[BriefingSource]
    dataset_version: Annotated[str | None, Field(examples=["5a80447b9159d671"])]
    produced_on: Annotated[str, Field(
        examples=["2026-12-07"], description="the date this briefing was produced from that version (UTC)")]


def _consensus(store: GraphStore, iri: str) -> dict[tuple[str, str], FactorConsensus]:
    labels = refs.term_labels(store)
    results = {}
    for row in select(store, "briefing_consensus", innovation=iri, inferred=GRAPH_INFERRED):
        level = row.get("level")
        results[(row["factor"], code(row["direction"]))] = FactorConsensus(
            slug_of(row["result"]), row["result"], int(row["studies"]), int(row.get("contrary") or 0),
            code_or_none(level), refs.label_of(labels, level))
    return results


def _consensus_note(result: FactorConsensus | None) -> str:
    if result is None:
        return NO_CONSENSUS
    studies = f"{result.independent_study_count} independent studies across all the evidence"
    contrary = f", {result.contrary_study_count} contrary" if result.contrary_study_count else ""
    level = f"{result.confidence_label} confidence" if result.confidence_label else "confidence not assessed"
    return f"consensus: {studies}{contrary}; {level} (CERQual-style)"


def _strategies(store: GraphStore, factor_iri: str) -> list[Strategy]:
    return [Strategy(slug_of(s["strategy"]), s["strategy"], s["notation"], s["label"], s["basis"],
                     s["basis_label"], s["via_notation"], s["via_label"], s["rationale"], s["source"],
                     s["endorsement_percent"], s["evaluated_in_childrens_social_care"])
            for s in strategies_for_factor(store, factor_iri)]


def _strength(item: BriefingFactor) -> tuple:
    return (-item.independent_studies, -item.sources, -item.findings, item.factor.label.lower())


def _factors(store: GraphStore, iri: str) -> dict[str, list[BriefingFactor]]:
    """The innovation's enabler and barrier factors, each direction strongest first, from the tallies the
    rules materialised (carekg.tallies): no finding is read or counted. ``uncounted`` is left empty: only
    the factors shown are asked why (:func:`_with_uncounted`)."""
    consensus = _consensus(store, iri)
    by_direction: dict[str, list[BriefingFactor]] = {"enabler": [], "barrier": []}
    for factor_iri, tally in innovation_tallies(store, iri).items():
        for direction, items in by_direction.items():
            counts = tally.of_direction(direction)
            if not counts.findings:
                continue
            result = consensus.get((factor_iri, direction))
            items.append(BriefingFactor(
                refs.factor_ref(store, factor_iri), refs.placement_of(store, factor_iri)[0], direction,
                counts.findings, counts.sources, tally.studies[direction], {}, result,
                _consensus_note(result), []))
    for items in by_direction.values():
        items.sort(key=_strength)
    return by_direction


def _with_uncounted(store: GraphStore, iri: str, shown: list[BriefingFactor]) -> list[BriefingFactor]:
    """The factors ``shown`` with their findings the consensus rule does not count, by reason: the counts
    the rules materialised (carekg.uncounted), read by one query bound to the innovation and those
    factors (briefing_uncounted.rq); no finding is read."""
    if not shown:
        return shown
    factors = tuple(sorted({item.factor.iri for item in shown}))
    rows = {row["factor"]: row for row in select(store, "briefing_uncounted", innovation=iri, factor=factors)}

    def reasons(item: BriefingFactor) -> dict[str, int]:
        row = rows.get(item.factor.iri, {})
        return {reason: found for reason in REASONS
                if (found := as_int(row.get(COLUMNS[(item.direction, reason)])))}

    return [replace(item, uncounted=reasons(item)) for item in shown]


def _with_strategies(store: GraphStore, barrier: BriefingFactor) -> BriefingFactor:
    return replace(barrier, strategies=_strategies(store, barrier.factor.iri))


def _sources(store: GraphStore, cited: list[SourceRef]) -> list[BriefingSource]:
    labels = refs.term_labels(store)
    listed = tuple(source.iri for source in cited)
    rows = {row["source"]: row for row in select(store, "briefing_sources", source=listed)} if listed else {}
    sources = []
    for source in cited:
        row = rows.get(source.iri, {})
        developer = as_bool(row.get("developerAuthored"))
        independence = {None: "unknown", True: "developer-authored", False: "independent"}[developer]
        sources.append(BriefingSource(source, code_or_none(row.get("sourceType")),
                                      refs.label_of(labels, row.get("sourceType")),
                                      None if developer is None else not developer, independence,
                                      row.get("developerAuthoredBasis")))
    return sources


def _rule(iri: str, version: str) -> RuleRef:
    return RuleRef(slug_of(iri), iri, version)


@cached
def briefing(store: GraphStore, id: str) -> Briefing:
    """The briefing on innovation ``id``; NotFound for an unknown id. The strongest ``SHOWN`` enablers and
    barriers (by STRENGTH_RULE), each with its consensus result or a plain note that there is none; the
    strategies suggested for each barrier shown."""
    detail = innovation(store, id)
    factors = _factors(store, detail.iri)
    enablers, barriers = factors["enabler"], factors["barrier"]
    shown = _with_uncounted(store, detail.iri, enablers[:SHOWN] + barriers[:SHOWN])
    gaps = innovation_gaps(store, detail.iri, detail.label)
    return Briefing(
        innovation=Ref(detail.id, detail.iri, detail.label), kind_label=detail.kind_label,
        description=detail.description, origin=detail.origin, counts=detail.counts,
        factor_count=detail.factor_count, strength_rule=STRENGTH_RULE,
        consensus_rule=_rule(str(CONSENSUS_RULE), CONSENSUS_RULE_VERSION),
        confidence_rule=_rule(str(confidence_rule.CONFIDENCE_RULE), confidence_rule.CONFIDENCE_RULE_VERSION),
        enablers=[item for item in shown if item.direction == "enabler"],
        enablers_not_shown=max(0, len(enablers) - SHOWN),
        barriers=[_with_strategies(store, item) for item in shown if item.direction == "barrier"],
        barriers_not_shown=max(0, len(barriers) - SHOWN), strategy_caveat=CAVEAT,
        evidenced_subdomains=gaps.evidenced_subdomains, gaps=gaps.missing,
        sources=_sources(store, detail.sources),
        dataset_version=store.dataset_version(), produced_on=datetime.now(UTC).date().isoformat(),
    )
