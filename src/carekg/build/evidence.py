"""Compile the curators' tables into Turtle.

Inputs: ``curation/`` only (see ``curation/README.md``): factors, innovations, sources, findings,
organisations, involvements, the NASSS to CFIR crosswalk and the strategy suggestions for barrier
factors. The seed material the project started from was imported into these tables once; each row
keeps its seed records (``ckg:seedRecord``). Outputs: ``ontology/modules/factors.ttl``,
``ontology/modules/crosswalk.ttl`` and ``data/*.ttl``. Every table is checked before anything is
written, so a bad row changes nothing. Empty cells are left out, never written as empty literals.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from carekg.build import crosswalk, strategies
from carekg.build import version as versioning
from carekg.build.tables import CurationError, Row, Tables, read, split
from carekg.build.turtle import new_graph, write
from carekg.ids import (
    CFIR,
    DIRECTION_CODES,
    FACTOR,
    FINDING,
    INNOVATION,
    NASSS,
    SCHEME,
    mint,
    module_iri,
    slugify,
)
from carekg.namespaces import CKG

__all__ = ["CurationError", "build", "compile_all", "write_all"]

FACTORS_MODULE = module_iri("factors")
#: The review searched for evidence up to November 2022.
REVIEW_SEARCH_YEAR = 2022
#: Findings a curator added after the seed import (no seed record) are written here.
CURATED_FINDINGS = "curated"

DIRECTIONS = {code: URIRef(direction) for direction, code in DIRECTION_CODES.items()}
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


def _en(text) -> Literal:
    return Literal(" ".join(str(text).split()), lang="en")


def _plain(text) -> Literal:
    return Literal(" ".join(str(text).split()))


def _add_seed_records(graph: Graph, node: URIRef, cell: str) -> None:
    for record in split(cell):
        graph.add((node, CKG.seedRecord, Literal(record)))
        graph.add((node, DCTERMS.identifier, Literal(record.split("#", 1)[1])))


def build_factors(tables: Tables, version: str) -> Graph:
    graph = new_graph()
    graph.add((FACTORS_MODULE, RDF.type, OWL.Ontology))
    graph.add((FACTORS_MODULE, DCTERMS.title, _en("carekg implementation factors")))
    graph.add((FACTORS_MODULE, DCTERMS.description, _en(
        "The canonical implementation factors onto which study-specific statements are mapped, each placed "
        "under one NASSS sub-domain and crosswalked to CFIR 2.0. Compiled from curation/factors.csv.")))
    graph.add((FACTORS_MODULE, OWL.imports, module_iri("nasss")))
    graph.add((FACTORS_MODULE, OWL.imports, module_iri("cfir")))
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
    for row in tables.factors:
        factor = FACTOR[row["id"]]
        graph.add((factor, RDF.type, OWL.NamedIndividual))
        graph.add((factor, RDF.type, CKG.ImplementationFactor))
        graph.add((factor, SKOS.prefLabel, _en(row["label"])))
        graph.add((factor, RDFS.label, _en(row["label"])))
        if row["definition"]:
            graph.add((factor, SKOS.definition, _en(row["definition"])))
        graph.add((factor, SKOS.inScheme, scheme))
        if row["nasss_subdomain"]:
            graph.add((factor, SKOS.broader, NASSS[slugify(row["nasss_subdomain"])]))
        for broader in split(row["broader_factor"]):
            graph.add((factor, SKOS.broader, FACTOR[broader]))
        graph.add((factor, CKG.subdomainPlacement, CKG.CuratorInferenceClaim))
        graph.add((factor, RDFS.isDefinedBy, FACTORS_MODULE))
        if row["source"]:
            graph.add((factor, DCTERMS.source, _plain(row["source"])))
        for column, predicate in (("cfir_close_match", SKOS.closeMatch),
                                  ("cfir_related_match", SKOS.relatedMatch)):
            for code in split(row[column]):
                graph.add((factor, predicate, CFIR[slugify(code)]))
        if row["scope_note"]:
            graph.add((factor, SKOS.scopeNote, _en(row["scope_note"])))
    return graph


def _source_iri(row: Row) -> URIRef:
    return mint("study" if row["entity"] == "study" else "source", row["id"])


def _relative_to_search(year: str) -> URIRef:
    if not year:
        return CKG.UndeterminedRelativeToSearch
    if int(year) < REVIEW_SEARCH_YEAR:
        return CKG.BeforeReviewSearch
    if int(year) > REVIEW_SEARCH_YEAR:
        return CKG.AfterReviewSearch
    return CKG.UndeterminedRelativeToSearch


def build_sources(tables: Tables) -> Graph:
    graph = new_graph()
    iris = {row["id"]: _source_iri(row) for row in tables.sources}
    for row in tables.sources:
        node = iris[row["id"]]
        _add_seed_records(graph, node, row["seed_records"])
        if row["entity"] == "study":
            level = CKG.PrimaryStudy if row["study_level"] == "primary" else CKG.SecondaryStudy
            graph.add((node, RDF.type, level))
        else:
            graph.add((node, RDF.type, CKG.Source))
        if row["founding_review"]:
            graph.add((node, CKG.isFoundingReview, Literal(True)))
        if row["title"]:
            graph.add((node, DCTERMS.title, _en(row["title"])))
        graph.add((node, CKG.citation, _plain(row["citation"])))
        graph.add((node, CKG.sourceType, SOURCE_TYPES[row["source_type"]]))
        graph.add((node, CKG.designCategory, CKG[_camel(row["design_category"]) + "Design"]))
        if row["inclusion_status"]:  # empty only for the founding review itself
            graph.add((node, CKG.inclusionStatus, INCLUSION[row["inclusion_status"]]))
        if row["year"]:
            graph.add((node, CKG.publicationYear, Literal(int(row["year"]))))
        graph.add((node, CKG.relativeToReviewSearch, _relative_to_search(row["year"])))
        if row["developer_authored"]:
            graph.add((node, CKG.developerAuthored, Literal(row["developer_authored"] == "true")))
            graph.add((node, CKG.developerAuthoredBasis, _en(row["developer_basis"])))
        for target in split(row["summarises"]):
            graph.add((node, CKG.summarises, iris[target]))
        for doi in split(row["doi"]):
            graph.add((node, CKG.doi, Literal(doi)))
        for url in split(row["url"]):
            graph.add((node, CKG.url, Literal(url, datatype=XSD.anyURI)))
        for column, predicate, literal in (
                ("inclusion_basis", CKG.inclusionBasis, _en), ("setting", CKG.setting, _plain),
                ("design_as_reported", CKG.designAsReported, _plain), ("read_as", CKG.readAs, _plain),
                ("note", CKG.curatorNote, _en)):
            for text in split(row[column], "\n"):
                graph.add((node, predicate, literal(text)))
        for innovation in split(row["innovations"]):
            graph.add((node, CKG.studies, INNOVATION[innovation]))
    return graph


def build_organisations(tables: Tables) -> Graph:
    graph = new_graph()
    for row in tables.organisations:
        node = mint("organisation", row["id"])
        graph.add((node, RDF.type, CKG.Organisation))
        graph.add((node, RDFS.label, _en(row["label"])))
        graph.add((node, CKG.organisationType, ORG_TYPES[row["org_type"]]))
        if row["seed_id"]:
            graph.add((node, DCTERMS.identifier, Literal(row["seed_id"])))
            graph.add((node, CKG.seedRecord, Literal(f"evidence-facts.yaml#{row['seed_id']}")))
        if row["note"]:
            graph.add((node, CKG.curatorNote, _en(row["note"])))
    return graph


def build_innovations(tables: Tables) -> Graph:
    graph = new_graph()
    sources = {row["id"]: _source_iri(row) for row in tables.sources}
    for row in tables.innovations:
        node = mint("innovation", row["id"])
        if row["seed_id"]:
            graph.add((node, CKG.seedRecord, Literal(f"evidence-facts.yaml#{row['seed_id']}")))
        graph.add((node, RDF.type, CKG.Innovation))
        if row["label"]:
            graph.add((node, RDFS.label, _en(row["label"])))
        if row["abbreviation"]:
            graph.add((node, CKG.abbreviation, Literal(row["abbreviation"])))
        if row["kind"]:
            graph.add((node, CKG.innovationKind, CKG[_camel(row["kind"])]))
        if row["description"]:
            graph.add((node, DCTERMS.description, _en(row["description"])))
        if row["source"]:
            # the study or source that justifies a curator-added innovation: its id, or a citation
            source = sources.get(row["source"])
            graph.add((node, DCTERMS.source, source if source is not None else _plain(row["source"])))
        if row["origin"]:
            graph.add((node, CKG.origin, _en(row["origin"])))
        graph.add((node, CKG.claimKind, CLAIM_KINDS[row["provenance"] or "S"]))
    for row in tables.involvements:
        innovation = mint("innovation", row["innovation_id"])
        node = mint("involvement", f"{row['innovation_id']}-{row['organisation_id']}-{row['role']}")
        graph.add((innovation, CKG.involvement, node))
        graph.add((node, RDF.type, CKG.Involvement))
        graph.add((node, CKG.organisation, mint("organisation", row["organisation_id"])))
        graph.add((node, CKG.role, ROLES[row["role"]]))
        graph.add((node, CKG.basis, _en(row["basis"])))
        graph.add((node, CKG.claimKind, CLAIM_KINDS[row["provenance"] or "I"]))
        if row["source_id"]:
            graph.add((node, CKG.statedIn, sources[row["source_id"]]))
        if row["seed_record"]:
            graph.add((node, CKG.seedRecord, Literal(row["seed_record"])))
    return graph


def _findings_file(row: Row) -> str:
    """Findings imported from a seed file stay in that file's Turtle; a curator's new ones go to
    curated.ttl."""
    records = split(row["seed_records"])
    return records[0].split("#", 1)[0].removesuffix(".yaml") if records else CURATED_FINDINGS


def build_findings(tables: Tables) -> dict[str, Graph]:
    graphs: dict[str, Graph] = {}
    sources = {row["id"]: row for row in tables.sources}
    for row in tables.findings:
        graph = graphs.setdefault(_findings_file(row), new_graph())
        node = FINDING[row["id"]]
        source = sources[row["source"]]
        graph.add((node, RDF.type, CKG.Finding))
        if source["founding_review"]:
            graph.add((node, RDF.type, CKG.ReviewSynthesisFinding))
        graph.add((node, CKG.aboutFactor, FACTOR[row["factor"]]))
        graph.add((node, CKG.direction, DIRECTIONS[row["direction"]]))
        if row["innovation"] == "general":
            graph.add((node, CKG.concernsInnovationsInGeneral, Literal(True)))
        else:
            graph.add((node, CKG.aboutInnovation, INNOVATION[row["innovation"]]))
        graph.add((node, CKG.reportedIn, _source_iri(source)))
        graph.add((node, CKG.provenanceKind, CLAIM_KINDS[row["provenance"]]))
        graph.add((node, CKG.paraphrase, _en(row["paraphrase"])))
        if row["factor_as_reported"]:
            graph.add((node, CKG.factorAsReported, _en(row["factor_as_reported"])))
        if row["innovation_as_reported"]:
            graph.add((node, CKG.innovationAsReported, _plain(row["innovation_as_reported"])))
        if row["locator"]:
            graph.add((node, CKG.locator, _plain(row["locator"])))
        _add_seed_records(graph, node, row["seed_records"])
        if row["read_via"]:
            graph.add((node, CKG.curatorNote, _en(f"Read via: {sources[row['read_via']]['citation']}")))
        if row["attribution"]:
            graph.add((node, CKG.curatorNote, _en(f"Attribution: {row['attribution']}")))
        for text in split(row["note"], "\n"):
            graph.add((node, CKG.curatorNote, _en(text)))
    return graphs


def compile_all(curation_dir: Path, ontology_dir: Path, data_dir: Path) -> dict[Path, tuple[Graph, str]]:
    """Every output graph by path, with the tables it comes from; raises CurationError, writing nothing."""
    tables = read(curation_dir)
    version = versioning.current(ontology_dir)
    modules = ontology_dir / "modules"
    try:
        crosswalk_graph = crosswalk.compile_table(curation_dir / "mappings" / "nasss-cfir.sssom.tsv", version)
    except crosswalk.MappingError as error:
        raise CurationError(f"curation/mappings/nasss-cfir.sssom.tsv: {error}") from None
    outputs = {
        modules / "factors.ttl": (build_factors(tables, version), "curation/factors.csv"),
        modules / "crosswalk.ttl": (crosswalk_graph, "curation/mappings/nasss-cfir.sssom.tsv"),
        data_dir / "innovations.ttl": (build_innovations(tables),
                                       "curation/innovations.csv, curation/involvements.csv"),
        data_dir / "organisations.ttl": (build_organisations(tables), "curation/organisations.csv"),
        data_dir / "sources.ttl": (build_sources(tables), "curation/sources.csv"),
        data_dir / "strategies.ttl": (
            strategies.compile_rows(tables.strategies, tables.factors, CurationError),
            "curation/barrier-strategies.csv"),
    }
    for name, graph in sorted(build_findings(tables).items()):
        origin = ("curation/findings.csv (findings added after the seed import)" if name == CURATED_FINDINGS
                  else f"curation/findings.csv (findings first imported from the seed's {name}.yaml)")
        outputs[data_dir / "findings" / f"{name}.ttl"] = (graph, origin)
    return outputs


def write_all(outputs: dict[Path, tuple[Graph, str]], data_dir: Path) -> list[Path]:
    """Write what ``compile_all`` returned; returns the files written."""
    curated = data_dir / "findings" / f"{CURATED_FINDINGS}.ttl"
    if curated not in outputs and curated.exists():
        curated.unlink()  # every curated finding was removed from the table
    for path, (graph, origin) in outputs.items():
        write(graph, path, origin)
    return list(outputs)


def build(curation_dir: Path, ontology_dir: Path, data_dir: Path) -> list[Path]:
    """Compile factors and evidence; returns the files written. Nothing is written if any table is bad."""
    return write_all(compile_all(curation_dir, ontology_dir, data_dir), data_dir)
