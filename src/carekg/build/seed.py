"""Compile the curated evidence into Turtle.

Inputs: the seed material (``shared/seed/*.yaml``: the review, its probable studies and the two
evidence packs) and the curators' tables in ``curation/`` (canonical factors, the map from each
seed finding to a factor and innovation, sources, organisations and involvements, the NASSS to CFIR
crosswalk and the strategy suggestions for barrier factors). Outputs: ``ontology/modules/factors.ttl``,
``ontology/modules/crosswalk.ttl`` and ``data/*.ttl``. Nothing is added that the inputs do not say;
what a curator decided is recorded as such in RDF. Empty cells are left out, never written as empty
literals, so that ``carekg check`` can say what is missing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from carekg.build import crosswalk, strategies
from carekg.build import version as versioning
from carekg.build.turtle import new_graph, write
from carekg.ids import (CFIR, FACTOR, FINDING, INNOVATION, INVOLVEMENT, NASSS, ORGANISATION, SCHEME, is_slug, mint,
                        slugify)
from carekg.namespaces import CKG

FACTORS_MODULE = URIRef("https://w3id.org/carekg/def/factors")
REVIEW_SEED_ID = "REVIEW"
#: The review searched for evidence up to November 2022.
REVIEW_SEARCH_YEAR = 2022

SEED_FILES = ("evidence-facts.yaml", "evidence-more-innovations.yaml", "evidence-more-programmes.yaml")

DIRECTIONS = {"enabler": CKG.Enabler, "barrier": CKG.Barrier, "mixed": CKG.Mixed}
SOURCE_TYPES = {
    "evaluation": CKG.EvaluationReport,
    "systematic-review": CKG.SystematicReviewReport,
    "peer-reviewed-paper": CKG.PeerReviewedPaper,
    "report": CKG.Report,
    "summary-page": CKG.SummaryPage,
    "news-or-grey-literature": CKG.NewsOrGreyLiterature,
}
INCLUSION = {
    "confirmed": CKG.ConfirmedIncluded,
    "probable": CKG.ProbablyIncluded,
    "possible": CKG.PossiblyIncluded,
    "cited-only": CKG.CitedOnly,
    "not-known-included": CKG.NotKnownIncluded,
}
ROLES = {
    "developer": CKG.DeveloperRole,
    "implementer": CKG.ImplementerRole,
    "funder": CKG.FunderRole,
    "evaluator": CKG.EvaluatorRole,
    "commissioner": CKG.CommissionerRole,
    "licensee-or-purveyor": CKG.LicenseeOrPurveyorRole,
    "support-provider": CKG.SupportProviderRole,
}
CLAIM_KINDS = {"S": CKG.SourceStudyClaim, "I": CKG.CuratorInferenceClaim, "R-abs": CKG.ReviewAbstractClaim,
               "R-web": CKG.ReviewPageClaim}
ORG_TYPES = {
    "local-authority": CKG.LocalAuthority, "charity": CKG.Charity, "court": CKG.Court,
    "nhs-trust": CKG.NHSTrust, "government-body": CKG.GovernmentBody,
    "regional-partnership-board": CKG.RegionalPartnershipBoard, "research-centre": CKG.ResearchCentre,
    "university": CKG.University, "funder": CKG.FunderType, "consultancy": CKG.Consultancy,
    "support-unit": CKG.SupportUnit, "professional-body": CKG.ProfessionalBody,
    "other": CKG.OtherOrganisationType,
}


def _camel(slug: str) -> str:
    return "".join(part.capitalize() for part in slug.split("-"))


def _design(slug: str) -> URIRef:
    return CKG[_camel(slug) + "Design"]


def _kind(slug: str) -> URIRef:
    return CKG[_camel(slug)]


def _en(text) -> Literal:
    return Literal(" ".join(str(text).split()), lang="en")


def _plain(text) -> Literal:
    return Literal(" ".join(str(text).split()))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


class CurationError(ValueError):
    """The curation tables and the seed disagree; the message says where."""


@dataclass
class Inputs:
    seed: dict[str, dict]
    factors: list[dict[str, str]]
    finding_map: dict[str, dict[str, str]]
    innovations: list[dict[str, str]]
    sources: list[dict[str, str]]
    organisations: list[dict[str, str]]
    involvements: list[dict[str, str]]
    strategies: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, seed_dir: Path, curation_dir: Path) -> Inputs:
        seed = {name: yaml.safe_load((seed_dir / name).read_text(encoding="utf-8")) for name in SEED_FILES}
        return cls(
            seed=seed,
            factors=_rows(curation_dir / "factors.csv"),
            finding_map={r["finding_id"]: r for r in _rows(curation_dir / "finding-map.csv")},
            innovations=_rows(curation_dir / "innovations.csv"),
            sources=_rows(curation_dir / "sources.csv"),
            organisations=_rows(curation_dir / "organisations.csv"),
            involvements=_rows(curation_dir / "involvements.csv"),
            strategies=_rows(curation_dir / "barrier-strategies.csv"),
        )


def build_factors(inputs: Inputs, out: Path, version: str | None = None) -> None:
    version = version or versioning.current()
    graph = new_graph()
    graph.add((FACTORS_MODULE, RDF.type, OWL.Ontology))
    graph.add((FACTORS_MODULE, DCTERMS.title, _en("carekg implementation factors")))
    graph.add((FACTORS_MODULE, DCTERMS.description, _en(
        "The canonical implementation factors onto which study-specific statements are mapped, each placed "
        "under one NASSS sub-domain and crosswalked to CFIR 2.0. Compiled from curation/factors.csv.")))
    graph.add((FACTORS_MODULE, OWL.imports, URIRef("https://w3id.org/carekg/def/nasss")))
    graph.add((FACTORS_MODULE, OWL.imports, URIRef("https://w3id.org/carekg/def/cfir")))
    graph.add((FACTORS_MODULE, OWL.versionIRI, URIRef(versioning.version_iri(version, "factors"))))
    graph.add((FACTORS_MODULE, OWL.versionInfo, Literal(version)))
    scheme = SCHEME.factors
    graph.add((scheme, RDF.type, OWL.NamedIndividual))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, _en("carekg implementation factors")))
    graph.add((scheme, RDFS.label, _en("carekg implementation factors")))
    graph.add((scheme, SKOS.definition, _en(
        "Canonical organisational factors that support or hinder the implementation, scale-up and spread "
        "of innovations in children's social care.")))
    graph.add((scheme, RDFS.isDefinedBy, FACTORS_MODULE))
    for number, row in enumerate(inputs.factors, start=2):
        try:
            factor = mint("factor", row["id"])
        except ValueError as error:
            raise CurationError(f"curation/factors.csv row {number}: {error}") from None
        graph.add((factor, RDF.type, OWL.NamedIndividual))
        graph.add((factor, RDF.type, CKG.ImplementationFactor))
        if row["label"]:
            graph.add((factor, SKOS.prefLabel, _en(row["label"])))
            graph.add((factor, RDFS.label, _en(row["label"])))
        if row["definition"]:
            graph.add((factor, SKOS.definition, _en(row["definition"])))
        graph.add((factor, SKOS.inScheme, scheme))
        if row["nasss_subdomain"]:
            graph.add((factor, SKOS.broader, NASSS[slugify(row["nasss_subdomain"])]))
        graph.add((factor, CKG.subdomainPlacement, CKG.CuratorInferenceClaim))
        graph.add((factor, RDFS.isDefinedBy, FACTORS_MODULE))
        if row.get("source"):
            graph.add((factor, DCTERMS.source, _plain(row["source"])))
        for column, predicate in (("cfir_close_match", SKOS.closeMatch), ("cfir_related_match", SKOS.relatedMatch)):
            for code in filter(None, (c.strip() for c in row[column].split(";"))):
                graph.add((factor, predicate, CFIR[slugify(code)]))
        if row.get("scope_note"):
            graph.add((factor, SKOS.scopeNote, _en(row["scope_note"])))
    write(graph, out, "curation/factors.csv")


def _source_key(row: dict[str, str]) -> str:
    return row["seed_id"] or row["id"]


class SourceIndex:
    """Seed ids of studies and sources resolved to their IRIs (merged rows share one IRI)."""

    def __init__(self, rows: list[dict[str, str]]):
        self.rows = rows
        # a row a curator added without a seed record is keyed by its own id
        self.by_seed = {_source_key(row): row for row in rows}
        self.iri_by_seed: dict[str, URIRef] = {}
        entity_by_id: dict[str, str] = {}
        for row in rows:
            entity_by_id[row["id"]] = "study" if row["entity"] == "study" or entity_by_id.get(row["id"]) == "study" else "source"
        for number, row in enumerate(rows, start=2):
            try:
                self.iri_by_seed[_source_key(row)] = mint(entity_by_id[row["id"]], row["id"])
            except ValueError as error:
                raise CurationError(f"curation/sources.csv row {number}: {error}") from None
        self.iri_by_slug = {row["id"]: self.iri_by_seed[_source_key(row)] for row in rows}

    def iri(self, seed_id: str) -> URIRef:
        if seed_id not in self.iri_by_seed:
            raise CurationError(f"curation/sources.csv has no row for seed id {seed_id!r}")
        return self.iri_by_seed[seed_id]


_DOI = re.compile(r"(?:doi:\s*|doi\.org/)(10\.\d{4,9}/[^\s,;)\]]+)", re.IGNORECASE)


def _relative_to_search(year: str) -> URIRef:
    if not year:
        return CKG.UndeterminedRelativeToSearch
    if int(year) < REVIEW_SEARCH_YEAR:
        return CKG.BeforeReviewSearch
    if int(year) > REVIEW_SEARCH_YEAR:
        return CKG.AfterReviewSearch
    return CKG.UndeterminedRelativeToSearch


def _seed_sources(inputs: Inputs) -> dict[str, tuple[str, dict]]:
    """Every seed record of a study or source, keyed by seed id, with the file it came from."""
    facts = inputs.seed["evidence-facts.yaml"]
    records: dict[str, tuple[str, dict]] = {REVIEW_SEED_ID: ("evidence-facts.yaml", facts["review"])}
    for study in facts["studies"]:
        records[study["id"]] = ("evidence-facts.yaml", study)
    for name in SEED_FILES[1:]:
        for source in inputs.seed[name]["sources"]:
            records[source["id"]] = (name, source)
    return records


def build_sources(inputs: Inputs, index: SourceIndex, innovation_by_seed: dict[str, URIRef]) -> Graph:
    graph = new_graph()
    records = _seed_sources(inputs)
    seeded = {row["seed_id"] for row in inputs.sources if row["seed_id"]}
    missing = sorted(set(records) - seeded)
    extra = sorted(seeded - set(records))
    if missing or extra:
        raise CurationError(f"curation/sources.csv is out of step with the seed: missing {missing}, unknown {extra}")
    citations: dict[URIRef, list[str]] = {}
    for row in inputs.sources:
        seed_id = _source_key(row)
        node = index.iri(seed_id)
        if row["seed_id"]:
            file, record = records[seed_id]
            graph.add((node, CKG.seedRecord, Literal(f"{file}#{seed_id}")))
            graph.add((node, DCTERMS.identifier, Literal(seed_id)))
        else:
            # a study or source a curator added in one row: its citation and URLs come from the table
            record = {"url": None, "other_urls_read": [u.strip() for u in row.get("url", "").split(";") if u.strip()]}
        if row["entity"] == "study":
            graph.add((node, RDF.type, CKG.PrimaryStudy if row["study_level"] == "primary" else CKG.SecondaryStudy))
        else:
            graph.add((node, RDF.type, CKG.Source))
        if seed_id == REVIEW_SEED_ID:
            graph.add((node, CKG.isFoundingReview, Literal(True)))
            citation = (f"{', '.join(record['authors'])} ({record['year']}). {record['title']}. "
                        f"{record['server']}. doi:{record['doi']}")
            graph.add((node, DCTERMS.title, _en(record["title"])))
            graph.add((node, CKG.doi, Literal(record["doi"])))
            graph.add((node, CKG.url, Literal(f"https://doi.org/{record['doi']}", datatype=XSD.anyURI)))
        else:
            citation = record.get("citation") or row.get("citation", "")
        if citation:
            citations.setdefault(node, []).append(citation)
        if row["source_type"]:
            graph.set((node, CKG.sourceType, SOURCE_TYPES[row["source_type"]]))
        graph.set((node, CKG.designCategory, _design(row["design_category"] or "unknown")))
        graph.set((node, CKG.inclusionStatus, INCLUSION[row["inclusion_status"] or "not-known-included"]))
        if row["year"]:
            graph.set((node, CKG.publicationYear, Literal(int(row["year"]))))
        graph.set((node, CKG.relativeToReviewSearch, _relative_to_search(row["year"])))
        if row["developer_authored"] in {"true", "false"}:
            graph.set((node, CKG.developerAuthored, Literal(row["developer_authored"] == "true")))
            graph.set((node, CKG.developerAuthoredBasis, _en(row["developer_basis"] or "curator judgement")))
        for study_slug in filter(None, (s.strip() for s in row["summarises"].split(";"))):
            if study_slug not in index.iri_by_slug:
                raise CurationError(f"sources.csv row {seed_id} summarises unknown id {study_slug!r}")
            if index.iri_by_slug[study_slug] != node:
                graph.add((node, CKG.summarises, index.iri_by_slug[study_slug]))
        if row["note"]:
            graph.add((node, CKG.curatorNote, _en(row["note"])))
        for url in [record.get("url"), *record.get("other_urls_read", []), *record.get("sources", [])]:
            if url and str(url).startswith(("http://", "https://")):
                graph.add((node, CKG.url, Literal(str(url).strip(), datatype=XSD.anyURI)))
        match = _DOI.search(citation)
        if match and seed_id != REVIEW_SEED_ID:
            graph.add((node, CKG.doi, Literal(match.group(1).rstrip("."))))
        design = record.get("design")
        if design and design != "unknown":
            graph.add((node, CKG.designAsReported, _plain(design)))
        setting = record.get("setting") or record.get("setting_country") or record.get("country")
        if setting:
            graph.add((node, CKG.setting, _plain(setting)))
        if record.get("read_as"):
            graph.add((node, CKG.readAs, _plain(record["read_as"])))
        if record.get("inclusion_basis"):
            graph.add((node, CKG.inclusionBasis, _en(record["inclusion_basis"])))
        if record.get("note"):
            graph.add((node, CKG.curatorNote, _en(f"Compiler's note: {record['note']}")))
        for innovation_seed in record.get("innovations", []) or []:
            graph.add((node, CKG.studies, innovation_by_seed[innovation_seed]))
        for innovation_id in filter(None, (i.strip() for i in row.get("innovations", "").split(";"))):
            if not is_slug(innovation_id):
                raise CurationError(f"sources.csv row {seed_id} names innovation {innovation_id!r}, which is not an id")
            graph.add((node, CKG.studies, INNOVATION[innovation_id]))
    for node, texts in citations.items():
        graph.add((node, CKG.citation, _plain(texts[0])))
        for other in texts[1:]:
            if other != texts[0]:
                graph.add((node, CKG.curatorNote, _en(f"Merged with another seed record of the same work, cited as: {other}")))
    return graph


def build_organisations(inputs: Inputs, index: SourceIndex) -> Graph:
    graph = new_graph()
    for row in inputs.organisations:
        node = mint("organisation", row["id"])
        graph.add((node, RDF.type, CKG.Organisation))
        graph.add((node, RDFS.label, _en(row["label"])))
        graph.add((node, CKG.organisationType, ORG_TYPES[row["org_type"]]))
        if row["seed_id"]:
            graph.add((node, DCTERMS.identifier, Literal(row["seed_id"])))
            graph.add((node, CKG.seedRecord, Literal(f"evidence-facts.yaml#{row['seed_id']}")))
        if row.get("note"):
            graph.add((node, CKG.curatorNote, _en(row["note"])))
    return graph


def build_innovations(inputs: Inputs, index: SourceIndex) -> tuple[Graph, dict[str, URIRef]]:
    graph = new_graph()
    by_seed: dict[str, URIRef] = {}
    for number, row in enumerate(inputs.innovations, start=2):
        try:
            node = mint("innovation", row["id"])
        except ValueError as error:
            raise CurationError(f"curation/innovations.csv row {number}: {error}") from None
        if row["seed_id"]:
            by_seed[row["seed_id"]] = node
            graph.add((node, CKG.seedRecord, Literal(f"evidence-facts.yaml#{row['seed_id']}")))
        graph.add((node, RDF.type, CKG.Innovation))
        if row["label"]:
            graph.add((node, RDFS.label, _en(row["label"])))
        if row["abbreviation"]:
            graph.add((node, CKG.abbreviation, Literal(row["abbreviation"])))
        if row["kind"]:
            graph.add((node, CKG.innovationKind, _kind(row["kind"])))
        if row["description"]:
            graph.add((node, DCTERMS.description, _en(row["description"])))
        if row.get("source"):
            # the study or source that justifies a curator-added innovation: its id, or a citation
            source = index.iri_by_slug.get(row["source"])
            graph.add((node, DCTERMS.source, source if source is not None else _plain(row["source"])))
        if row["origin"]:
            graph.add((node, CKG.origin, _en(row["origin"])))
        graph.add((node, CKG.claimKind, CLAIM_KINDS[row["provenance"] or "S"]))
    organisations = {row["id"] for row in inputs.organisations}
    for row in inputs.involvements:
        if row["organisation_id"] not in organisations:
            raise CurationError(f"involvements.csv names unknown organisation {row['organisation_id']!r}")
        innovation = mint("innovation", row["innovation_id"])
        node = mint("involvement", f"{row['innovation_id']}-{row['organisation_id']}-{row['role']}")
        graph.add((innovation, CKG.involvement, node))
        graph.add((node, RDF.type, CKG.Involvement))
        graph.add((node, CKG.organisation, mint("organisation", row["organisation_id"])))
        graph.add((node, CKG.role, ROLES[row["role"]]))
        graph.add((node, CKG.basis, _en(row["basis"])))
        graph.add((node, CKG.claimKind, CLAIM_KINDS[row["provenance"] or "I"]))
        seed = row["source_seed_id"]
        if seed in index.iri_by_seed:
            graph.add((node, CKG.statedIn, index.iri(seed)))
        elif seed:
            graph.add((node, CKG.seedRecord, Literal(f"evidence-facts.yaml#{seed}")))
    return graph, by_seed


def _seed_findings(inputs: Inputs) -> list[tuple[str, dict]]:
    out = [("evidence-facts.yaml", f) for f in inputs.seed["evidence-facts.yaml"]["findings"]]
    for name in SEED_FILES[1:]:
        out.extend((name, f) for f in inputs.seed[name]["findings"])
    return out


def _composed_paraphrase(record: dict, direction: str) -> str:
    factor = record["factor"]
    if record["study_id"] == REVIEW_SEED_ID:
        kind = "enablers" if direction == "enabler" else "barriers"
        return (f"The review's abstract lists {factor} among the {kind} on which a clear consensus seems to be "
                f"emerging across the literature.")
    return f"The source reports {factor} as {'an' if direction == 'enabler' else 'a'} {direction}."


def build_findings(inputs: Inputs, index: SourceIndex) -> dict[str, Graph]:
    graphs = {name: new_graph() for name in SEED_FILES}
    records = _seed_findings(inputs)
    ids = [r["id"] for _, r in records]
    unmapped = sorted(set(ids) - set(inputs.finding_map))
    unknown = sorted(set(inputs.finding_map) - set(ids))
    if unmapped or unknown:
        raise CurationError(f"curation/finding-map.csv is out of step with the seed: unmapped {unmapped}, unknown {unknown}")
    factors = {row["id"] for row in inputs.factors}
    innovations = {row["id"] for row in inputs.innovations}
    retained: dict[str, tuple[str, dict]] = {}
    merged_into: dict[str, list[tuple[str, dict]]] = {}
    for file, record in records:
        target = inputs.finding_map[record["id"]]["duplicate_of"]
        if target:
            merged_into.setdefault(target, []).append((file, record))
        else:
            retained[record["id"]] = (file, record)
    for target in merged_into:
        if target not in retained:
            raise CurationError(f"finding-map.csv merges into {target!r}, which is not a retained finding")
    for finding_id, (file, record) in retained.items():
        mapping = inputs.finding_map[finding_id]
        if mapping["factor_id"] not in factors:
            raise CurationError(f"finding {finding_id} maps to unknown factor {mapping['factor_id']!r}")
        graph = graphs[file]
        node = FINDING[slugify(finding_id)]
        direction = mapping["direction"]
        graph.add((node, RDF.type, CKG.Finding))
        is_review = record.get("study_id") == REVIEW_SEED_ID
        if is_review:
            graph.add((node, RDF.type, CKG.ReviewSynthesisFinding))
        graph.add((node, CKG.aboutFactor, FACTOR[mapping["factor_id"]]))
        graph.add((node, CKG.direction, DIRECTIONS[direction]))
        if mapping["innovation_id"] == "general":
            graph.add((node, CKG.concernsInnovationsInGeneral, Literal(True)))
        elif mapping["innovation_id"] in innovations:
            graph.add((node, CKG.aboutInnovation, INNOVATION[mapping["innovation_id"]]))
        else:
            raise CurationError(f"finding {finding_id} maps to unknown innovation {mapping['innovation_id']!r}")
        source_seed = record.get("source_id") or record.get("study_id")
        graph.add((node, CKG.reportedIn, index.iri(source_seed)))
        if is_review:
            kind = CKG.ReviewAbstractClaim
        else:
            kind = CLAIM_KINDS[mapping.get("provenance") or "S"]
        graph.add((node, CKG.provenanceKind, kind))
        if record.get("paraphrase"):
            graph.add((node, CKG.paraphrase, _en(record["paraphrase"])))
        else:
            graph.add((node, CKG.paraphrase, _en(_composed_paraphrase(record, direction))))
            graph.add((node, CKG.curatorNote, _en(
                "The seed record gives no paraphrase; this one is composed from its factor wording and direction.")))
        graph.add((node, CKG.factorAsReported, _en(record["factor"])))
        reported_innovation = record.get("innovation") or ", ".join(record.get("innovation_ids", []))
        graph.add((node, CKG.innovationAsReported, _plain(reported_innovation)))
        if record.get("locator"):
            graph.add((node, CKG.locator, _plain(record["locator"])))
        for extra_file, extra in [(file, record), *merged_into.get(finding_id, [])]:
            graph.add((node, CKG.seedRecord, Literal(f"{extra_file}#{extra['id']}")))
            graph.add((node, DCTERMS.identifier, Literal(extra["id"])))
            if extra.get("source_note"):
                graph.add((node, CKG.curatorNote, _en(f"Seed note ({extra['id']}): {extra['source_note']}")))
            if extra.get("note"):
                graph.add((node, CKG.curatorNote, _en(f"Compiler's note ({extra['id']}): {extra['note']}")))
        for extra_file, extra in merged_into.get(finding_id, []):
            graph.add((node, CKG.curatorNote, _en(
                f"Merged with {extra_file}#{extra['id']} ({extra['factor']}), the same claim from the same study.")))
        if mapping["note"]:
            graph.add((node, CKG.curatorNote, _en(f"Mapping note: {mapping['note']}")))
    return graphs


def build(seed_dir: Path, curation_dir: Path, ontology_dir: Path, data_dir: Path) -> list[Path]:
    """Compile factors and evidence; returns the files written."""
    inputs = Inputs.read(seed_dir, curation_dir)
    written = []
    version = versioning.current(ontology_dir)
    factors_out = ontology_dir / "modules" / "factors.ttl"
    build_factors(inputs, factors_out, version)
    written.append(factors_out)
    crosswalk_out = ontology_dir / "modules" / "crosswalk.ttl"
    try:
        crosswalk.build(curation_dir / "mappings" / "nasss-cfir.sssom.tsv", crosswalk_out, version)
    except crosswalk.MappingError as error:
        raise CurationError(f"curation/mappings/nasss-cfir.sssom.tsv: {error}") from None
    written.append(crosswalk_out)
    index = SourceIndex(inputs.sources)
    innovations, innovation_by_seed = build_innovations(inputs, index)
    outputs = {
        "innovations.ttl": (innovations, "curation/innovations.csv, curation/involvements.csv"),
        "organisations.ttl": (build_organisations(inputs, index), "curation/organisations.csv"),
        "sources.ttl": (build_sources(inputs, index, innovation_by_seed),
                        "shared/seed/*.yaml (review, studies, sources) and curation/sources.csv"),
        "strategies.ttl": (strategies.compile_rows(inputs.strategies, inputs.factors, CurationError),
                           "curation/barrier-strategies.csv"),
    }
    for name, graph in build_findings(inputs, index).items():
        outputs[f"findings/{name.removesuffix('.yaml')}.ttl"] = (
            graph, f"shared/seed/{name} (findings) and curation/finding-map.csv")
    for name, (graph, origin) in outputs.items():
        path = data_dir / name
        write(graph, path, origin)
        written.append(path)
    return written
