"""The REST API's response models: the public contract, filled from carekg.services' answers."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from carekg.ids import mint


def _iri(kind: str, slug: str) -> str:
    return str(mint(kind, slug))


INNOVATION_IRI = _iri("innovation", "signs-of-safety")
FACTOR_IRI = _iri("factor", "senior-leadership-buy-in-and-support")
STUDY_IRI = _iri("study", "ott-2020-mockingbird-programme-evaluation")


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Ref(Schema):
    """A resource: its id (the last segment of its IRI), IRI and label."""

    id: str = Field(examples=["signs-of-safety"])
    iri: str = Field(examples=[INNOVATION_IRI])
    label: str = Field(examples=["Signs of Safety"])


class Concept(Schema):
    """A NASSS or CFIR 2.0 concept; ``code`` is its notation."""

    id: str = Field(examples=["5b"])
    iri: str = Field(examples=[_iri("nasss", "5b")])
    code: str = Field(examples=["5B"])
    label: str = Field(examples=["Readiness for this technology/change"])


class Counts(Schema):
    """Findings, the distinct sources behind them, and findings per direction."""

    findings: int = Field(examples=[10])
    sources: int = Field(examples=[8])
    enabler: int = Field(examples=[7])
    barrier: int = Field(examples=[2])
    mixed: int = Field(examples=[1])


class SourceRef(Schema):
    """A source as cited by a finding; ``kind`` is ``study`` or ``source`` (a non-study document)."""

    id: str = Field(examples=["ott-2020-mockingbird-programme-evaluation"])
    iri: str = Field(examples=[STUDY_IRI])
    kind: str = Field(examples=["study"])
    citation: str = Field(examples=["Mockingbird programme evaluation: Rees Centre, Oxford (2020)"])
    year: int | None = Field(examples=[2020])
    design: str | None = Field(examples=["mixed-methods-evaluation"])
    design_label: str | None = Field(examples=["mixed-methods evaluation"])
    developer_authored: bool | None = Field(examples=[False])
    url: str | None = Field(examples=["https://doi.org/10.1000/example"])


class Evidence(Schema):
    """One finding: a factor acted as an enabler, a barrier or both (mixed), according to a source."""

    id: str = Field(examples=["a-sos-03"])
    iri: str = Field(examples=[_iri("finding", "a-sos-03")])
    direction: str = Field(examples=["enabler"], description="enabler, barrier or mixed")
    provenance: str | None = Field(examples=["source-study"], description="review-abstract, review-page, "
                                                                         "source-study or curator-inference")
    provenance_label: str | None = Field(examples=["source study"])
    paraphrase: str | None = Field(examples=["Directors' visible backing helped embed the framework."])
    locator: str | None = Field(examples=["Findings, section 4"])
    factor_as_reported: str | None = Field(examples=["leadership commitment"])
    review_synthesis: bool = Field(description="the founding review's own synthesis across its studies")
    general: bool = Field(description="about innovations in children's social care in general")
    factor: Ref
    innovation: Ref | None
    source: SourceRef


class FactorEvidence(Schema):
    factor: Ref
    effect: str | None = Field(examples=["supports"], description="supports, hinders or both")
    counts: Counts
    findings: list[Evidence]


class SubdomainProfile(Schema):
    id: str = Field(examples=["5b"])
    iri: str = Field(examples=[_iri("nasss", "5b")])
    code: str = Field(examples=["5B"])
    label: str = Field(examples=["Readiness for this technology/change"])
    counts: Counts
    factors: list[FactorEvidence]


class DomainProfile(Schema):
    id: str = Field(examples=["5"])
    iri: str = Field(examples=[_iri("nasss", "5")])
    code: str = Field(examples=["5"])
    label: str = Field(examples=["The organization(s)"])
    counts: Counts
    subdomains: list[SubdomainProfile]


class InnovationProfile(Schema):
    """An innovation's factors grouped by NASSS domain and sub-domain, each with its findings."""

    innovation: Ref
    filters: dict[str, str] = Field(examples=[{"direction": "barrier", "domain": "5"}])
    counts: Counts
    factor_count: int = Field(examples=[20])
    domains: list[DomainProfile]


class InnovationSummary(Schema):
    id: str = Field(examples=["signs-of-safety"])
    iri: str = Field(examples=[INNOVATION_IRI])
    label: str = Field(examples=["Signs of Safety"])
    abbreviation: str | None = Field(examples=["SoS"])
    kind: str | None = Field(examples=["practice-framework"])
    kind_label: str | None = Field(examples=["practice framework"])
    counts: Counts
    factor_count: int = Field(examples=[20])


class Involvement(Schema):
    """One organisation's role for one innovation, with its basis and source."""

    organisation: Ref
    organisation_type: str | None = Field(examples=["local-authority"])
    innovation: Ref
    role: str = Field(examples=["developer"])
    role_label: str = Field(examples=["developer"])
    basis: str | None = Field(examples=["created the framework in Western Australia"])
    claim_kind: str | None = Field(examples=["source-study"])
    stated_in: SourceRef | None


class InnovationDetail(InnovationSummary):
    description: str | None = Field(examples=["Strengths-based child protection casework framework."])
    origin: str | None = Field(examples=["Developed in Western Australia in the 1990s."])
    claim_kind: str | None = Field(examples=["source-study"])
    involvements: list[Involvement]
    sources: list[SourceRef]


class FactorSummary(Schema):
    id: str = Field(examples=["senior-leadership-buy-in-and-support"])
    iri: str = Field(examples=[FACTOR_IRI])
    label: str = Field(examples=["Senior management and leadership buy-in and support"])
    subdomain: Concept | None
    domain: Concept | None
    counts: Counts
    innovation_count: int = Field(examples=[4])


class ConceptMatch(Schema):
    concept: Concept
    match: str = Field(examples=["close"], description="close or related (SKOS mapping)")


class FactorForInnovation(Schema):
    innovation: Ref
    effect: str | None = Field(examples=["supports"])
    counts: Counts
    findings: list[Evidence]


class ConsensusFinding(Schema):
    """The rule found that the evidence agrees on this factor in this direction."""

    id: str = Field(examples=["senior-leadership-buy-in-and-support-enabler"])
    iri: str = Field(examples=[_iri("consensus", "senior-leadership-buy-in-and-support-enabler")])
    factor: Ref
    subdomain: Concept | None
    direction: str = Field(examples=["enabler"])
    independent_study_count: int = Field(examples=[3])


class FactorDetail(FactorSummary):
    definition: str | None = Field(examples=["Visible backing from directors and senior managers."])
    scope_note: str | None
    placement: str | None = Field(examples=["curator-inference"], description="who placed it in NASSS")
    cfir: list[ConceptMatch]
    innovations: list[FactorForInnovation]
    general_findings: list[Evidence]
    consensus: list[ConsensusFinding]


class SourceSummary(Schema):
    id: str = Field(examples=["ott-2020-mockingbird-programme-evaluation"])
    iri: str = Field(examples=[STUDY_IRI])
    kind: str = Field(examples=["study"], description="study, or source for a document that is not a study")
    level: str | None = Field(examples=["primary-study"], description="primary-study or secondary-study")
    citation: str
    year: int | None = Field(examples=[2020])
    design: str | None = Field(examples=["mixed-methods-evaluation"])
    design_label: str | None = Field(examples=["mixed-methods evaluation"])
    source_type: str | None = Field(examples=["evaluation-report"])
    source_type_label: str | None = Field(examples=["evaluation"])
    developer_authored: bool | None = Field(examples=[False])
    counts: Counts


class SourceDetail(SourceSummary):
    doi: str | None = Field(examples=["10.1000/example"])
    urls: list[str]
    design_as_reported: str | None
    setting: str | None = Field(examples=["England"])
    read_as: str | None
    inclusion_status: str | None = Field(examples=["confirmed"])
    inclusion_status_label: str | None = Field(examples=["confirmed"])
    inclusion_basis: str | None
    relative_to_review_search: str | None = Field(examples=["before the review's search date"])
    developer_authored_basis: str | None
    founding_review: bool
    notes: list[str]
    summarises: list[SourceRef]
    summarised_by: list[SourceRef]
    innovations: list[Ref]
    findings: list[Evidence]
    involvements: list[Involvement]


class OrganisationSummary(Schema):
    id: str = Field(examples=["department-for-education"])
    iri: str = Field(examples=[_iri("organisation", "department-for-education")])
    label: str = Field(examples=["Department for Education (England)"])
    type: str | None = Field(examples=["government-body"])
    type_label: str | None = Field(examples=["government body"])
    innovation_count: int = Field(examples=[5])
    roles: list[str] = Field(examples=[["developer", "funder"]])


class RolesForInnovation(Schema):
    innovation: Ref
    roles: list[Involvement]


class OrganisationDetail(OrganisationSummary):
    notes: list[str]
    innovations: list[RolesForInnovation]


class MappedFactor(Schema):
    id: str = Field(examples=["senior-leadership-buy-in-and-support"])
    iri: str = Field(examples=[FACTOR_IRI])
    label: str = Field(examples=["Senior management and leadership buy-in and support"])
    match: str = Field(examples=["broader"], description="broader (NASSS placement), close or related (CFIR)")
    findings: int = Field(examples=[10])


class ConceptNode(Schema):
    """A framework concept, the factors placed under it and the evidence under it and its descendants."""

    id: str = Field(examples=["5"])
    iri: str = Field(examples=[_iri("nasss", "5")])
    code: str = Field(examples=["5"])
    label: str = Field(examples=["The organization(s)"])
    level: str = Field(examples=["nasss-domain"])
    definition: str | None
    covered_by_review: bool | None
    label_verified: bool | None
    counts: Counts
    factors: list[MappedFactor]
    children: list[ConceptNode]


class Taxonomy(Schema):
    nasss: list[ConceptNode]
    cfir: list[ConceptNode]


class ConsensusRule(Schema):
    id: str = Field(examples=["consensus-two-independent-studies"])
    iri: str = Field(examples=[_iri("rule", "consensus-two-independent-studies")])
    version: str = Field(examples=["1.0.0"])
    description: str


class Consensus(Schema):
    rule: ConsensusRule
    results: list[ConsensusFinding]


class ComparisonCell(Schema):
    innovation: str = Field(examples=["signs-of-safety"])
    effect: str | None = Field(examples=["both"])
    counts: Counts


class ComparisonRow(Schema):
    factor: Ref
    subdomain: Concept | None
    domain: Concept | None
    cells: list[ComparisonCell]


class Comparison(Schema):
    """One row per factor any of the innovations has evidence on, one cell per innovation."""

    innovations: list[Ref]
    shared_factors: int = Field(examples=[3], description="factors with evidence for every innovation")
    rows: list[ComparisonRow]


class SubdomainGap(Schema):
    id: str = Field(examples=["7a"])
    iri: str = Field(examples=[_iri("nasss", "7a")])
    code: str = Field(examples=["7A"])
    label: str
    covered_by_review: bool | None


class InnovationGaps(Schema):
    innovation: Ref
    evidenced_subdomains: int = Field(examples=[11])
    missing: list[SubdomainGap]


class Overview(Schema):
    dataset_version: str | None = Field(examples=["5a80447b9159d671"])
    package_version: str = Field(examples=["0.1.0"])
    ontology_version: str | None = Field(examples=["0.1.0"])
    triples: dict[str, int] = Field(examples=[{"data": 5686, "ontology": 3007, "inferred": 420}])
    innovations: int
    factors: int
    findings: int
    studies: int
    sources: int
    organisations: int
    consensus_results: int


class Health(Schema):
    status: str = Field(examples=["ok"])
    dataset_version: str | None = Field(examples=["5a80447b9159d671"])


class Problem(Schema):
    """An error: what went wrong, in words."""

    detail: str = Field(examples=["no innovation with id 'x'"])


Item = TypeVar("Item")


class Page(Schema, Generic[Item]):
    """One page of a list: ``count`` is the total number of items, whatever the page."""

    data: list[Item]
    count: int = Field(examples=[13])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])
