"""An innovation's profile in CFIR 2.0 terms: the same findings as the NASSS profile, grouped by CFIR
domain and construct through the NASSS-CFIR crosswalk (each factor's close and related matches,
curation/factors.csv), with the factors the crosswalk does not reach kept in a group of their own.

A factor may match several CFIR concepts, so a finding can sit under several constructs (and domains);
each construct and domain counts its distinct findings, and the profile's own counts are those of the
findings once each, as in the NASSS profile. A match to a sub-construct (III.A.2) is listed under its
construct (III.A), naming the sub-construct it matches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from carekg.namespaces import CKG
from carekg.services.answer_cache import cached
from carekg.services.errors import InvalidArgument
from carekg.services.innovations import (
    FINDINGS_PER_FACTOR,
    FactorEvidence,
    FindingsPerFactorField,
    check_findings_per_factor,
    factor_pages,
)
from carekg.services.refs import (
    Concept,
    Counts,
    Ref,
    concept_examples,
    concept_of,
    concept_rows,
    factor_mappings,
)
from carekg.services.rows import notation_key
from carekg.store.base import GraphStore

#: The frameworks a profile can be grouped by; ``nasss`` is the default.
FRAMEWORKS = ("nasss", "cfir")
NOT_MAPPED_LABEL = "Not mapped to CFIR 2.0"
_CFIR_LEVELS = (str(CKG.CfirDomain), str(CKG.CfirConstruct), str(CKG.CfirSubconstruct))


@dataclass(frozen=True, kw_only=True)
class CfirFactorEvidence(FactorEvidence):
    """A factor's evidence (FactorEvidence: its counts, at most the profile's ``findings_per_factor``
    findings, ``more`` and ``findings_url`` for the rest) under a CFIR construct through one crosswalk
    mapping."""

    match: Annotated[Literal["close", "related"],
                     Field(examples=["close"], description="the crosswalk's match: close or related")]
    concept: Annotated[Concept, Field(description="the CFIR concept matched: the construct or one of "
                                                  "its sub-constructs")]


@dataclass(frozen=True)
class CfirConstructProfile(Concept):
    """A CFIR 2.0 construct (``code`` e.g. ``III.K``) with the factors mapped to it or its sub-constructs."""

    __pydantic_config__ = concept_examples("cfir", "iii-a", "III.A", "Structural Characteristics")
    counts: Counts
    factors: list[CfirFactorEvidence]


@dataclass(frozen=True)
class CfirDomainProfile(Concept):
    """A CFIR 2.0 domain (``code`` ``I`` to ``V``) with its constructs that have findings."""

    __pydantic_config__ = concept_examples("cfir", "iii", "III", "Inner Setting")
    counts: Counts
    constructs: list[CfirConstructProfile]


@dataclass(frozen=True)
class NotMappedToCfir:
    """The findings on factors that the crosswalk maps to no CFIR concept."""

    label: Annotated[str, Field(examples=[NOT_MAPPED_LABEL])]
    counts: Counts
    factors: list[FactorEvidence]


@dataclass(frozen=True)
class CfirProfile:
    """An innovation's factors grouped by CFIR 2.0 domain and construct, each with its findings."""

    innovation: Ref
    framework: Annotated[Literal["cfir"], Field(examples=["cfir"])]
    filters: Annotated[dict[str, str], Field(examples=[{"direction": "barrier", "domain": "III"}])]
    counts: Counts
    factor_count: Annotated[int, Field(examples=[20])]
    domains: list[CfirDomainProfile]
    not_mapped: NotMappedToCfir
    findings_per_factor: FindingsPerFactorField


def _cfir_scope(store: GraphStore, domain: str | None) -> str | None:
    """The IRI of the CFIR concept whose code is ``domain`` (any case); None for no domain filter."""
    if domain is None:
        return None
    for iri, row in concept_rows(store).items():
        if row["level"] in _CFIR_LEVELS and row.get("notation", "").upper() == domain.upper():
            return iri
    raise InvalidArgument(f"with framework=cfir, domain must be a CFIR 2.0 domain (I-V), construct (e.g. "
                          f"III.K, IV.R.A) or sub-construct code (e.g. III.A.2); got {domain!r}")


def _lineage(store: GraphStore, concept_iri: str) -> list[str]:
    """The concept and its broader concepts up to its CFIR domain, narrowest first."""
    concepts = concept_rows(store)
    chain = []
    current: str | None = concept_iri
    while current in concepts and current not in chain:
        chain.append(current)
        current = concepts[current].get("broader")
    return chain


def cfir_mappings(store: GraphStore, factor_iri: str, scope: str | None) -> list[tuple[str, str]]:
    """The factor's (match, CFIR concept IRI) pairs, only those within ``scope`` when it is given."""
    return [(match, concept) for match, concept in factor_mappings(store).get(factor_iri, [])
            if match in ("close", "related") and (scope is None or scope in _lineage(store, concept))]


@cached
def innovation_cfir_profile(store: GraphStore, id: str, direction: str | None = None,
                            domain: str | None = None, provenance: str | None = None,
                            design: str | None = None,
                            findings_per_factor: int = FINDINGS_PER_FACTOR) -> CfirProfile:
    """The innovation's findings grouped by CFIR 2.0 domain and construct (filters and
    ``findings_per_factor`` as for innovation_profile; ``domain`` is a CFIR domain, construct or
    sub-construct code and keeps the findings whose factors match a concept within it, and only those
    mappings). As the NASSS profile, the counts are the rules' tallies (or, filtered, aggregated by the
    engine) and at most
    ``findings_per_factor`` findings read per factor; the crosswalk and the concept tree are the
    ontology's, cached per version."""
    check_findings_per_factor(findings_per_factor)
    scope = _cfir_scope(store, domain)
    pages = factor_pages(store, id,
                         lambda factor_iri: scope is None or bool(cfir_mappings(store, factor_iri, scope)),
                         direction, domain, provenance, design, findings_per_factor)
    concepts = concept_rows(store)
    # construct IRI -> (factor's evidence, match, matched concept IRI) for every mapping in scope
    placed: dict[str, list[tuple[FactorEvidence, str, str]]] = defaultdict(list)
    not_mapped = []
    for factor_iri in pages.counts:
        listed = pages.listed(factor_iri)
        factor_mappings_in_scope = cfir_mappings(store, factor_iri, scope)
        if not factor_mappings_in_scope:
            not_mapped.append(listed)
        for match, concept_iri in factor_mappings_in_scope:
            lineage = _lineage(store, concept_iri)
            construct = lineage[-2] if len(lineage) > 1 else lineage[-1]
            placed[construct].append((listed, match, concept_iri))

    def counts_of_factors(factor_iris: Iterable[str]) -> Counts:
        """Each factor once: a factor mapped to a construct and its sub-construct sits there twice."""
        return pages.counted(factor_iris)

    constructs_by_domain: dict[str, list[CfirConstructProfile]] = defaultdict(list)
    for construct_iri, construct_mappings in placed.items():
        factors = []
        for f, match, concept_iri in construct_mappings:
            matched = concept_of(concepts, concept_iri)
            assert matched is not None  # placed only from concepts in the tree
            factors.append(CfirFactorEvidence(**vars(f), match="close" if match == "close" else "related",
                                              concept=matched))
        factors.sort(key=lambda f: (f.match != "close", -f.counts.findings, f.factor.label.lower()))
        head = concept_of(concepts, construct_iri)
        assert head is not None
        constructs_by_domain[_lineage(store, construct_iri)[-1]].append(CfirConstructProfile(
            head.id, head.iri, head.code, head.label, counts_of_factors(f.factor.iri for f in factors),
            factors))
    domains = []
    for domain_iri, constructs in constructs_by_domain.items():
        top = concept_of(concepts, domain_iri)
        assert top is not None
        constructs.sort(key=lambda c: notation_key(c.code))
        domains.append(CfirDomainProfile(
            top.id, top.iri, top.code, top.label,
            counts_of_factors(f.factor.iri for c in constructs for f in c.factors), constructs))
    domains.sort(key=lambda d: notation_key(d.code))
    not_mapped.sort(key=lambda f: (-f.counts.findings, f.factor.label.lower()))
    return CfirProfile(pages.innovation, "cfir", pages.filters, counts_of_factors(pages.counts),
                       len(pages.counts), domains,
                       NotMappedToCfir(NOT_MAPPED_LABEL, counts_of_factors(f.factor.iri for f in not_mapped),
                                       not_mapped), findings_per_factor)
