"""Innovations: the list, one innovation's page and its profile (its factors by NASSS domain and
sub-domain, with findings and filters)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from pydantic import ConfigDict, Field

from carekg.ids import slug_of
from carekg.listed import LISTED
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.services.answer_cache import cached
from carekg.services.counts import (
    EvidenceCounts,
    Tally,
    counts_of,
    counts_of_each,
    innovation_tallies,
)
from carekg.services.errors import InvalidArgument, NotFound, check_choice
from carekg.services.evidence import Evidence, Involvement, evidence_of, involvements_of
from carekg.services.findings import kept_lines
from carekg.services.refs import (
    Concept,
    Counts,
    Ref,
    SourceRef,
    bare_source_ref,
    by_label,
    cited_source_refs,
    concept_examples,
    concept_rows,
    factor_ref,
    innovation_labels,
    iri_of,
    label_of,
    one_source_ref,
    placement_of,
    resource_iri,
    source_ref_of,
    term_labels,
)
from carekg.services.rows import as_int, notation_key, select, select_page
from carekg.services.sources import newest_first
from carekg.services.vocabulary import DESIGNS, DIRECTIONS, PROVENANCE_KINDS, code, code_or_none
from carekg.store.base import GraphStore, Row, Value
from carekg.tallies import distinct_sources

#: The most findings a profile lists per factor unless asked otherwise: above the curated data's largest
#: (6 findings of one innovation about one factor), so every curated profile lists them all; a generated
#: innovation with thousands of findings lists a page's worth per factor and links the rest.
FINDINGS_PER_FACTOR = 10
#: Below this many findings an innovation's per-factor pages start from its findings, not the factor's:
#: a factor has ~1,800 findings at 1M, and 52 factor-first pages cost a light innovation 400-800 ms.
LIGHT_INNOVATION = 1_000
#: The most sources an innovation's page lists (newest first): above the curated data's largest (22), so
#: every curated page lists them all; a generated innovation citing 8,800 sources lists the newest 50.
SOURCES_LISTED = 50
MAX_SOURCES_LISTED = 500
#: The most a caller may ask for per factor (a page of GET /findings holds at most as many).
MAX_FINDINGS_PER_FACTOR = 500
#: Above this many listed findings a profile describes them in two halves at once: the engine evaluates
#: each half's queries on its own core (pyoxigraph lets go of the GIL meanwhile), and the heaviest
#: innovation's 520 findings and their ~500 sources were most of its profile's time at 1M.
DESCRIBED_WHOLE = 100


#: A factor's findings not listed in a profile, and the query listing every one (both frameworks').
MoreFindings = Annotated[int, Field(examples=[0], description="findings of this factor not listed")]
FindingsUrl = Annotated[str | None, Field(
    examples=["/findings?innovation=signs-of-safety&factor=senior-leadership-buy-in-and-support"],
    description="GET /findings with this innovation, factor and filters: every finding counted here "
                "(a broader factor's also takes in its narrower factors' findings)")]
#: The profile's own field saying how many findings it lists per factor.
FindingsPerFactorField = Annotated[int, Field(examples=[FINDINGS_PER_FACTOR], description=(
    "the most findings listed per factor; each factor's more and findings_url give the rest"))]


@dataclass(frozen=True)
class FactorEvidence:
    """A factor's evidence: its counts cover every finding; ``findings`` lists the first of them (by IRI
    when the profile is unfiltered; filtered, the first the store finds), at most the profile's
    ``findings_per_factor``; ``more`` says how many are not listed, and
    ``findings_url`` is the GET /findings query that gives them all."""

    # Always present in an answer, so required in the response schema despite the defaults.
    __pydantic_config__ = ConfigDict(json_schema_serialization_defaults_required=True)

    factor: Ref
    effect: Annotated[str | None, Field(examples=["supports"], description="supports, hinders or both")]
    counts: Counts
    findings: list[Evidence]
    more: MoreFindings = 0
    findings_url: FindingsUrl = None


@dataclass(frozen=True)
class SubdomainProfile(Concept):
    """A NASSS sub-domain (``code`` e.g. ``5B``) with the factors placed in it that have findings."""

    counts: Counts
    factors: list[FactorEvidence]


@dataclass(frozen=True)
class DomainProfile(Concept):
    """A NASSS domain (``code`` ``1`` to ``7``) with its sub-domains that have findings."""

    __pydantic_config__ = concept_examples("nasss", "5", "5", "The organization(s)")
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
    findings_per_factor: FindingsPerFactorField


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
    sources: Annotated[list[SourceRef], Field(description=(
        "the sources its findings cite, newest first, at most sources_listed of them, and the sources "
        "stated to study it"))]
    more_sources: Annotated[int, Field(examples=[0], description=(
        "sources its findings cite that are not listed (GET /findings?innovation=... gives every finding "
        "with its source)"))]
    sources_listed: Annotated[int, Field(examples=[50], description="the most cited sources listed")]


def _innovation_summary(store: GraphStore, iri: str, row: Row, counts: Counts, factor_count: int) -> dict:
    return dict(id=slug_of(iri), iri=iri, label=row["label"], abbreviation=row.get("abbreviation"),
                kind=code_or_none(row.get("kind")), kind_label=label_of(term_labels(store), row.get("kind")),
                counts=counts, factor_count=factor_count)


@cached
def innovations_page(store: GraphStore, limit: int | None, offset: int
                     ) -> tuple[list[InnovationSummary], int]:
    """A page of the innovations by label (``limit`` after the first ``offset``; every one with
    ``limit=None``) and how many there are in all, with how much evidence each has: the innovations'
    labels are sorted (the table every reference reads, innovation_labels), then only the page's
    innovations are described and their counts read (those the rules materialised: no finding is
    read), by queries bound to them."""
    ranked = by_label(innovation_labels(store))
    page = tuple(ranked[offset:] if limit is None else ranked[offset:offset + limit])
    rows = {row["innovation"]: row
            for row in select(store, "api_innovation", innovation=page)} if page else {}
    counts = counts_of_each(store, page)
    summaries = []
    for iri in page:
        found = counts.get(iri, EvidenceCounts())
        summaries.append(InnovationSummary(**_innovation_summary(store, iri, rows[iri], found.counts,
                                                                 found.factors)))
    return summaries, len(ranked)


def list_innovations(store: GraphStore) -> list[InnovationSummary]:
    """Every innovation, by label, with how much evidence it has."""
    return innovations_page(store, None, 0)[0]


@cached
def most_evidenced_innovations(store: GraphStore, limit: int) -> list[InnovationSummary]:
    """The ``limit`` innovations with most findings (the materialised counts; the engine sorts and cuts),
    by label, for the home page: a large graph holds hundreds (GET /innovations pages through them all)."""
    rows = select_page(store, "api_innovations_most_findings", limit, 0)
    if len(rows) < limit:  # an unlabelled innovation was ranked, or there are fewer: rank the labelled
        rows = select_page(store, "api_innovations_most_findings", limit, 0, labelled=1)
    counts = counts_of_each(store, [row["innovation"] for row in rows])
    summaries = []
    for row in sorted(rows, key=lambda row: row["label"].lower()):
        found = counts.get(row["innovation"], EvidenceCounts())
        summary = _innovation_summary(store, row["innovation"], row, found.counts, found.factors)
        summaries.append(InnovationSummary(**summary))
    return summaries


@cached
def innovation(store: GraphStore, id: str, sources_listed: int = SOURCES_LISTED) -> InnovationDetail:
    """One innovation: what it is, who is involved in what role, and the sources about it (the newest
    ``sources_listed`` its findings cite, and those stated to study it). Every query is bound to the
    innovation, and none reads its findings one by one: the counts are those the rules materialised, the
    newest sources are chosen and cut by the engine."""
    if not 0 <= sources_listed <= MAX_SOURCES_LISTED:
        raise InvalidArgument(f"sources_listed must be between 0 and {MAX_SOURCES_LISTED}; "
                              f"got {sources_listed}")
    iri, row = one_innovation_row(store, id)
    found = counts_of(store, iri)
    newest = _newest_cited(store, iri, sources_listed, found.counts.findings)
    sources = cited_source_refs(store, newest)
    cited = len(sources)
    for link in select(store, "api_source_links", target=iri):
        if link["relation"] == str(CKG.studies) and link["source"] not in sources:
            sources[link["source"]] = one_source_ref(store, link["source"])
    return InnovationDetail(
        **_innovation_summary(store, iri, row, found.counts, found.factors),
        description=row.get("description"),
        origin=row.get("origin"), claim_kind=code_or_none(row.get("claimKind")),
        involvements=involvements_of(store, select(store, "api_involvements", innovation=iri)),
        sources=sorted(sources.values(), key=newest_first), more_sources=max(0, found.counts.sources - cited),
        sources_listed=sources_listed,
    )


def _newest_cited(store: GraphStore, iri: str, wanted: int, findings: int) -> tuple[str, ...]:
    """The IRIs of the newest ``wanted`` sources the innovation's findings cite. A light innovation's are
    sorted by the engine from its findings; a heavier one's are read a publication year at a time, newest
    first (then the undated), until ``wanted`` are found, so the engine never joins and sorts its every
    finding: the newest year alone fills the page of an innovation citing thousands of sources."""
    if not wanted:
        return ()
    if findings <= LIGHT_INNOVATION:
        page = load_query("api_innovation_newest_sources") + f"\nLIMIT {int(wanted)}"
        return tuple(dict.fromkeys(found["source"] for found in store.select(page, {"innovation": iri})))
    newest: dict[str, None] = {}
    years = [as_int(row.get("year")) for row in select(store, "api_source_years")]
    for year in [*(year for year in years if year is not None), None]:
        bindings: dict[str, Value] = {"innovation": iri}
        if year is not None:
            bindings["year"] = year
        query = "api_innovation_undated_sources" if year is None else "api_innovation_sources_of_year"
        page = load_query(query) + f"\nLIMIT {int(wanted - len(newest))}"
        newest.update(dict.fromkeys(found["source"] for found in store.select(page, bindings)))
        if len(newest) >= wanted:
            break
    return tuple(newest)


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


def _group_by_placement(store: GraphStore, pages: FactorPages) -> list[DomainProfile]:
    """The profile's factors grouped by NASSS domain and sub-domain, in notation order, each group counted
    by ``pages.counted`` and each factor listed by ``pages.listed``."""
    tree: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    concepts: dict[str, Concept] = {}
    for factor_iri in pages.counts:
        subdomain, domain = placement_of(store, factor_iri)
        if subdomain is None or domain is None:
            continue
        concepts[subdomain.iri], concepts[domain.iri] = subdomain, domain
        tree[domain.iri][subdomain.iri].append(factor_iri)

    def in_notation_order(groups: dict) -> list:
        return sorted(groups.items(), key=lambda group: notation_key(concepts[group[0]].code))

    domains = []
    for domain_iri, subdomains in in_notation_order(tree):
        subdomain_profiles = []
        for subdomain_iri, factor_iris in in_notation_order(subdomains):
            factor_evidence = sorted((pages.listed(factor_iri) for factor_iri in factor_iris),
                                     key=lambda f: (-f.counts.findings, f.factor.label.lower()))
            sub = concepts[subdomain_iri]
            subdomain_profiles.append(SubdomainProfile(sub.id, sub.iri, sub.code, sub.label,
                                                       pages.counted(factor_iris), factor_evidence))
        dom = concepts[domain_iri]
        every = [factor_iri for factor_iris in subdomains.values() for factor_iri in factor_iris]
        domains.append(DomainProfile(dom.id, dom.iri, dom.code, dom.label, pages.counted(every),
                                     subdomain_profiles))
    return domains


def one_innovation_row(store: GraphStore, id: str) -> tuple[str, Row]:
    """One innovation's row of the innovations table, by one query bound to it (not the table of
    every innovation)."""
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
                       provenance: str | None = None, design: str | None = None,
                       findings_per_factor: int = FINDINGS_PER_FACTOR) -> InnovationProfile:
    """The factors that support, hinder or both for an innovation, grouped by NASSS domain and
    sub-domain, each with its counts and at most ``findings_per_factor`` of its findings (unfiltered, the
    first by IRI; ``more`` and ``findings_url`` say what is left); optionally only the findings of one
    direction, NASSS domain or sub-domain, provenance kind or source design (codes as in DIRECTIONS,
    PROVENANCE_KINDS, DESIGNS). Every query is bound to the innovation: an innovation with 12,000 findings
    reads its tallies and the findings they list (filtered: its counts aggregated and a page per factor
    cut by the engine)."""
    check_findings_per_factor(findings_per_factor)
    in_domain = _domain_matcher(store, domain)
    pages = factor_pages(store, id, lambda factor_iri: in_domain(*placement_of(store, factor_iri)),
                         direction, domain, provenance, design, findings_per_factor)
    return InnovationProfile(pages.innovation, pages.filters, pages.counted(pages.counts), len(pages.counts),
                             _group_by_placement(store, pages), findings_per_factor)


def check_findings_per_factor(findings_per_factor: int) -> None:
    if not 0 <= findings_per_factor <= MAX_FINDINGS_PER_FACTOR:
        raise InvalidArgument(f"findings_per_factor must be between 0 and {MAX_FINDINGS_PER_FACTOR}; "
                              f"got {findings_per_factor}")


@dataclass(frozen=True)
class FactorPages:
    """What every framework's profile starts from: the innovation, the filters given, each kept factor's
    counts, ``sources_of`` (the distinct sources of a set of kept factors' findings) and ``listed``,
    giving a factor's FactorEvidence (its page of findings and the rest's link)."""

    innovation: Ref
    filters: dict[str, str]
    counts: dict[str, Counts]
    sources_of: Callable[[Iterable[str]], int]
    listed: Callable[[str], FactorEvidence]

    def counted(self, factor_iris: Iterable[str]) -> Counts:
        """The counts of a set of the kept factors' findings (each finding names one factor; a factor given
        twice counts once)."""
        factors = set(factor_iris)
        chosen = [self.counts[factor_iri] for factor_iri in factors]

        def total(direction: str) -> int:
            return sum(getattr(c, direction) for c in chosen)

        return Counts(total("findings"), self.sources_of(factors), total("enabler"), total("barrier"),
                      total("mixed"))


def _factor_counts(store: GraphStore, iri: str, factor_kept: Callable[[str], bool], direction: str | None,
                   tags: set[str], bindings: dict[str, Value]
                   ) -> tuple[dict[str, Counts], Callable[[Iterable[str]], int]]:
    """The kept factors' counts, and the distinct sources of a set of them. Without filters on the
    findings, from the tallies the rules materialised (no finding read: an innovation with 12,000 findings
    reads a row per factor and its shared sources); filtered by direction, provenance or design, counted by
    the engine per factor and source (api_innovation_factor_counts.rq)."""
    if direction is None and not tags:
        tallied = {factor_iri: tally for factor_iri, tally in
                   innovation_tallies(store, iri, shared=True).items() if factor_kept(factor_iri)}
        sources = {factor_iri: tally.counts.sources for factor_iri, tally in tallied.items()}
        shared = {factor_iri: tally.shared for factor_iri, tally in tallied.items()}
        return ({factor_iri: tally.counts for factor_iri, tally in tallied.items()},
                lambda factor_iris: distinct_sources(sources, shared, factor_iris))
    counted = {factor_iri: tally for factor_iri, tally in factor_tallies(store, tags, bindings).items()
               if factor_kept(factor_iri)}
    return ({factor_iri: tally.counts for factor_iri, tally in counted.items()},
            lambda factor_iris: len({source for factor_iri in factor_iris
                                     for source in counted[factor_iri].sources}))


def factor_pages(store: GraphStore, id: str, factor_kept: Callable[[str], bool], direction: str | None,
                 domain: str | None, provenance: str | None, design: str | None,
                 findings_per_factor: int) -> FactorPages:
    """The innovation's findings counted per factor (the factors that pass ``factor_kept``, the
    framework's domain test on the factor IRI; :func:`_factor_counts`), and at most ``findings_per_factor``
    of each kept factor's findings read (:func:`_listed_iris`)."""
    check_findings_per_factor(findings_per_factor)
    iri, row = one_innovation_row(store, id)
    tags, bindings, filters = _profile_filters(iri, direction, domain, provenance, design)
    counts, sources_of = _factor_counts(store, iri, factor_kept, direction, tags, bindings)
    listed_iris = _listed_iris(store, iri, counts, direction is None and not tags, tags, bindings,
                               findings_per_factor)
    every_listed = tuple(finding for iris in listed_iris.values() for finding in iris)
    by_iri = {e.iri: e for e in _listed_evidence(store, iri, row["label"], every_listed)}
    query = {"innovation": id, **{name: value for name, value in filters.items() if name != "domain"}}

    def listed(factor_iri: str) -> FactorEvidence:
        findings = [by_iri[i] for i in listed_iris.get(factor_iri, ()) if i in by_iri]
        factor_counts = counts[factor_iri]
        url = "/findings?" + urlencode({**query, "factor": slug_of(factor_iri)})
        return FactorEvidence(factor_ref(store, factor_iri), factor_counts.effect, factor_counts, findings,
                              factor_counts.findings - len(findings), url)

    return FactorPages(Ref(id, iri, row["label"]), filters, counts, sources_of, listed)


def _listed_iris(store: GraphStore, iri: str, counts: dict[str, Counts], unfiltered: bool, tags: set[str],
                 bindings: dict[str, Value], findings_per_factor: int) -> dict[str, tuple[str, ...]]:
    """Kept factor IRI -> the IRIs of the findings listed for it, at most ``findings_per_factor``, sorted.
    Unfiltered and within what the rules materialised (carekg.listed.LISTED), the first by IRI, read from
    the innovation's tallies in one query; otherwise the first the store finds, by a page query per
    factor cut by the engine."""
    if not findings_per_factor:
        return {}
    if unfiltered and findings_per_factor <= LISTED:
        chosen: dict[str, list[str]] = defaultdict(list)
        for row in select(store, "api_innovation_listed_findings", innovation=iri):
            chosen[row["factor"]].append(row["finding"])
        return {factor_iri: tuple(sorted(chosen.get(factor_iri, ()))[:findings_per_factor])
                for factor_iri in counts}
    light = {"light"} if sum(c.findings for c in counts.values()) <= LIGHT_INNOVATION else set()
    page = (kept_lines(load_query("api_innovation_factor_page"), tags | light)
            + f"\nLIMIT {int(findings_per_factor)}")
    return {factor_iri: tuple(sorted(found["finding"] for found in
                                     store.select(page, {**bindings, "factor": factor_iri})))
            for factor_iri in counts}


def factor_tallies(store: GraphStore, tags: set[str], bindings: dict[str, Value]) -> dict[str, Tally]:
    """Factor IRI -> the tally of an innovation's findings about it (bindings: ``innovation`` and any
    filters, ``tags`` their lines), aggregated by the engine: no finding is read."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for counted in store.select(kept_lines(load_query("api_innovation_factor_counts"), tags), bindings):
        tallies[counted["factor"]].add(code(counted["direction"]), counted["source"],
                                       int(counted["findings"]))
    return tallies


def _profile_filters(iri: str, direction: str | None, domain: str | None, provenance: str | None,
                     design: str | None) -> tuple[set[str], dict[str, Value], dict[str, str]]:
    """The tagged lines to keep, the bindings of the profile's queries, and the filters given."""
    check_choice("direction", direction, DIRECTIONS)
    check_choice("provenance", provenance, PROVENANCE_KINDS)
    check_choice("design", design, DESIGNS)
    bindings: dict[str, Value] = {"innovation": iri}
    for name, value, codes in (("direction", direction, DIRECTIONS),
                               ("provenance", provenance, PROVENANCE_KINDS), ("design", design, DESIGNS)):
        if value is not None:
            bindings[name] = codes[value]
    chosen = (("direction", direction), ("domain", domain), ("provenance", provenance), ("design", design))
    tags: set[str] = {name for name in ("provenance", "design") if name in bindings}
    return tags, bindings, {name: value for name, value in chosen if value is not None}


def _listed_evidence(store: GraphStore, iri: str, label: str, findings: tuple[str, ...]) -> list[Evidence]:
    """The findings ``findings`` of one innovation, as innovation_evidence gives them, by queries bound to
    them (and to their sources); more than DESCRIBED_WHOLE of them in two halves at once."""
    if len(findings) <= DESCRIBED_WHOLE:
        return _described(store, iri, label, findings)
    half = len(findings) // 2
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="carekg-described") as beside:
        second = beside.submit(_described, store, iri, label, findings[half:])
        first = _described(store, iri, label, findings[:half])
        return first + second.result()


def _described(store: GraphStore, iri: str, label: str, findings: tuple[str, ...]) -> list[Evidence]:
    if not findings:
        return []
    labels = term_labels(store)
    # Bound to the findings and their sources alone: the engine starts from them, not from the
    # innovation's every finding.
    rows = store.select(load_query("api_innovation_findings"), {"finding": findings})
    sources = cited_source_refs(store, tuple(sorted({found["source"] for found in rows})))
    innovation_ref = Ref(slug_of(iri), iri, label)
    return [evidence_of(store, labels, found, innovation_ref,
                        sources.get(found["source"]) or bare_source_ref(found["source"])) for found in rows]
