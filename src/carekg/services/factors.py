"""Implementation factors: the list and one factor's page (definition, CFIR matches, the innovations it
supports or hinders, general findings, consensus)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from pydantic import ConfigDict, Field

from carekg.ids import innovation_factor_tally, slug_of
from carekg.listed import LISTED
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.services.answer_cache import cached
from carekg.services.consensus import ConsensusFinding, factor_consensus
from carekg.services.counts import EvidenceCounts, counts_by_kind, counts_of
from carekg.services.errors import InvalidArgument, NotFound
from carekg.services.evidence import Evidence, evidence_of
from carekg.services.refs import (
    Concept,
    Counts,
    Ref,
    bare_source_ref,
    concept_of,
    concept_rows,
    factor_mappings,
    factor_rows,
    iri_of,
    placement_of,
    ref_in,
    resource_iri,
    source_ref_of,
    term_labels,
)
from carekg.services.rows import as_int, group_by, select
from carekg.services.vocabulary import code_or_none
from carekg.store.base import GraphStore, Row
from carekg.store.binding import bind_in


@dataclass(frozen=True)
class FactorSummary:
    id: Annotated[str, Field(examples=["senior-leadership-buy-in-and-support"])]
    iri: Annotated[str, Field(examples=[iri_of("factor", "senior-leadership-buy-in-and-support")])]
    label: Annotated[str, Field(examples=["Senior management and leadership buy-in and support"])]
    subdomain: Concept | None
    domain: Concept | None
    counts: Counts
    innovation_count: Annotated[int, Field(examples=[4])]


@dataclass(frozen=True)
class ConceptMatch:
    """A CFIR 2.0 concept a factor matches; ``match`` is ``close`` or ``related``."""

    concept: Concept
    match: Annotated[str, Field(examples=["close"], description="close or related (SKOS mapping)")]


#: The most findings a factor's page lists per innovation (and about innovations in general) unless asked
#: otherwise: above the curated data's largest group (6), so every curated page lists them all.
FINDINGS_PER_INNOVATION = 10
MAX_FINDINGS_PER_INNOVATION = 500
#: How many of the innovations (those with the most findings first) list their findings: every innovation
#: is counted, but a factor of 400 innovations does not list 1,400 findings on one page. Above the curated
#: data's largest (6 innovations for one factor).
INNOVATIONS_WITH_FINDINGS = 20
MAX_INNOVATIONS_WITH_FINDINGS = 500
#: How many innovations a factor's page lists (a page of them, most findings first): at 10M triples a
#: factor has findings about 4,000 innovations, and listing them all (1.6 MB) took most of the page's 0.8 s
#: cold. Above the curated data's largest (6), so every curated page lists them all.
INNOVATIONS_LIMIT = 100
MAX_INNOVATIONS_LIMIT = 500
MAX_INNOVATIONS_OFFSET = 1_000_000_000


@dataclass(frozen=True)
class FactorForInnovation:
    """An innovation's evidence on the factor: ``counts`` cover every finding, ``findings`` lists at most
    the page's ``findings_per_innovation`` of them (by IRI), ``more`` is how many are not listed and
    ``findings_url`` the GET /findings query that gives every one."""

    __pydantic_config__ = ConfigDict(json_schema_serialization_defaults_required=True)

    innovation: Ref
    effect: Annotated[str | None, Field(examples=["supports"])]
    counts: Counts
    findings: list[Evidence]
    more: Annotated[int, Field(examples=[0], description="findings about this innovation not listed")] = 0
    findings_url: Annotated[str | None, Field(
        examples=["/findings?innovation=signs-of-safety&factor=senior-leadership-buy-in-and-support"],
        description="GET /findings with this innovation and factor: every finding counted here (a broader "
                    "factor's also takes in its narrower factors' findings)")] = None


@dataclass(frozen=True)
class FactorDetail(FactorSummary):
    definition: Annotated[str | None, Field(examples=["Visible backing from directors and senior managers."])]
    scope_note: str | None
    placement: Annotated[str | None,
                         Field(examples=["curator-inference"], description="who placed it in NASSS")]
    cfir: list[ConceptMatch]
    innovations: list[FactorForInnovation]
    general_findings: Annotated[list[Evidence], Field(
        description="findings about innovations in general: at most findings_per_innovation of them")]
    general_more: Annotated[int, Field(examples=[0], description="general findings not listed")]
    consensus: list[ConsensusFinding]
    findings_per_innovation: Annotated[int, Field(examples=[FINDINGS_PER_INNOVATION], description=(
        "the most findings listed per innovation (and about innovations in general)"))]
    innovations_with_findings: Annotated[int, Field(examples=[INNOVATIONS_WITH_FINDINGS], description=(
        "how many innovations (most findings first) list findings; the others list none, their more "
        "and findings_url give them"))]
    innovations_limit: Annotated[int, Field(examples=[INNOVATIONS_LIMIT], description=(
        "the most innovations listed: innovations is a page of them, most findings first, then by label"))]
    innovations_offset: Annotated[int, Field(examples=[0], description="innovations skipped before the page")]
    innovations_more: Annotated[int, Field(examples=[0], description=(
        "innovations with findings on the factor after this page (innovation_count counts them all)"))]
    innovations_url: Annotated[str | None, Field(
        examples=["/factors/senior-leadership-buy-in-and-support?innovations_offset=100"],
        description="the next page of innovations; null on the last")]


def _factor_summary(store: GraphStore, iri: str, row: Row, counts: EvidenceCounts) -> dict:
    subdomain, domain = placement_of(store, iri)
    return dict(id=slug_of(iri), iri=iri, label=row["label"], subdomain=subdomain, domain=domain,
                counts=counts.counts, innovation_count=counts.innovations)


@cached
def list_factors(store: GraphStore) -> list[FactorSummary]:
    """Every implementation factor, by label, with its NASSS placement and evidence counts (those the
    rules materialised: no finding is read)."""
    counts = counts_by_kind(store, str(CKG.ImplementationFactor))
    return [FactorSummary(**_factor_summary(store, iri, row, counts.get(iri, EvidenceCounts())))
            for iri, row in factor_rows(store).items()]


@cached
def factor(store: GraphStore, id: str, findings_per_innovation: int = FINDINGS_PER_INNOVATION,
           innovations_with_findings: int = INNOVATIONS_WITH_FINDINGS,
           innovations_limit: int = INNOVATIONS_LIMIT, innovations_offset: int = 0) -> FactorDetail:
    """One factor: its definition, CFIR matches, a page of the innovations it supports or hinders (most
    findings first, then by label: ``innovations_limit`` after the first ``innovations_offset``;
    ``innovations_more`` and ``innovations_url`` say what is left) with the counts of every finding and at
    most ``findings_per_innovation`` of them listed each (``more`` and ``findings_url`` say what is left)
    for the first ``innovations_with_findings`` innovations of the whole order (the others list none),
    findings about innovations in general (at most ``findings_per_innovation``), and any consensus the rule
    reached on it. The counts are aggregated and the lists cut by the engine; only the page's innovations
    are read in full."""
    for name, value, least, most in (
            ("findings_per_innovation", findings_per_innovation, 0, MAX_FINDINGS_PER_INNOVATION),
            ("innovations_with_findings", innovations_with_findings, 0, MAX_INNOVATIONS_WITH_FINDINGS),
            ("innovations_limit", innovations_limit, 1, MAX_INNOVATIONS_LIMIT),
            ("innovations_offset", innovations_offset, 0, MAX_INNOVATIONS_OFFSET)):
        if not least <= value <= most:
            raise InvalidArgument(f"{name} must be between {least} and {most}; got {value}")
    iri = resource_iri("factor", id)
    row = factor_rows(store).get(iri)
    if row is None:
        raise NotFound("factor", id)
    concepts = concept_rows(store)
    cfir = [ConceptMatch(matched, match)
            for match, concept in factor_mappings(store).get(iri, [])
            if match != "broader" and (matched := concept_of(concepts, concept)) is not None]
    evidence_counts = counts_of(store, iri)
    page, innovations, total, about = _innovations_page(store, iri, innovations_offset, innovations_limit)
    tallies = _factor_tallies(store, iri, page)
    general_count = evidence_counts.counts.findings - about
    listing: dict[str | None, Counts] = {i: tallies[i] for i in page[:max(0, innovations_with_findings
                                                                           - innovations_offset)]}
    if general_count:
        listing[None] = Counts(general_count)
    listed = _listed_findings(store, iri, listing, findings_per_innovation)
    evidence = _evidence_of(store, listed, innovations)
    by_innovation = group_by(evidence, lambda e: e.innovation.iri if e.innovation else None)

    def for_innovation(innovation_iri: str, tally: Counts) -> FactorForInnovation:
        findings = by_innovation.get(innovation_iri, [])
        url = "/findings?" + urlencode({"innovation": slug_of(innovation_iri), "factor": id})
        return FactorForInnovation(ref_in(innovations, innovation_iri), tally.effect, tally, findings,
                                   tally.findings - len(findings), url)

    more = max(0, total - innovations_offset - len(page))
    asked = {"findings_per_innovation": (findings_per_innovation, FINDINGS_PER_INNOVATION),
             "innovations_with_findings": (innovations_with_findings, INNOVATIONS_WITH_FINDINGS),
             "innovations_limit": (innovations_limit, INNOVATIONS_LIMIT)}
    next_page = {name: value for name, (value, default) in asked.items() if value != default} | {
        "innovations_offset": innovations_offset + innovations_limit}
    general = [e for e in evidence if e.innovation is None]
    return FactorDetail(
        **_factor_summary(store, iri, row, evidence_counts), definition=row.get("definition"),
        scope_note=row.get("scopeNote") or None, placement=code_or_none(row.get("placement")), cfir=cfir,
        innovations=[for_innovation(innovation_iri, tallies[innovation_iri]) for innovation_iri in page],
        general_findings=general, general_more=general_count - len(general),
        consensus=factor_consensus(store, iri),
        findings_per_innovation=findings_per_innovation, innovations_with_findings=innovations_with_findings,
        innovations_limit=innovations_limit, innovations_offset=innovations_offset, innovations_more=more,
        innovations_url=f"/factors/{id}?{urlencode(next_page)}" if more else None,
    )


def _innovations_page(store: GraphStore, iri: str, offset: int, limit: int
                      ) -> tuple[list[str], dict[str, Row], int, int]:
    """The page's innovations, in the page's order (most findings on factor ``iri`` first, then by label,
    then by IRI), with their labels; how many innovations have findings on the factor, and how many
    findings those are in all. From the tallies the rules materialised, no finding read: first how many
    innovations have each number of findings (api_factor_innovation_counts.rq, nothing named), then only
    those with the numbers the page's have (api_factor_innovations.rq), so at 10M triples ~100-1,000 of a
    factor's ~4,000 innovations are named, not all with every label (~0.3 s of CPU cold)."""
    histogram = sorted(((as_int(row["findings"]) or 0, as_int(row["innovations"]) or 0)
                        for row in select(store, "api_factor_innovation_counts", factor=iri)), reverse=True)
    total, about = sum(n for _, n in histogram), sum(findings * n for findings, n in histogram)
    shown, before, seen = [], 0, 0
    for findings, n in histogram:
        if seen + n > offset and seen < offset + limit:
            shown.append(findings)
        elif seen < offset:
            before += n  # the innovations with more findings than any on the page
        seen += n
    if not shown:
        return [], {}, total, about
    findings_of = {row["innovation"]: as_int(row["findings"]) or 0 for row in select(
        store, "api_factor_innovations", factor=iri, fewest=min(shown), most=max(shown))}
    labels = {row["innovation"]: row
              for row in select(store, "api_innovation_labels", innovation=tuple(sorted(findings_of)))}
    ordered = sorted(findings_of, key=lambda i: (-findings_of[i], ref_in(labels, i).label.lower(), i))
    page = ordered[offset - before:offset - before + limit]
    return page, {i: labels[i] for i in page if i in labels}, total, about


def _factor_tallies(store: GraphStore, iri: str, innovations: list[str]) -> dict[str, Counts]:
    """Innovation IRI -> the counts of factor ``iri``'s findings about it, as the rules tallied them
    (api_factor_tallies.rq), for ``innovations`` (each with findings on it), read from their tallies by
    IRI (carekg.ids.innovation_factor_tally): bound to the innovations, the engine went through every
    tally of the factor (~0.13 s of CPU at 10M triples for a page of 100). No finding is read."""
    def counts(row: Row) -> Counts:
        return Counts(*(as_int(row.get(column)) or 0
                        for column in ("findings", "sources", "enablers", "barriers", "mixed")))

    if not innovations:
        return {}
    tallies = tuple(str(innovation_factor_tally(innovation, iri)) for innovation in innovations)
    return {row["innovation"]: counts(row) for row in select(store, "api_factor_tallies", tally=tallies)}


def _listed_findings(store: GraphStore, iri: str, tallies: dict[str | None, Counts],
                     cap: int) -> tuple[str, ...]:
    """The findings a factor's page lists: the first ``cap`` by IRI of each innovation in ``tallies``
    (up to carekg.listed.LISTED, those the rules materialised on the pairs' tallies; beyond, or on a
    store loaded before they were, from one read of the factor's findings,
    api_factor_listed_findings.rq) and, cut by the engine, the first ``cap`` it finds of the general
    findings: only the factor's own findings are read."""
    if cap == 0:
        return ()
    innovations = sorted(i for i in tallies if i is not None)
    per_innovation = _listed_on_tallies(store, iri, innovations) if cap <= LISTED else None
    if per_innovation is None and innovations:
        per_innovation = {}
        query = bind_in(load_query("api_factor_listed_findings"), "innovation", innovations)
        for row in store.select(query, {"factor": iri}):
            per_innovation.setdefault(row["innovation"], []).append(row["finding"])
    found = {finding for findings in (per_innovation or {}).values()
             for finding in sorted(set(findings))[:cap]}
    if None in tallies:
        found.update(r["finding"] for r in store.select(
            load_query("api_factor_general_findings") + f"\nLIMIT {int(cap)}", {"factor": iri}))
    return tuple(sorted(found))


def _listed_on_tallies(store: GraphStore, iri: str, innovations: list[str]) -> dict[str, list[str]] | None:
    """Innovation -> the findings about it and factor ``iri`` the rules listed on their tally
    (api_factor_listed_on_tallies.rq); None when one of ``innovations`` (each with findings) has none
    listed: a store loaded before they were materialised."""
    if not innovations:
        return {}
    listed: dict[str, list[str]] = {}
    # Bound to the tallies by IRI: bound to the innovations, the engine read every tally of the factor
    # (~70 ms of CPU at 10M triples for 20 innovations).
    tallies = tuple(str(innovation_factor_tally(innovation, iri)) for innovation in innovations)
    for row in select(store, "api_factor_listed_on_tallies", tally=tallies):
        listed.setdefault(row["innovation"], []).append(row["finding"])
    return listed if len(listed) == len(innovations) else None


def _evidence_of(store: GraphStore, findings: tuple[str, ...], innovations: dict[str, Row]) -> list[Evidence]:
    """The findings ``findings``, as evidence_about gives them, by queries bound to them and to their
    sources; their innovations named from ``innovations`` (innovation_labels)."""
    if not findings:
        return []
    labels = term_labels(store)
    rows = store.select(load_query("api_findings"), {"finding": findings})
    cited = tuple(sorted({found["source"] for found in rows}))
    sources = {found["source"]: source_ref_of(labels, found["source"], found)
               for found in store.select(load_query("api_source_refs"), {"source": cited})}
    return [evidence_of(store, labels, found,
                        ref_in(innovations, found["innovation"]) if found.get("innovation") else None,
                        sources.get(found["source"]) or bare_source_ref(found["source"])) for found in rows]
