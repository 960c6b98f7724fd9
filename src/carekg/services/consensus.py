"""The consensus rule (CQ-6, queries/consensus.rq) and the results it materialised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg.ids import GRAPH_INFERRED, slug_of
from carekg.queries import load_query
from carekg.rules import CONSENSUS_RULE, CONSENSUS_RULE_VERSION
from carekg.services.answer_cache import cached
from carekg.services.refs import Concept, Ref, factor_ref, iri_of, placement_of
from carekg.services.rows import select
from carekg.services.vocabulary import code
from carekg.store.base import GraphStore


@dataclass(frozen=True)
class ConsensusFinding:
    """That the evidence agrees on a factor in ``direction``, from ``independent_study_count`` studies."""

    id: Annotated[str, Field(examples=["senior-leadership-buy-in-and-support-enabler"])]
    iri: Annotated[str, Field(examples=[iri_of("consensus", "senior-leadership-buy-in-and-support-enabler")])]
    factor: Ref
    subdomain: Concept | None
    direction: Annotated[str, Field(examples=["enabler"])]
    independent_study_count: Annotated[int, Field(examples=[3])]


@dataclass(frozen=True)
class ConsensusRule:
    id: Annotated[str, Field(examples=["consensus-two-independent-studies"])]
    iri: Annotated[str, Field(examples=[iri_of("rule", "consensus-two-independent-studies")])]
    version: Annotated[str, Field(examples=["1.0.0"])]
    description: str


@dataclass(frozen=True)
class Consensus:
    rule: ConsensusRule
    results: list[ConsensusFinding]


def _rule_description() -> str:
    """The rule in words: the comment block that opens the rule's query."""
    comments = []
    for line in load_query("consensus").splitlines()[1:]:
        if not line.startswith("#"):
            break
        comments.append(line.lstrip("# ").strip())
    return " ".join(comments)


@cached
def consensus(store: GraphStore) -> Consensus:
    """The consensus rule (name, version, what it does) and the results it materialised in the
    inferred graph."""
    rows = select(store, "api_consensus", inferred=GRAPH_INFERRED)
    rule_iri = rows[0]["rule"] if rows else str(CONSENSUS_RULE)
    version = next((row["ruleVersion"] for row in rows if row.get("ruleVersion")), CONSENSUS_RULE_VERSION)
    results = [ConsensusFinding(slug_of(row["result"]), row["result"], factor_ref(store, row["factor"]),
                                placement_of(store, row["factor"])[0], code(row["direction"]),
                                int(row["studies"]))
               for row in rows]
    return Consensus(ConsensusRule(slug_of(rule_iri), rule_iri, version, _rule_description()), results)
