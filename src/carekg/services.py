"""The carekg use cases: plain answers to the questions that the API, the pages and the CLI ask.

Every public function takes a :class:`~carekg.store.GraphStore` and returns dataclasses of plain
Python values (no rdflib or pyoxigraph types), or serialised bytes. The SPARQL behind them lives in
``queries/api_*.rq`` and receives values as bindings. Answers are cached per dataset version, so a
reload of the store invalidates them and nothing else has to. An unknown id raises :class:`NotFound`;
a filter value outside its vocabulary raises :class:`InvalidArgument`. Nothing here knows of HTTP.
"""

from __future__ import annotations

import csv
import functools
import io
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from rdflib import RDF, RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS, VOID, XSD

from carekg import __version__
from carekg.dataset import CONSENSUS_RULE, CONSENSUS_RULE_VERSION
from carekg.ids import (GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPHS, ID_BASE, KINDS, PREFIXES,
                        VOCAB_DOCUMENT, is_slug, mint, split)
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.store.base import GraphStore, Row

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

#: RDF serialisations a resource, the ontology or a description can be had in, by media type.
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}

_CODE_SUFFIXES = ("Claim", "Design", "Role")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def code(iri: str) -> str:
    """The short code of a vocabulary value: ``ckg:SourceStudyClaim`` -> ``source-study``,
    ``ckg:MixedMethodsEvaluationDesign`` -> ``mixed-methods-evaluation``, ``ckg:NHSTrust`` -> ``nhs-trust``.
    """
    name = iri.rsplit("#", 1)[-1]
    for suffix in _CODE_SUFFIXES:
        if name.endswith(suffix) and name != suffix:
            name = name[: -len(suffix)]
            break
    return _CAMEL_BOUNDARY.sub("-", name).lower()


def _codes(*terms: URIRef) -> dict[str, str]:
    return {code(term): str(term) for term in terms}


DIRECTIONS = _codes(CKG.Enabler, CKG.Barrier, CKG.Mixed)
PROVENANCE_KINDS = _codes(CKG.ReviewAbstractClaim, CKG.ReviewPageClaim, CKG.SourceStudyClaim,
                          CKG.CuratorInferenceClaim)
DESIGNS = _codes(
    CKG.SystematicReviewDesign, CKG.RapidReviewDesign, CKG.ProgrammeSynthesisDesign,
    CKG.MixedMethodsEvaluationDesign, CKG.ProcessEvaluationDesign, CKG.QualitativeStudyDesign,
    CKG.FeasibilityTrialDesign, CKG.QuasiExperimentalEvaluationDesign, CKG.CostStudyDesign,
    CKG.DescriptiveAccountDesign, CKG.PolicyOrOfficialDocumentDesign, CKG.PracticeAccountDesign,
    CKG.PressReleaseDesign, CKG.CommentaryDesign, CKG.UnknownDesign,
)
SOURCE_KINDS = ("study", "source")
_CONCEPT_LEVELS = _codes(CKG.NasssDomain, CKG.NasssSubdomain, CKG.CfirDomain, CKG.CfirConstruct,
                         CKG.CfirSubconstruct)
_CONCEPT_LEVELS_BY_IRI = {iri: name for name, iri in _CONCEPT_LEVELS.items()}
_MATCHES = {str(SKOS.broader): "broader", str(SKOS.closeMatch): "close", str(SKOS.relatedMatch): "related"}


class NotFound(LookupError):
    """No resource of that kind has that id; the message names both."""

    def __init__(self, kind: str, id: str) -> None:
        super().__init__(f"no {kind} with id {id!r}")
        self.kind = kind
        self.id = id


class InvalidArgument(ValueError):
    """A filter or parameter value outside what the data allows; the message lists what it does."""


# --- answers -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A resource named by its id (the slug of its IRI), IRI and label."""

    id: str
    iri: str
    label: str


@dataclass(frozen=True)
class Concept:
    """A NASSS or CFIR 2.0 concept: ``code`` is its notation, e.g. ``5B`` or ``III.A.3``."""

    id: str
    iri: str
    code: str
    label: str


@dataclass(frozen=True)
class Counts:
    """How much evidence: findings, the distinct sources they come from, and findings per direction."""

    findings: int = 0
    sources: int = 0
    enabler: int = 0
    barrier: int = 0
    mixed: int = 0

    @classmethod
    def of(cls, evidence: Iterable[Evidence]) -> Counts:
        evidence = list(evidence)
        directions = [e.direction for e in evidence]
        return cls(len(evidence), len({e.source.iri for e in evidence}), directions.count("enabler"),
                   directions.count("barrier"), directions.count("mixed"))

    @property
    def effect(self) -> str | None:
        """``supports`` (only enabler findings), ``hinders`` (only barrier) or ``both``."""
        if not self.findings:
            return None
        if self.enabler == self.findings:
            return "supports"
        if self.barrier == self.findings:
            return "hinders"
        return "both"


@dataclass(frozen=True)
class SourceRef:
    """A source as cited by a finding: ``kind`` is ``study`` or ``source`` (a non-study document)."""

    id: str
    iri: str
    kind: str
    citation: str
    year: int | None
    design: str | None
    design_label: str | None
    developer_authored: bool | None
    url: str | None


@dataclass(frozen=True)
class Evidence:
    """One finding: a factor acted in ``direction`` for an innovation (or for innovations in general)."""

    id: str
    iri: str
    direction: str
    provenance: str | None
    provenance_label: str | None
    paraphrase: str | None
    locator: str | None
    factor_as_reported: str | None
    review_synthesis: bool
    general: bool
    factor: Ref
    innovation: Ref | None
    source: SourceRef


@dataclass(frozen=True)
class FactorEvidence:
    factor: Ref
    effect: str | None
    counts: Counts
    findings: list[Evidence]


@dataclass(frozen=True)
class SubdomainProfile:
    id: str
    iri: str
    code: str
    label: str
    counts: Counts
    factors: list[FactorEvidence]


@dataclass(frozen=True)
class DomainProfile:
    id: str
    iri: str
    code: str
    label: str
    counts: Counts
    subdomains: list[SubdomainProfile]


@dataclass(frozen=True)
class InnovationProfile:
    """An innovation's factors grouped by NASSS domain and sub-domain, each with its findings."""

    innovation: Ref
    filters: dict[str, str]
    counts: Counts
    factor_count: int
    domains: list[DomainProfile]


@dataclass(frozen=True)
class InnovationSummary:
    id: str
    iri: str
    label: str
    abbreviation: str | None
    kind: str | None
    kind_label: str | None
    counts: Counts
    factor_count: int


@dataclass(frozen=True)
class Involvement:
    """One organisation's role for one innovation, with its basis and the source that states it."""

    organisation: Ref
    organisation_type: str | None
    innovation: Ref
    role: str
    role_label: str
    basis: str | None
    claim_kind: str | None
    stated_in: SourceRef | None


@dataclass(frozen=True)
class InnovationDetail(InnovationSummary):
    description: str | None
    origin: str | None
    claim_kind: str | None
    involvements: list[Involvement]
    sources: list[SourceRef]


@dataclass(frozen=True)
class FactorSummary:
    id: str
    iri: str
    label: str
    subdomain: Concept | None
    domain: Concept | None
    counts: Counts
    innovation_count: int


@dataclass(frozen=True)
class ConceptMatch:
    """A CFIR 2.0 concept a factor matches; ``match`` is ``close`` or ``related``."""

    concept: Concept
    match: str


@dataclass(frozen=True)
class FactorForInnovation:
    innovation: Ref
    effect: str | None
    counts: Counts
    findings: list[Evidence]


@dataclass(frozen=True)
class ConsensusFinding:
    """That the evidence agrees on a factor in ``direction``, from ``independent_study_count`` studies."""

    id: str
    iri: str
    factor: Ref
    subdomain: Concept | None
    direction: str
    independent_study_count: int


@dataclass(frozen=True)
class FactorDetail(FactorSummary):
    definition: str | None
    scope_note: str | None
    placement: str | None
    cfir: list[ConceptMatch]
    innovations: list[FactorForInnovation]
    general_findings: list[Evidence]
    consensus: list[ConsensusFinding]


@dataclass(frozen=True)
class SourceSummary:
    id: str
    iri: str
    kind: str
    level: str | None
    citation: str
    year: int | None
    design: str | None
    design_label: str | None
    source_type: str | None
    source_type_label: str | None
    developer_authored: bool | None
    counts: Counts


@dataclass(frozen=True)
class SourceDetail(SourceSummary):
    doi: str | None
    urls: list[str]
    design_as_reported: str | None
    setting: str | None
    read_as: str | None
    inclusion_status: str | None
    inclusion_status_label: str | None
    inclusion_basis: str | None
    relative_to_review_search: str | None
    developer_authored_basis: str | None
    founding_review: bool
    notes: list[str]
    summarises: list[SourceRef]
    summarised_by: list[SourceRef]
    innovations: list[Ref]
    findings: list[Evidence]
    involvements: list[Involvement]


@dataclass(frozen=True)
class OrganisationSummary:
    id: str
    iri: str
    label: str
    type: str | None
    type_label: str | None
    innovation_count: int
    roles: list[str]


@dataclass(frozen=True)
class RolesForInnovation:
    innovation: Ref
    roles: list[Involvement]


@dataclass(frozen=True)
class OrganisationDetail(OrganisationSummary):
    notes: list[str]
    innovations: list[RolesForInnovation]


@dataclass(frozen=True)
class MappedFactor:
    """A factor placed under a concept: ``match`` is ``broader`` (NASSS), ``close`` or ``related`` (CFIR)."""

    id: str
    iri: str
    label: str
    match: str
    findings: int


@dataclass(frozen=True)
class ConceptNode:
    """A framework concept with the evidence under it (its own factors' and its descendants')."""

    id: str
    iri: str
    code: str
    label: str
    level: str
    definition: str | None
    covered_by_review: bool | None
    label_verified: bool | None
    counts: Counts
    factors: list[MappedFactor]
    children: list[ConceptNode]


@dataclass(frozen=True)
class Taxonomy:
    nasss: list[ConceptNode]
    cfir: list[ConceptNode]


@dataclass(frozen=True)
class ConsensusRule:
    id: str
    iri: str
    version: str
    description: str


@dataclass(frozen=True)
class Consensus:
    rule: ConsensusRule
    results: list[ConsensusFinding]


@dataclass(frozen=True)
class ComparisonCell:
    innovation: str
    effect: str | None
    counts: Counts


@dataclass(frozen=True)
class ComparisonRow:
    factor: Ref
    subdomain: Concept | None
    domain: Concept | None
    cells: list[ComparisonCell]


@dataclass(frozen=True)
class Comparison:
    """Profiles side by side: one row per factor any of the innovations has evidence on."""

    innovations: list[Ref]
    shared_factors: int
    rows: list[ComparisonRow]


@dataclass(frozen=True)
class SubdomainGap:
    id: str
    iri: str
    code: str
    label: str
    covered_by_review: bool | None


@dataclass(frozen=True)
class InnovationGaps:
    innovation: Ref
    evidenced_subdomains: int
    missing: list[SubdomainGap]


@dataclass(frozen=True)
class Statement:
    """One statement about (or pointing at) a resource, ready to show: ``value`` is an IRI or a literal."""

    predicate: str
    predicate_label: str
    value: str
    value_is_iri: bool
    value_label: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ResourceDescription:
    iri: str
    label: str
    types: list[Statement]
    statements: list[Statement]
    incoming: list[Statement]


@dataclass(frozen=True)
class Term:
    """A term of the carekg vocabulary; ``kind`` is class, object-property, datatype-property,
    annotation-property or individual."""

    name: str
    iri: str
    kind: str
    label: str
    definition: str | None
    module: str | None


@dataclass(frozen=True)
class OntologyDocument:
    iri: str
    title: str
    description: str | None
    license: str | None
    version: str | None
    version_iri: str | None
    terms: list[Term]


@dataclass(frozen=True)
class Overview:
    """What the graph holds, for the home page and /version."""

    dataset_version: str | None
    package_version: str
    ontology_version: str | None
    triples: dict[str, int]
    innovations: int
    factors: int
    findings: int
    studies: int
    sources: int
    organisations: int
    consensus_results: int


# --- caching and plumbing ------------------------------------------------------------------------------

_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_SIZE = 512
_CACHE_LOCK = threading.Lock()
_COMPUTING: dict[tuple, threading.Lock] = {}
Result = TypeVar("Result")


def _cached(function: Callable[..., Result]) -> Callable[..., Result]:
    """Remember answers per (store, dataset version, arguments); a new version makes old keys unused.
    A store without a version (empty, or being loaded) is never cached."""

    @functools.wraps(function)
    def wrapper(store: GraphStore, *args, **kwargs) -> Result:
        version = store.dataset_version()
        if version is None:
            return function(store, *args, **kwargs)
        key = (id(store), version, function.__name__, args, tuple(sorted(kwargs.items())))
        with _CACHE_LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return _CACHE[key]
            computing = _COMPUTING.setdefault(key, threading.Lock())
        # One computation per key: concurrent requests for a cold answer wait for it instead of
        # repeating it (at 1M triples a whole-table answer takes seconds, and 64 clients would
        # otherwise each start one).
        with computing:
            with _CACHE_LOCK:
                if key in _CACHE:
                    return _CACHE[key]
            try:
                value = function(store, *args, **kwargs)
            finally:
                with _CACHE_LOCK:
                    _COMPUTING.pop(key, None)
            with _CACHE_LOCK:
                _CACHE[key] = value
                while len(_CACHE) > _CACHE_SIZE:
                    _CACHE.popitem(last=False)
        return value

    return wrapper


def _select(store: GraphStore, name: str, **bindings: str) -> list[Row]:
    return store.select(load_query(name), {k: str(v) for k, v in bindings.items()} or None)


def _slug(iri: str) -> str:
    parts = split(iri)
    return parts[1] if parts else iri


def _bool(value: str | None) -> bool | None:
    return None if value is None else value in {"true", "1"}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.lstrip("-").isdigit() else None


def _lines(value: str | None) -> list[str]:
    return [line for line in (value or "").split("\n") if line]


def _code_or_none(iri: str | None) -> str | None:
    return None if iri is None else code(iri)


def _notation_key(notation: str) -> tuple:
    """Sorts ``5A`` after ``5`` and ``III.A.10`` after ``III.A.9``."""
    parts = re.split(r"[.]|(?<=\d)(?=\D)", notation)
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts)


def _by(items: Iterable[Result], key: Callable[[Result], str | None]) -> dict[str, list[Result]]:
    grouped: dict[str, list[Result]] = defaultdict(list)
    for item in items:
        value = key(item)
        if value is not None:
            grouped[value].append(item)
    return grouped


def resource_iri(kind: str, id: str) -> str:
    """The IRI of the ``kind`` resource with id ``id``; NotFound for an id outside the ID policy."""
    if kind not in KINDS or not is_slug(id):
        raise NotFound(kind, id)
    return str(mint(kind, id))


@_cached
def _labels(store: GraphStore) -> dict[str, str]:
    rows = _select(store, "api_vocabulary_terms", ontology=GRAPH_ONTOLOGY)
    return {row["term"]: row["label"] for row in rows}


def _label(labels: dict[str, str], iri: str | None) -> str | None:
    return None if iri is None else labels.get(iri, code(iri))


@_cached
def _concepts(store: GraphStore) -> dict[str, Row]:
    return {row["concept"]: row for row in _select(store, "api_framework_concepts")}


def _concept(concepts: dict[str, Row], iri: str | None) -> Concept | None:
    row = concepts.get(iri or "")
    if row is None:
        return None
    return Concept(_slug(row["concept"]), row["concept"], row.get("notation", ""), row["label"])


@_cached
def _factor_rows(store: GraphStore) -> dict[str, Row]:
    return {row["factor"]: row for row in _select(store, "api_factors")}


@_cached
def _factor_mappings(store: GraphStore) -> dict[str, list[tuple[str, str]]]:
    """Factor IRI -> [(match, concept IRI)], match being broader, close or related."""
    mappings: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in _select(store, "api_factor_mappings"):
        mappings[row["factor"]].append((_MATCHES[row["match"]], row["concept"]))
    return dict(mappings)


def _placement(store: GraphStore, factor_iri: str) -> tuple[Concept | None, Concept | None]:
    """A factor's NASSS sub-domain and domain."""
    concepts = _concepts(store)
    subdomain = next((c for m, c in _factor_mappings(store).get(factor_iri, []) if m == "broader"), None)
    domain = concepts.get(subdomain or "", {}).get("broader")
    return _concept(concepts, subdomain), _concept(concepts, domain)


def _factor_ref(store: GraphStore, iri: str) -> Ref:
    row = _factor_rows(store).get(iri)
    return Ref(_slug(iri), iri, row["label"] if row else _slug(iri))


@_cached
def _innovation_rows(store: GraphStore) -> dict[str, Row]:
    return {row["innovation"]: row for row in _select(store, "api_innovations")}


def _innovation_ref(store: GraphStore, iri: str) -> Ref:
    row = _innovation_rows(store).get(iri)
    return Ref(_slug(iri), iri, row["label"] if row else _slug(iri))


@_cached
def _organisation_rows(store: GraphStore) -> dict[str, Row]:
    return {row["organisation"]: row for row in _select(store, "api_organisations")}


@_cached
def _source_rows(store: GraphStore) -> dict[str, Row]:
    return {row["source"]: row for row in _select(store, "api_sources")}


@_cached
def _source_refs(store: GraphStore) -> dict[str, SourceRef]:
    labels = _labels(store)
    return {iri: _source_ref_of(labels, iri, row) for iri, row in _source_rows(store).items()}


def _source_ref_of(labels: dict[str, str], iri: str, row: Row) -> SourceRef:
    kind, slug = split(iri) or ("source", iri)
    urls = (row.get("urls") or "").split()
    url = f"https://doi.org/{row['doi']}" if row.get("doi") else next(iter(urls), None)
    return SourceRef(slug, iri, kind, row.get("citation") or slug, _int(row.get("year")),
                     _code_or_none(row.get("design")), _label(labels, row.get("design")),
                     _bool(row.get("developerAuthored")), url)


def _bare_source_ref(iri: str) -> SourceRef:
    """A source the store says nothing more about than its IRI."""
    kind, slug = split(iri) or ("source", iri)
    return SourceRef(slug, iri, kind, slug, None, None, None, None, None)


def _source_ref(store: GraphStore, iri: str) -> SourceRef:
    return _source_refs(store).get(iri) or _bare_source_ref(iri)


def _one_source_ref(store: GraphStore, iri: str) -> SourceRef:
    """As _source_ref, by one query bound to the source."""
    rows = _select(store, "api_sources", source=iri)
    return _source_ref_of(_labels(store), iri, rows[0]) if rows else _bare_source_ref(iri)


@_cached
def _source_links(store: GraphStore) -> list[tuple[str, str, str]]:
    """(source, ``summarises`` or ``studies``, target) for every such statement."""
    rows = _select(store, "api_source_links")
    return [(row["source"], row["relation"].rsplit("#", 1)[-1], row["target"]) for row in rows]


def _evidence_of(store: GraphStore, labels: dict[str, str], row: Row, innovation: Ref | None,
                 source: SourceRef) -> Evidence:
    """A finding as a row of api_findings.rq or api_innovation_findings.rq gives it."""
    return Evidence(
        id=_slug(row["finding"]), iri=row["finding"], direction=code(row["direction"]),
        provenance=_code_or_none(row.get("provenance")), provenance_label=_label(labels, row.get("provenance")),
        paraphrase=row.get("paraphrase"), locator=row.get("locator"), factor_as_reported=row.get("factorAsReported"),
        review_synthesis=bool(_bool(row.get("reviewSynthesis"))), general=bool(_bool(row.get("general"))),
        factor=_factor_ref(store, row["factor"]), innovation=innovation, source=source)


@_cached
def _evidence(store: GraphStore) -> list[Evidence]:
    labels = _labels(store)
    evidence = []
    for row in _select(store, "api_findings"):
        innovation = _innovation_ref(store, row["innovation"]) if row.get("innovation") else None
        evidence.append(_evidence_of(store, labels, row, innovation, _source_ref(store, row["source"])))
    return evidence


@_cached
def _evidence_by_innovation(store: GraphStore) -> dict[str, list[Evidence]]:
    return _by(_evidence(store), lambda e: e.innovation.iri if e.innovation else None)


@_cached
def _evidence_by_factor(store: GraphStore) -> dict[str, list[Evidence]]:
    return _by(_evidence(store), lambda e: e.factor.iri)


@_cached
def _evidence_by_source(store: GraphStore) -> dict[str, list[Evidence]]:
    return _by(_evidence(store), lambda e: e.source.iri)


@_cached
def _involvements(store: GraphStore) -> list[Involvement]:
    return _involvements_of(store, _select(store, "api_involvements"))


def _involvements_of(store: GraphStore, rows: list[Row]) -> list[Involvement]:
    labels = _labels(store)
    organisations = _organisation_rows(store)
    involvements = []
    for row in rows:
        organisation_iri = row["organisation"]
        organisation = organisations.get(organisation_iri, {})
        involvements.append(Involvement(
            organisation=Ref(_slug(organisation_iri), organisation_iri,
                             organisation.get("label", _slug(organisation_iri))),
            organisation_type=_code_or_none(organisation.get("type")),
            innovation=_innovation_ref(store, row["innovation"]),
            role=code(row["role"]), role_label=_label(labels, row["role"]) or code(row["role"]),
            basis=row.get("basis"), claim_kind=_code_or_none(row.get("claimKind")),
            stated_in=_source_ref(store, row["statedIn"]) if row.get("statedIn") else None,
        ))
    return involvements


def _check_choice(name: str, value: str | None, choices: Iterable[str]) -> None:
    choices = list(choices)
    if value is not None and value not in choices:
        raise InvalidArgument(f"{name} must be one of {', '.join(choices)}; got {value!r}")


# --- innovations -----------------------------------------------------------------------------------------


def _innovation_summary(store: GraphStore, iri: str, row: Row, counts: Counts, factor_count: int) -> dict:
    return dict(id=_slug(iri), iri=iri, label=row["label"], abbreviation=row.get("abbreviation"),
                kind=_code_or_none(row.get("kind")), kind_label=_label(_labels(store), row.get("kind")),
                counts=counts, factor_count=factor_count)


def _innovation_counts(store: GraphStore) -> dict[str, tuple[Counts, int]]:
    """Every innovation's evidence counts and number of factors, by two aggregate queries: the same as
    Counts.of over its findings, without reading every finding."""
    directions: dict[str, dict[str, int]] = defaultdict(dict)
    for row in _select(store, "api_innovation_direction_counts"):
        directions[row["innovation"]][code(row["direction"])] = int(row["findings"])
    counts = {}
    for row in _select(store, "api_innovation_counts"):
        by_direction = directions[row["innovation"]]
        counts[row["innovation"]] = (Counts(int(row["findings"]), int(row["sources"]), by_direction.get("enabler", 0),
                                            by_direction.get("barrier", 0), by_direction.get("mixed", 0)),
                                     int(row["factors"]))
    return counts


@_cached
def list_innovations(store: GraphStore) -> list[InnovationSummary]:
    """Every innovation, by label, with how much evidence it has."""
    counts = _innovation_counts(store)
    return [InnovationSummary(**_innovation_summary(store, iri, row, *counts.get(iri, (Counts(), 0))))
            for iri, row in _innovation_rows(store).items()]


def _innovation_row(store: GraphStore, id: str) -> tuple[str, Row]:
    iri = resource_iri("innovation", id)
    row = _innovation_rows(store).get(iri)
    if row is None:
        raise NotFound("innovation", id)
    return iri, row


def _newest_first(source: SourceSummary | SourceRef) -> tuple:
    return (-(source.year or 0), source.citation.lower())


@_cached
def innovation(store: GraphStore, id: str) -> InnovationDetail:
    """One innovation: what it is, who is involved in what role, and the sources about it. Every query
    is bound to the innovation, so the cost grows with its evidence, not with the graph."""
    iri, row = _one_innovation_row(store, id)
    evidence = _innovation_evidence(store, iri, row["label"])
    sources = {e.source.iri: e.source for e in evidence}
    for link in _select(store, "api_source_links", target=iri):
        if link["relation"] == str(CKG.studies) and link["source"] not in sources:
            sources[link["source"]] = _one_source_ref(store, link["source"])
    return InnovationDetail(
        **_innovation_summary(store, iri, row, Counts.of(evidence), len({e.factor.iri for e in evidence})),
        description=row.get("description"),
        origin=row.get("origin"), claim_kind=_code_or_none(row.get("claimKind")),
        involvements=_involvements_of(store, _select(store, "api_involvements", innovation=iri)),
        sources=sorted(sources.values(), key=_newest_first),
    )


Placement = Callable[[Concept | None, Concept | None], bool]


def _domain_matcher(store: GraphStore, domain: str | None) -> Placement:
    """A test on (sub-domain, domain) for a NASSS domain code (``5``) or sub-domain code (``5B``)."""
    if domain is None:
        return lambda subdomain, dom: True
    wanted = domain.upper()
    nasss_levels = (str(CKG.NasssDomain), str(CKG.NasssSubdomain))
    codes = {row.get("notation") for row in _concepts(store).values() if row["level"] in nasss_levels}
    if wanted not in codes:
        raise InvalidArgument(f"domain must be a NASSS domain (1-7) or sub-domain code (e.g. 5B); "
                              f"got {domain!r}")
    return lambda subdomain, dom: wanted in {subdomain.code if subdomain else None, dom.code if dom else None}


def _group_by_placement(store: GraphStore, evidence: list[Evidence]) -> list[DomainProfile]:
    """Findings grouped by NASSS domain, sub-domain and factor, in notation order."""
    tree: dict[str, dict[str, dict[str, list[Evidence]]]] = defaultdict(lambda: defaultdict(dict))
    concepts: dict[str, Concept] = {}
    for item in evidence:
        subdomain, domain = _placement(store, item.factor.iri)
        if subdomain is None or domain is None:
            continue
        concepts[subdomain.iri], concepts[domain.iri] = subdomain, domain
        tree[domain.iri][subdomain.iri].setdefault(item.factor.iri, []).append(item)

    def in_notation_order(groups: dict) -> list:
        return sorted(groups.items(), key=lambda group: _notation_key(concepts[group[0]].code))

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


def _one_innovation_row(store: GraphStore, id: str) -> tuple[str, Row]:
    """As _innovation_row, by one bound query instead of the table of every innovation."""
    iri = resource_iri("innovation", id)
    rows = _select(store, "api_innovation", innovation=iri)
    if not rows or "label" not in rows[0]:
        raise NotFound("innovation", id)
    return iri, rows[0]


def _innovation_evidence(store: GraphStore, iri: str, label: str) -> list[Evidence]:
    """The findings about one innovation, as _evidence_by_innovation has them, by two queries bound
    to the innovation: their cost grows with its findings, not with the graph."""
    labels = _labels(store)
    sources = {row["source"]: _source_ref_of(labels, row["source"], row)
               for row in _select(store, "api_innovation_sources", innovation=iri)}
    innovation_ref = Ref(_slug(iri), iri, label)
    evidence = []
    for row in _select(store, "api_innovation_findings", innovation=iri):
        source = sources.get(row["source"]) or _bare_source_ref(row["source"])
        evidence.append(_evidence_of(store, labels, row, innovation_ref, source))
    return evidence


@_cached
def innovation_profile(store: GraphStore, id: str, direction: str | None = None, domain: str | None = None,
                       provenance: str | None = None, design: str | None = None) -> InnovationProfile:
    """The factors that support, hinder or both for an innovation, grouped by NASSS domain and
    sub-domain, each with its findings; optionally only the findings of one direction, NASSS domain
    or sub-domain, provenance kind or source design (codes as in DIRECTIONS, PROVENANCE_KINDS, DESIGNS).
    Only the innovation's own findings are read (queries bound to it), never the whole table."""
    iri, row = _one_innovation_row(store, id)
    _check_choice("direction", direction, DIRECTIONS)
    _check_choice("provenance", provenance, PROVENANCE_KINDS)
    _check_choice("design", design, DESIGNS)
    in_domain = _domain_matcher(store, domain)
    evidence = [
        e for e in _innovation_evidence(store, iri, row["label"])
        if direction in (None, e.direction) and provenance in (None, e.provenance)
        and design in (None, e.source.design) and in_domain(*_placement(store, e.factor.iri))
    ]
    chosen = (("direction", direction), ("domain", domain), ("provenance", provenance), ("design", design))
    filters = {name: value for name, value in chosen if value is not None}
    return InnovationProfile(Ref(id, iri, row["label"]), filters, Counts.of(evidence),
                             len({e.factor.iri for e in evidence}), _group_by_placement(store, evidence))


def compare(store: GraphStore, ids: Iterable[str]) -> Comparison:
    """Innovations' profiles side by side: for each factor, each innovation's effect and counts."""
    return _compare(store, tuple(ids))


@_cached
def _compare(store: GraphStore, ids: tuple[str, ...]) -> Comparison:
    if len(set(ids)) < 2:
        raise InvalidArgument("compare needs at least two different innovations")
    innovations = [_innovation_row(store, id) for id in dict.fromkeys(ids)]
    by_innovation = _evidence_by_innovation(store)
    factor_iris = {e.factor.iri for iri, _ in innovations for e in by_innovation.get(iri, [])}
    rows = []
    for factor_iri in factor_iris:
        cells = []
        for iri, _ in innovations:
            counts = Counts.of(e for e in by_innovation.get(iri, []) if e.factor.iri == factor_iri)
            cells.append(ComparisonCell(_slug(iri), counts.effect, counts))
        subdomain, domain = _placement(store, factor_iri)
        rows.append(ComparisonRow(_factor_ref(store, factor_iri), subdomain, domain, cells))
    rows.sort(key=lambda r: (_notation_key(r.subdomain.code if r.subdomain else "~"), r.factor.label.lower()))
    shared = sum(all(cell.counts.findings for cell in row.cells) for row in rows)
    return Comparison([Ref(_slug(iri), iri, row["label"]) for iri, row in innovations], shared, rows)


@_cached
def _nasss_subdomains(store: GraphStore) -> list[Row]:
    """The NASSS sub-domains a gap can be in (those with notation, label and review coverage), by notation."""
    rows = [row for row in _concepts(store).values() if row["level"] == str(CKG.NasssSubdomain)
            and "notation" in row and "coveredByReview" in row]
    return sorted(rows, key=lambda row: row["notation"])


def _innovation_gaps(store: GraphStore, iri: str, label: str, evidenced: set[str]) -> InnovationGaps:
    """One innovation's gaps: the sub-domains its findings do not reach (``evidenced``); the same as
    subdomains_without_evidence.rq for that innovation."""
    total = sum(1 for row in _concepts(store).values() if row["level"] == str(CKG.NasssSubdomain))
    missing = [SubdomainGap(_slug(r["concept"]), r["concept"], r["notation"], r["label"],
                            _bool(r.get("coveredByReview")))
               for r in _nasss_subdomains(store) if r["concept"] not in evidenced]
    return InnovationGaps(Ref(_slug(iri), iri, label), total - len(missing), missing)


@_cached
def gaps(store: GraphStore) -> list[InnovationGaps]:
    """Per innovation, the NASSS sub-domains with no evidence at all (CQ-4), from one query for the
    sub-domains every innovation's findings reach."""
    evidenced: dict[str, set[str]] = defaultdict(set)
    for row in _select(store, "api_innovation_subdomains"):
        evidenced[row["innovation"]].add(row["subdomain"])
    return [_innovation_gaps(store, iri, row["label"], evidenced[iri]) for iri, row in _innovation_rows(store).items()]


# --- factors ---------------------------------------------------------------------------------------------


def _factor_summary(store: GraphStore, iri: str, row: Row) -> dict:
    evidence = _evidence_by_factor(store).get(iri, [])
    subdomain, domain = _placement(store, iri)
    return dict(id=_slug(iri), iri=iri, label=row["label"], subdomain=subdomain, domain=domain,
                counts=Counts.of(evidence),
                innovation_count=len({e.innovation.iri for e in evidence if e.innovation}))


@_cached
def list_factors(store: GraphStore) -> list[FactorSummary]:
    """Every implementation factor, by label, with its NASSS placement and evidence counts."""
    return [FactorSummary(**_factor_summary(store, iri, row)) for iri, row in _factor_rows(store).items()]


@_cached
def factor(store: GraphStore, id: str) -> FactorDetail:
    """One factor: its definition, CFIR matches, the innovations it supports or hinders with the
    evidence, findings about innovations in general, and any consensus the rule reached on it."""
    iri = resource_iri("factor", id)
    row = _factor_rows(store).get(iri)
    if row is None:
        raise NotFound("factor", id)
    concepts = _concepts(store)
    cfir = [ConceptMatch(_concept(concepts, concept), match)
            for match, concept in _factor_mappings(store).get(iri, [])
            if match != "broader" and concept in concepts]
    evidence = _evidence_by_factor(store).get(iri, [])
    by_innovation = _by(evidence, lambda e: e.innovation.iri if e.innovation else None)
    per_innovation = sorted(
        (FactorForInnovation(items[0].innovation, Counts.of(items).effect, Counts.of(items), items)
         for items in by_innovation.values()),
        key=lambda f: (-f.counts.findings, f.innovation.label.lower()))
    return FactorDetail(
        **_factor_summary(store, iri, row), definition=row.get("definition"),
        scope_note=row.get("scopeNote") or None, placement=_code_or_none(row.get("placement")), cfir=cfir,
        innovations=per_innovation, general_findings=[e for e in evidence if e.innovation is None],
        consensus=[c for c in consensus(store).results if c.factor.iri == iri],
    )


# --- sources ---------------------------------------------------------------------------------------------


def _source_summary(store: GraphStore, iri: str, row: Row) -> dict:
    labels = _labels(store)
    ref = _source_refs(store)[iri]
    return dict(id=ref.id, iri=iri, kind=ref.kind, level=_code_or_none(row.get("level")),
                citation=ref.citation, year=ref.year, design=ref.design, design_label=ref.design_label,
                source_type=_code_or_none(row.get("sourceType")),
                source_type_label=_label(labels, row.get("sourceType")),
                developer_authored=ref.developer_authored,
                counts=Counts.of(_evidence_by_source(store).get(iri, [])))


@_cached
def list_studies(store: GraphStore, kind: str | None = None) -> list[SourceSummary]:
    """Every study and other source (``kind`` study or source; both when None), newest first."""
    _check_choice("kind", kind, SOURCE_KINDS)
    summaries = [SourceSummary(**_source_summary(store, iri, row))
                 for iri, row in _source_rows(store).items()]
    return sorted((s for s in summaries if kind in (None, s.kind)), key=_newest_first)


@_cached
def study(store: GraphStore, id: str) -> SourceDetail:
    """One study or other source: its bibliographic and design details, how it relates to other
    sources, the innovations it is about, its findings and the roles it states."""
    if not is_slug(id):
        raise NotFound("study or source", id)
    rows = _source_rows(store)
    iri = next((str(mint(kind, id)) for kind in SOURCE_KINDS if str(mint(kind, id)) in rows), None)
    if iri is None:
        raise NotFound("study or source", id)
    row = rows[iri]
    labels = _labels(store)
    links = _source_links(store)
    return SourceDetail(
        **_source_summary(store, iri, row), doi=row.get("doi"), urls=(row.get("urls") or "").split(),
        design_as_reported=row.get("designAsReported"), setting=row.get("setting"), read_as=row.get("readAs"),
        inclusion_status=_code_or_none(row.get("inclusionStatus")),
        inclusion_status_label=_label(labels, row.get("inclusionStatus")),
        inclusion_basis=row.get("inclusionBasis"),
        relative_to_review_search=_label(labels, row.get("relativeToReviewSearch")),
        developer_authored_basis=row.get("developerAuthoredBasis"),
        founding_review=bool(_bool(row.get("foundingReview"))), notes=_lines(row.get("notes")),
        summarises=[_source_ref(store, t) for s, r, t in links if s == iri and r == "summarises"],
        summarised_by=[_source_ref(store, s) for s, r, t in links if t == iri and r == "summarises"],
        innovations=[_innovation_ref(store, t) for s, r, t in links if s == iri and r == "studies"],
        findings=_evidence_by_source(store).get(iri, []),
        involvements=[i for i in _involvements(store) if i.stated_in and i.stated_in.iri == iri],
    )


# --- organisations ---------------------------------------------------------------------------------------


def _organisation_summary(store: GraphStore, iri: str, row: Row) -> dict:
    involvements = [i for i in _involvements(store) if i.organisation.iri == iri]
    return dict(id=_slug(iri), iri=iri, label=row["label"], type=_code_or_none(row.get("type")),
                type_label=_label(_labels(store), row.get("type")),
                innovation_count=len({i.innovation.iri for i in involvements}),
                roles=sorted({i.role for i in involvements}))


@_cached
def list_organisations(store: GraphStore) -> list[OrganisationSummary]:
    """Every organisation, by name, with the roles it plays."""
    return [OrganisationSummary(**_organisation_summary(store, iri, row))
            for iri, row in _organisation_rows(store).items()]


@_cached
def organisation(store: GraphStore, id: str) -> OrganisationDetail:
    """One organisation and its roles per innovation, each with its basis and source."""
    iri = resource_iri("organisation", id)
    row = _organisation_rows(store).get(iri)
    if row is None:
        raise NotFound("organisation", id)
    involvements = [i for i in _involvements(store) if i.organisation.iri == iri]
    per_innovation = sorted((RolesForInnovation(items[0].innovation, items)
                             for items in _by(involvements, lambda i: i.innovation.iri).values()),
                            key=lambda r: r.innovation.label.lower())
    return OrganisationDetail(**_organisation_summary(store, iri, row), notes=_lines(row.get("notes")),
                              innovations=per_innovation)


# --- frameworks and rules --------------------------------------------------------------------------------


@_cached
def taxonomy(store: GraphStore) -> Taxonomy:
    """The NASSS and CFIR 2.0 trees; each concept counts the findings whose factors sit under it
    (NASSS: the factor's sub-domain; CFIR: the factor's close or related matches)."""
    concepts = _concepts(store)
    placed: dict[str, list[MappedFactor]] = defaultdict(list)
    findings_under: dict[str, set[str]] = defaultdict(set)
    by_factor = _evidence_by_factor(store)
    for factor_iri, mappings in _factor_mappings(store).items():
        evidence = by_factor.get(factor_iri, [])
        ref = _factor_ref(store, factor_iri)
        for match, concept_iri in mappings:
            placed[concept_iri].append(MappedFactor(ref.id, ref.iri, ref.label, match, len(evidence)))
            ancestor: str | None = concept_iri
            while ancestor in concepts:
                findings_under[ancestor].update(e.iri for e in evidence)
                ancestor = concepts[ancestor].get("broader")
    evidence_by_iri = {e.iri: e for e in _evidence(store)}
    children = _by(concepts.values(), lambda row: row.get("broader"))

    def in_notation_order(rows: Iterable[Row]) -> list[Row]:
        return sorted(rows, key=lambda row: _notation_key(row.get("notation", "")))

    def node(row: Row) -> ConceptNode:
        iri = row["concept"]
        return ConceptNode(
            _slug(iri), iri, row.get("notation", ""), row["label"], _CONCEPT_LEVELS_BY_IRI[row["level"]],
            row.get("definition"), _bool(row.get("coveredByReview")), _bool(row.get("labelVerified")),
            Counts.of(evidence_by_iri[e] for e in findings_under.get(iri, ())),
            sorted(placed.get(iri, []), key=lambda f: f.label.lower()),
            [node(child) for child in in_notation_order(children.get(iri, []))])

    roots = in_notation_order(row for row in concepts.values() if row.get("broader") is None)
    return Taxonomy(nasss=[node(r) for r in roots if r["level"] == str(CKG.NasssDomain)],
                    cfir=[node(r) for r in roots if r["level"] == str(CKG.CfirDomain)])


def _rule_description() -> str:
    """The rule in words: the comment block that opens the rule's query."""
    comments = []
    for line in load_query("consensus").splitlines()[1:]:
        if not line.startswith("#"):
            break
        comments.append(line.lstrip("# ").strip())
    return " ".join(comments)


@_cached
def consensus(store: GraphStore) -> Consensus:
    """The consensus rule (name, version, what it does) and the results it materialised in the
    inferred graph."""
    rows = _select(store, "api_consensus", inferred=GRAPH_INFERRED)
    rule_iri = rows[0]["rule"] if rows else str(CONSENSUS_RULE)
    version = next((row["ruleVersion"] for row in rows if row.get("ruleVersion")), CONSENSUS_RULE_VERSION)
    results = [ConsensusFinding(_slug(row["result"]), row["result"], _factor_ref(store, row["factor"]),
                                _placement(store, row["factor"])[0], code(row["direction"]),
                                int(row["studies"]))
               for row in rows]
    return Consensus(ConsensusRule(_slug(rule_iri), rule_iri, version, _rule_description()), results)


# --- overview, ontology and RDF descriptions --------------------------------------------------------------

_TERM_KINDS = {"Class": "class", "ObjectProperty": "object-property", "DatatypeProperty": "datatype-property",
               "AnnotationProperty": "annotation-property", "NamedIndividual": "individual"}


@_cached
def ontology(store: GraphStore) -> OntologyDocument:
    """The ontology document's header and every term of the carekg vocabulary."""
    header = next(iter(_select(store, "api_ontology_header", ontologyDocument=VOCAB_DOCUMENT)), {})
    terms = [Term(row["term"].rsplit("#", 1)[-1], row["term"],
                  _TERM_KINDS.get((row.get("type") or "#").rsplit("#", 1)[-1], "term"), row["label"],
                  row.get("definition"), row.get("module"))
             for row in _select(store, "api_vocabulary_terms", ontology=GRAPH_ONTOLOGY)]
    return OntologyDocument(VOCAB_DOCUMENT, header.get("title", "carekg"), header.get("description"),
                            header.get("license"), header.get("version"), header.get("versionIri"), terms)


@_cached
def overview(store: GraphStore) -> Overview:
    """Counts of what the graph holds."""
    kinds = [source.kind for source in _source_refs(store).values()]
    return Overview(
        dataset_version=store.dataset_version(), package_version=__version__,
        ontology_version=ontology(store).version,
        triples={str(graph).rsplit("/", 1)[-1]: store.triple_count(str(graph)) for graph in GRAPHS},
        innovations=len(_innovation_rows(store)), factors=len(_factor_rows(store)),
        findings=len(_evidence(store)), studies=kinds.count("study"), sources=kinds.count("source"),
        organisations=len(_organisation_rows(store)), consensus_results=len(consensus(store).results),
    )


def jsonld_context() -> dict:
    """The JSON-LD ``@context`` of carekg's RDF: its prefixes, with carekg terms as bare names."""
    return {"@context": {"@vocab": PREFIXES["ckg"], **PREFIXES}}


def _bind_prefixes(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.bind("void", VOID)
    graph.bind("sd", SD)
    return graph


def _serialise(graph: Graph, media_type: str) -> bytes:
    if media_type not in RDF_FORMATS:
        raise InvalidArgument(f"cannot serialise RDF as {media_type!r}; use one of {', '.join(RDF_FORMATS)}")
    _bind_prefixes(graph)
    if media_type == "application/ld+json":
        return graph.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True,
                               encoding="utf-8")
    return graph.serialize(format=RDF_FORMATS[media_type], encoding="utf-8")


def _ntriples(store: GraphStore, name: str, **bindings: str) -> str:
    media_type = "application/n-triples"
    return store.construct(load_query(name), {k: str(v) for k, v in bindings.items()}, media_type).decode()


def _construct(store: GraphStore, name: str, **bindings: str) -> Graph:
    return Graph().parse(data=_ntriples(store, name, **bindings), format="nt")


def require_resource(store: GraphStore, iri: str) -> None:
    """NotFound unless the dataset names ``iri`` as the subject or the object of a statement."""
    if not store.ask(load_query("api_resource_exists"), {"resource": iri}):
        kind, id = split(iri) or ("resource", iri)
        raise NotFound(kind, id)


@_cached
def describe(store: GraphStore, iri: str, media_type: str) -> bytes:
    """The statements about ``iri``, those pointing at it and the labels of its neighbours, serialised
    as ``media_type`` (one of RDF_FORMATS); NotFound when the dataset does not name ``iri``."""
    require_resource(store, iri)
    return _serialise(_construct(store, "api_describe", resource=iri), media_type)


def _curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _statement(labels: dict[str, str], graph: Graph, predicate: URIRef, value) -> Statement:
    value_label = None
    if isinstance(value, URIRef):
        names = (*graph.objects(value, RDFS.label), *graph.objects(value, SKOS.prefLabel))
        value_label = str(names[0]) if names else labels.get(str(value))
    language = value.language if isinstance(value, Literal) else None
    return Statement(str(predicate), labels.get(str(predicate)) or _curie(str(predicate)), str(value),
                     isinstance(value, URIRef), value_label, language)


@_cached
def resource(store: GraphStore, iri: str) -> ResourceDescription:
    """Any resource's statements, ready to show as a table (for kinds without a dedicated page)."""
    require_resource(store, iri)
    graph = _construct(store, "api_describe", resource=iri)
    labels = _labels(store)
    subject = URIRef(iri)

    def in_order(statements: Iterable[Statement]) -> list[Statement]:
        return sorted(statements, key=lambda s: (s.predicate_label, s.value_label or s.value))

    outgoing = in_order(_statement(labels, graph, p, o) for p, o in graph.predicate_objects(subject))
    incoming = in_order(_statement(labels, graph, p, s) for s, p in graph.subject_predicates(subject))
    names = [s.value for s in outgoing if s.predicate in (str(RDFS.label), str(SKOS.prefLabel))]
    return ResourceDescription(iri, names[0] if names else _slug(iri),
                               [s for s in outgoing if s.predicate == str(RDF.type)],
                               [s for s in outgoing if s.predicate != str(RDF.type)], incoming)


@_cached
def ontology_rdf(store: GraphStore, media_type: str) -> bytes:
    """The ontology graph (every module, the frameworks and the factor taxonomy) as ``media_type``,
    without owl:imports between the modules it merges."""
    return _serialise(_construct(store, "api_ontology_document", graph=GRAPH_ONTOLOGY), media_type)


_GRAPH_TITLES = {
    str(GRAPH_DATA): "asserted data",
    str(GRAPH_ONTOLOGY): "ontology, frameworks and factor taxonomy",
    str(GRAPH_INFERRED): "inferred triples (HermiT classification and the SPARQL rules)",
}
RESULT_FORMATS = {
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/ld+json": FORMATS["JSON-LD"],
    "application/rdf+xml": FORMATS.RDF_XML,
}


def _triples(count: int) -> Literal:
    return Literal(count, datatype=XSD.integer)


@_cached
def service_description(store: GraphStore, endpoint: str, void_document: str, media_type: str) -> bytes:
    """A SPARQL 1.1 Service Description of the read-only endpoint at ``endpoint``."""
    graph = Graph()
    service, dataset = URIRef(endpoint), URIRef(f"{endpoint}#dataset")
    default_graph = URIRef(f"{endpoint}#default-graph")
    about_service = [(RDF.type, SD.Service), (SD.endpoint, service), (SD.supportedLanguage, SD.SPARQL11Query),
                     (SD.feature, SD.UnionDefaultGraph), (SD.defaultDataset, dataset),
                     (RDFS.seeAlso, URIRef(void_document))]
    about_service += [(SD.resultFormat, result_format) for result_format in RESULT_FORMATS.values()]
    for predicate, value in about_service:
        graph.add((service, predicate, value))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, DCTERMS.description, Literal("the union of the named graphs", lang="en")))
    graph.add((default_graph, VOID.triples, _triples(store.triple_count())))
    for name, title in _GRAPH_TITLES.items():
        named = URIRef(f"{endpoint}#graph-{name.rsplit('/', 1)[-1]}")
        described = URIRef(f"{named}-description")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, DCTERMS.title, Literal(title, lang="en")))
        graph.add((described, VOID.triples, _triples(store.triple_count(name))))
    return _serialise(graph, media_type)


@_cached
def void_description(store: GraphStore, dataset_iri: str, endpoint: str, media_type: str) -> bytes:
    """A VoID description of the dataset: its named graphs and their sizes, class partitions,
    vocabularies, licence and the SPARQL endpoint."""
    header = ontology(store)
    graph = Graph()
    dataset = URIRef(dataset_iri)
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(header.title, lang="en")))
    if header.description:
        graph.add((dataset, DCTERMS.description, Literal(header.description, lang="en")))
    if header.license:
        graph.add((dataset, DCTERMS.license, URIRef(header.license)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, VOID.uriSpace, Literal(ID_BASE)))
    graph.add((dataset, VOID.triples, _triples(sum(store.triple_count(str(g)) for g in GRAPHS))))
    graph.add((dataset, CKG.datasetVersion, Literal(store.dataset_version() or "")))
    for prefix in ("ckg", "skos", "dcterms", "rdfs", "owl"):
        graph.add((dataset, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    for name, title in _GRAPH_TITLES.items():
        subset = URIRef(name)
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, DCTERMS.title, Literal(title, lang="en")))
        graph.add((subset, VOID.triples, _triples(store.triple_count(name))))
    for row in _select(store, "api_class_partitions"):
        partition = URIRef(f"{dataset_iri}-class-{_curie(row['class']).replace(':', '-')}")
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(row["class"])))
        graph.add((partition, VOID.entities, _triples(int(row["entities"]))))
    return _serialise(graph, media_type)


# --- exports (CLI) ---------------------------------------------------------------------------------------

_CSV_COLUMNS = ("finding", "innovation", "innovation_label", "general", "factor", "factor_label",
                "nasss_subdomain", "nasss_domain", "direction", "provenance", "source", "source_kind",
                "citation", "design", "year", "developer_authored", "locator", "paraphrase")


def findings_csv(store: GraphStore) -> str:
    """Every finding as one CSV row, with its innovation, factor, NASSS placement and source."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for e in _evidence(store):
        subdomain, domain = _placement(store, e.factor.iri)
        authored = e.source.developer_authored
        writer.writerow([
            e.id, e.innovation.id if e.innovation else "", e.innovation.label if e.innovation else "",
            str(e.general).lower(), e.factor.id, e.factor.label, subdomain.code if subdomain else "",
            domain.code if domain else "", e.direction, e.provenance or "", e.source.id, e.source.kind,
            e.source.citation, e.source.design or "", e.source.year or "",
            "" if authored is None else str(authored).lower(), e.locator or "", e.paraphrase or "",
        ])
    return out.getvalue()


def export_dataset(store: GraphStore, media_type: str) -> bytes:
    """The data, ontology and inferred graphs: N-Quads and JSON-LD keep the named graphs apart;
    Turtle, N-Triples and RDF/XML merge them into one graph."""
    graphs = {str(graph): _ntriples(store, "api_graph", graph=str(graph)) for graph in GRAPHS}
    if media_type == "application/n-quads":
        return "".join(_as_quads(text, graph) for graph, text in graphs.items()).encode("utf-8")
    if media_type == "application/n-triples":
        return "".join(graphs.values()).encode("utf-8")
    if media_type == "application/ld+json":
        dataset = Dataset()
        for graph, text in graphs.items():
            dataset.graph(URIRef(graph)).parse(data=text, format="nt")
        _bind_prefixes(dataset)
        return dataset.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True,
                                 encoding="utf-8")
    merged = Graph()
    for text in graphs.values():
        merged.parse(data=text, format="nt")
    return _serialise(merged, media_type)


def _as_quads(ntriples: str, graph: str) -> str:
    """N-Triples lines with ``graph`` as their fourth term."""
    return "".join(f"{line[:-1].rstrip()} <{graph}> .\n" for line in ntriples.splitlines() if line.strip())
