"""Evidence gaps: per innovation, the NASSS sub-domains without findings (CQ-4)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg.ids import slug_of
from carekg.namespaces import CKG
from carekg.services.answer_cache import cached
from carekg.services.refs import Concept, Ref, concept_examples, concept_rows, innovation_rows
from carekg.services.rows import as_bool, as_int, select, select_page
from carekg.store.base import GraphStore, Row


@dataclass(frozen=True)
class SubdomainGap(Concept):
    """A NASSS sub-domain an innovation has no findings in."""

    __pydantic_config__ = concept_examples("nasss", "7a", "7A", "Scope for adaptation over time")

    covered_by_review: bool | None


@dataclass(frozen=True)
class InnovationGaps:
    innovation: Ref
    evidenced_subdomains: Annotated[int, Field(examples=[11])]
    missing: list[SubdomainGap]


@cached
def _nasss_subdomains(store: GraphStore) -> list[Row]:
    """The NASSS sub-domains a gap can be in (those with notation, label and review coverage), by notation."""
    rows = [row for row in concept_rows(store).values() if row["level"] == str(CKG.NasssSubdomain)
            and "notation" in row and "coveredByReview" in row]
    return sorted(rows, key=lambda row: row["notation"])


def _innovation_gaps(store: GraphStore, iri: str, label: str, evidenced: set[str]) -> InnovationGaps:
    """One innovation's gaps: the sub-domains its findings do not reach (``evidenced``); the same as
    subdomains_without_evidence.rq for that innovation."""
    total = sum(1 for row in concept_rows(store).values() if row["level"] == str(CKG.NasssSubdomain))
    missing = [SubdomainGap(slug_of(r["concept"]), r["concept"], r["notation"], r["label"],
                            as_bool(r.get("coveredByReview")))
               for r in _nasss_subdomains(store) if r["concept"] not in evidenced]
    return InnovationGaps(Ref(slug_of(iri), iri, label), total - len(missing), missing)


@cached
def innovation_gaps(store: GraphStore, iri: str, label: str) -> InnovationGaps:
    """One innovation's gaps, from the sub-domains the rules materialised for it (ckg:hasEvidenceIn)."""
    evidenced = {row["subdomain"] for row in select(store, "api_innovation_subdomains", innovation=iri)}
    return _innovation_gaps(store, iri, label, evidenced)


@cached
def gaps(store: GraphStore) -> list[InnovationGaps]:
    """Per innovation, the NASSS sub-domains with no evidence at all (CQ-4), from the sub-domains the
    rules materialised for every innovation (ckg:hasEvidenceIn)."""
    evidenced: dict[str, set[str]] = defaultdict(set)
    for row in select(store, "api_innovation_subdomains"):
        evidenced[row["innovation"]].add(row["subdomain"])
    return [_innovation_gaps(store, iri, row["label"], evidenced[iri])
            for iri, row in innovation_rows(store).items()]


@cached
def gaps_page(store: GraphStore, limit: int, offset: int) -> tuple[list[InnovationGaps], int]:
    """A page of gaps (``limit`` innovations after the first ``offset``, in the order of gaps) and how
    many innovations there are: the engine sorts and cuts the page and reads the sub-domains the rules
    materialised for it (ckg:hasEvidenceIn)."""
    labels: dict[str, str] = {}
    evidenced: dict[str, set[str]] = defaultdict(set)
    for row in select_page(store, "api_innovation_subdomains_page", limit, offset):
        labels[row["innovation"]] = row["label"]
        if row.get("subdomain"):
            evidenced[row["innovation"]].add(row["subdomain"])
    total = as_int(select(store, "api_innovation_count")[0].get("count")) or 0
    return [_innovation_gaps(store, iri, label, evidenced[iri]) for iri, label in labels.items()], total
