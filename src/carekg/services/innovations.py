"""Innovations: the list, one innovation's page and its profile (its factors by NASSS domain and
sub-domain, with findings and filters)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from carekg.ids import slug_of
from carekg.namespaces import CKG
from carekg.services.answer_cache import cached
from carekg.services.counts import EvidenceCounts, counts_by_kind
from carekg.services.errors import InvalidArgument, NotFound, check_choice
from carekg.services.evidence import Evidence, Involvement, evidence_of, involvements_of
from carekg.services.refs import (
    Concept,
    Counts,
    Ref,
    SourceRef,
    bare_source_ref,
    concept_rows,
    innovation_rows,
    iri_of,
    label_of,
    one_source_ref,
    placement_of,
    resource_iri,
    source_ref_of,
    term_labels,
)
from carekg.services.rows import notation_key, select
from carekg.services.sources import newest_first
from carekg.services.vocabulary import DESIGNS, DIRECTIONS, PROVENANCE_KINDS, code_or_none
from carekg.store.base import GraphStore, Row


@dataclass(frozen=True)
class FactorEvidence:
    factor: Ref
    effect: Annotated[str | None, Field(examples=["supports"], description="supports, hinders or both")]
    counts: Counts
    findings: list[Evidence]


@dataclass(frozen=True)
class SubdomainProfile:
    id: Annotated[str, Field(examples=["5b"])]
    iri: Annotated[str, Field(examples=[iri_of("nasss", "5b")])]
    code: Annotated[str, Field(examples=["5B"])]
    label: Annotated[str, Field(examples=["Readiness for this technology/change"])]
    counts: Counts
    factors: list[FactorEvidence]


@dataclass(frozen=True)
class DomainProfile:
    id: Annotated[str, Field(examples=["5"])]
    iri: Annotated[str, Field(examples=[iri_of("nasss", "5")])]
    code: Annotated[str, Field(examples=["5"])]
    label: Annotated[str, Field(examples=["The organization(s)"])]
    counts: Counts
    subdomains: list[SubdomainProfile]


@dataclass(frozen=True)
class InnovationProfile:
    """An innovation's factors grouped by NASSS domain and sub-domain, each with its findings."""

    innovation: Ref
    filters: Annotated[dict[str, str], Field(examples=[{"direction": "barrier", "domain": "5"}])]
    counts: Counts
    factor_count: Annotated[int, Field(examples=[20])]
    domains: list[DomainProfile]


@dataclass(frozen=True)
class InnovationSummary:
    id: Annotated[str, Field(examples=["signs-of-safety"])]
    iri: Annotated[str, Field(examples=[iri_of("innovation", "signs-of-safety")])]
    label: Annotated[str, Field(examples=["Signs of Safety"])]
    abbreviation: Annotated[str | None, Field(examples=["SoS"])]
    kind: Annotated[str | None, Field(examples=["practice-framework"])]
    kind_label: Annotated[str | None, Field(examples=["practice framework"])]
    counts: Counts
    factor_count: Annotated[int, Field(examples=[20])]


@dataclass(frozen=True)
class InnovationDetail(InnovationSummary):
    description: Annotated[str | None,
                           Field(examples=["Strengths-based child protection casework framework."])]
    origin: Annotated[str | None, Field(examples=["Developed in Western Australia in the 1990s."])]
    claim_kind: Annotated[str | None, Field(examples=["source-study"])]
    involvements: list[Involvement]
    sources: list[SourceRef]


def _innovation_summary(store: GraphStore, iri: str, row: Row, counts: Counts, factor_count: int) -> dict:
    return dict(id=slug_of(iri), iri=iri, label=row["label"], abbreviation=row.get("abbreviation"),
                kind=code_or_none(row.get("kind")), kind_label=label_of(term_labels(store), row.get("kind")),
                counts=counts, factor_count=factor_count)


@cached
def list_innovations(store: GraphStore) -> list[InnovationSummary]:
    """Every innovation, by label, with how much evidence it has (the counts the rules materialised:
    no finding is read)."""
    counts = counts_by_kind(store, str(CKG.Innovation))
    summaries = []
    for iri, row in innovation_rows(store).items():
        found = counts.get(iri, EvidenceCounts())
        summary = _innovation_summary(store, iri, row, found.counts, found.factors)
        summaries.append(InnovationSummary(**summary))
    return summaries


def innovation_row(store: GraphStore, id: str) -> tuple[str, Row]:
    iri = resource_iri("innovation", id)
    row = innovation_rows(store).get(iri)
    if row is None:
        raise NotFound("innovation", id)
    return iri, row


@cached
def innovation(store: GraphStore, id: str) -> InnovationDetail:
    """One innovation: what it is, who is involved in what role, and the sources about it. Every query
    is bound to the innovation, so the cost grows with its evidence, not with the graph."""
    iri, row = one_innovation_row(store, id)
    evidence = innovation_evidence(store, iri, row["label"])
    sources = {e.source.iri: e.source for e in evidence}
    for link in select(store, "api_source_links", target=iri):
        if link["relation"] == str(CKG.studies) and link["source"] not in sources:
            sources[link["source"]] = one_source_ref(store, link["source"])
    return InnovationDetail(
        **_innovation_summary(store, iri, row, Counts.of(evidence), len({e.factor.iri for e in evidence})),
        description=row.get("description"),
        origin=row.get("origin"), claim_kind=code_or_none(row.get("claimKind")),
        involvements=involvements_of(store, select(store, "api_involvements", innovation=iri)),
        sources=sorted(sources.values(), key=newest_first),
    )


Placement = Callable[[Concept | None, Concept | None], bool]


def _domain_matcher(store: GraphStore, domain: str | None) -> Placement:
    """A test on (sub-domain, domain) for a NASSS domain code (``5``) or sub-domain code (``5B``)."""
    if domain is None:
        return lambda subdomain, dom: True
    wanted = domain.upper()
    nasss_levels = (str(CKG.NasssDomain), str(CKG.NasssSubdomain))
    codes = {row.get("notation") for row in concept_rows(store).values() if row["level"] in nasss_levels}
    if wanted not in codes:
        raise InvalidArgument(f"domain must be a NASSS domain (1-7) or sub-domain code (e.g. 5B); "
                              f"got {domain!r}")
    return lambda subdomain, dom: wanted in {subdomain.code if subdomain else None, dom.code if dom else None}


def _group_by_placement(store: GraphStore, evidence: list[Evidence]) -> list[DomainProfile]:
    """Findings grouped by NASSS domain, sub-domain and factor, in notation order."""
    tree: dict[str, dict[str, dict[str, list[Evidence]]]] = defaultdict(lambda: defaultdict(dict))
    concepts: dict[str, Concept] = {}
    for item in evidence:
        subdomain, domain = placement_of(store, item.factor.iri)
        if subdomain is None or domain is None:
            continue
        concepts[subdomain.iri], concepts[domain.iri] = subdomain, domain
        tree[domain.iri][subdomain.iri].setdefault(item.factor.iri, []).append(item)

    def in_notation_order(groups: dict) -> list:
        return sorted(groups.items(), key=lambda group: notation_key(concepts[group[0]].code))

    domains = []
    for domain_iri, subdomains in in_notation_order(tree):
        subdomain_profiles = []
        for subdomain_iri, factors in in_notation_order(subdomains):
            factor_evidence = sorted(
                (FactorEvidence(items[0].factor, Counts.of(items).effect, Counts.of(items), items)
                 for items in factors.values()),
                key=lambda f: (-f.counts.findings, f.factor.label.lower()))
            sub = concepts[subdomain_iri]
            counts = Counts.of(e for f in factor_evidence for e in f.findings)
            subdomain_profiles.append(
                SubdomainProfile(sub.id, sub.iri, sub.code, sub.label, counts, factor_evidence))
        dom = concepts[domain_iri]
        counts = Counts.of(e for s in subdomain_profiles for f in s.factors for e in f.findings)
        domains.append(DomainProfile(dom.id, dom.iri, dom.code, dom.label, counts, subdomain_profiles))
    return domains


def one_innovation_row(store: GraphStore, id: str) -> tuple[str, Row]:
    """As innovation_row, by one bound query instead of the table of every innovation."""
    iri = resource_iri("innovation", id)
    rows = select(store, "api_innovation", innovation=iri)
    if not rows or "label" not in rows[0]:
        raise NotFound("innovation", id)
    return iri, rows[0]


def innovation_evidence(store: GraphStore, iri: str, label: str) -> list[Evidence]:
    """The findings about one innovation, as all_evidence has them, by two queries bound
    to the innovation: their cost grows with its findings, not with the graph."""
    labels = term_labels(store)
    sources = {row["source"]: source_ref_of(labels, row["source"], row)
               for row in select(store, "api_innovation_sources", innovation=iri)}
    innovation_ref = Ref(slug_of(iri), iri, label)
    evidence = []
    for row in select(store, "api_innovation_findings", innovation=iri):
        source = sources.get(row["source"]) or bare_source_ref(row["source"])
        evidence.append(evidence_of(store, labels, row, innovation_ref, source))
    return evidence


@cached
def innovation_profile(store: GraphStore, id: str, direction: str | None = None, domain: str | None = None,
                       provenance: str | None = None, design: str | None = None) -> InnovationProfile:
    """The factors that support, hinder or both for an innovation, grouped by NASSS domain and
    sub-domain, each with its findings; optionally only the findings of one direction, NASSS domain
    or sub-domain, provenance kind or source design (codes as in DIRECTIONS, PROVENANCE_KINDS, DESIGNS).
    Only the innovation's own findings are read (queries bound to it), never the whole table."""
    in_domain = _domain_matcher(store, domain)
    innovation_ref, evidence, filters = filtered_evidence(
        store, id, lambda factor_iri: in_domain(*placement_of(store, factor_iri)),
        direction=direction, domain=domain, provenance=provenance, design=design)
    return InnovationProfile(innovation_ref, filters, Counts.of(evidence),
                             len({e.factor.iri for e in evidence}), _group_by_placement(store, evidence))


def filtered_evidence(store: GraphStore, id: str, factor_in_domain: Callable[[str], bool],
                      direction: str | None, domain: str | None, provenance: str | None,
                      design: str | None) -> tuple[Ref, list[Evidence], dict[str, str]]:
    """The innovation, its findings that pass the filters (the domain test is the framework's, on the
    finding's factor IRI), and the filters given: what every framework's profile starts from."""
    iri, row = one_innovation_row(store, id)
    check_choice("direction", direction, DIRECTIONS)
    check_choice("provenance", provenance, PROVENANCE_KINDS)
    check_choice("design", design, DESIGNS)
    evidence = [
        e for e in innovation_evidence(store, iri, row["label"])
        if direction in (None, e.direction) and provenance in (None, e.provenance)
        and design in (None, e.source.design) and factor_in_domain(e.factor.iri)
    ]
    chosen = (("direction", direction), ("domain", domain), ("provenance", provenance), ("design", design))
    return (Ref(id, iri, row["label"]), evidence,
            {name: value for name, value in chosen if value is not None})
