"""NASSS, CFIR 2.0 and ERIC as SKOS concept schemes, compiled from the project's framework notes
(``curation/frameworks/frameworks.yaml``) into ``ontology/modules/nasss.ttl``, ``cfir.ttl`` and
``eric.ttl``."""

from __future__ import annotations

from pathlib import Path

import yaml
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS

from carekg.build import version as versioning
from carekg.build.turtle import new_graph, write
from carekg.ids import CFIR, ERIC, NASSS, SCHEME, module_iri, slugify
from carekg.namespaces import CKG

NASSS_MODULE = module_iri("nasss")
CFIR_MODULE = module_iri("cfir")
ERIC_MODULE = module_iri("eric")

#: NASSS domains and sub-domains that Mann et al. (2023) list in their abstract as covered.
REVIEW_COVERED_NASSS = {"4", "4A", "4C", "5", "5A", "5B", "5C", "5D", "5E", "6", "6A", "6B", "6C", "6D"}

#: The wording the review's abstract uses for the domains and sub-domains it covered.
REVIEW_WORDING = {
    "4": "adopters", "4A": "staff role/identity", "4C": "carer input",
    "5": "organisation", "5A": "capacity to innovate", "5B": "readiness for change",
    "5C": "nature of adoption/funding", "5D": "extent of change needed", "5E": "work needed to implement",
    "6": "wider system", "6A": "political/policy", "6B": "regulatory/legal", "6C": "professional",
    "6D": "socio-cultural",
}

NASSS_CITATION = (
    "Greenhalgh T et al. (2017) Beyond adoption: a new framework for theorizing and evaluating "
    "nonadoption, abandonment, and challenges to the scale-up, spread, and sustainability of health and "
    "care technologies. J Med Internet Res 19(11):e367. doi:10.2196/jmir.8775"
)
CFIR_CITATION = (
    "Damschroder LJ, Reardon CM, Opra Widerquist MA, Lowery J (2022) The updated Consolidated Framework "
    "for Implementation Research based on user feedback. Implementation Science 17:75. "
    "doi:10.1186/s13012-022-01245-0"
)


def _en(text: str) -> Literal:
    return Literal(" ".join(str(text).split()), lang="en")


def _header(graph, module: URIRef, title: str, description: str, version: str):
    graph.add((module, RDF.type, OWL.Ontology))
    graph.add((module, DCTERMS.title, _en(title)))
    graph.add((module, DCTERMS.description, _en(description)))
    graph.add((module, OWL.imports, module_iri("core")))
    name = str(module).rsplit("/", 1)[1]
    graph.add((module, OWL.versionIRI, URIRef(versioning.version_iri(version, name))))
    graph.add((module, OWL.versionInfo, Literal(version)))


def _concept(graph, iri, cls, module, scheme, notation, label, definition, broader=None, verified=True):
    graph.add((iri, RDF.type, OWL.NamedIndividual))
    graph.add((iri, RDF.type, cls))
    graph.add((iri, SKOS.inScheme, scheme))
    graph.add((iri, SKOS.notation, Literal(notation)))
    graph.add((iri, SKOS.prefLabel, _en(label)))
    graph.add((iri, RDFS.label, _en(label)))
    graph.add((iri, SKOS.definition, _en(definition)))
    graph.add((iri, RDFS.isDefinedBy, module))
    graph.add((iri, CKG.labelVerified, Literal(verified, datatype=XSD.boolean)))
    if broader is None:
        graph.add((iri, SKOS.topConceptOf, scheme))
        graph.add((scheme, SKOS.hasTopConcept, iri))
    else:
        graph.add((iri, SKOS.broader, broader))


def _scheme(graph, scheme, module, label, definition, citation):
    graph.add((scheme, RDF.type, OWL.NamedIndividual))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    graph.add((scheme, SKOS.prefLabel, _en(label)))
    graph.add((scheme, RDFS.label, _en(label)))
    graph.add((scheme, SKOS.definition, _en(definition)))
    graph.add((scheme, DCTERMS.source, Literal(citation)))
    graph.add((scheme, RDFS.isDefinedBy, module))


def build_nasss(frameworks: dict, out: Path, version: str) -> None:
    graph = new_graph()
    _header(
        graph, NASSS_MODULE, "carekg NASSS taxonomy",
        "The seven domains of the NASSS framework and their sub-domains as a SKOS concept scheme, with "
        "notations, marking which the founding review covered. Definitions paraphrase the framework's "
        "questions; carekg's direction coding (enabler, barrier, mixed) is the project's own layer on top.",
        version,
    )
    scheme = SCHEME.nasss
    _scheme(graph, scheme, NASSS_MODULE, "NASSS framework",
            "Nonadoption, Abandonment, Scale-up, Spread and Sustainability framework (Greenhalgh et al. "
            "2017).",
            NASSS_CITATION)
    for domain in frameworks["nasss"]["domains"]:
        code = str(domain["code"])
        d_iri = NASSS[slugify(code)]
        question = f"Domain {code} of NASSS: {domain['name']}."
        _concept(graph, d_iri, CKG.NasssDomain, NASSS_MODULE, scheme, code, domain["name"], question)
        graph.add((d_iri, CKG.coveredByReview, Literal(code in REVIEW_COVERED_NASSS, datatype=XSD.boolean)))
        if domain.get("note"):
            graph.add((d_iri, SKOS.scopeNote, _en(domain["note"])))
        for alt in [*domain.get("alt_labels", []), REVIEW_WORDING.get(code)]:
            if alt:
                graph.add((d_iri, SKOS.altLabel, _en(alt)))
        for sub in domain["subdomains"]:
            s_code = str(sub["code"])
            s_iri = NASSS[slugify(s_code)]
            _concept(graph, s_iri, CKG.NasssSubdomain, NASSS_MODULE, scheme, s_code, sub["label"],
                     sub["question_paraphrase"], broader=d_iri, verified=not sub.get("unverified", False))
            graph.add((d_iri, SKOS.narrower, s_iri))
            graph.add((s_iri, CKG.coveredByReview,
                       Literal(s_code in REVIEW_COVERED_NASSS, datatype=XSD.boolean)))
            if sub.get("note"):
                graph.add((s_iri, SKOS.scopeNote, _en(sub["note"])))
            if s_code in REVIEW_WORDING:
                graph.add((s_iri, SKOS.altLabel, _en(REVIEW_WORDING[s_code])))
    write(graph, out, "curation/frameworks/frameworks.yaml (nasss)")


def build_cfir(frameworks: dict, out: Path, version: str) -> None:
    graph = new_graph()
    _header(
        graph, CFIR_MODULE, "carekg CFIR 2.0 taxonomy",
        "The updated Consolidated Framework for Implementation Research (CFIR 2.0): 5 domains, 48 constructs "
        "and 19 subconstructs as a SKOS concept scheme, the target of carekg's factor crosswalk. Definitions "
        "are one-sentence paraphrases.",
        version,
    )
    scheme = SCHEME.cfir
    _scheme(graph, scheme, CFIR_MODULE, "CFIR 2.0",
            "The updated Consolidated Framework for Implementation Research (Damschroder et al. 2022).",
            CFIR_CITATION)
    for domain in frameworks["cfir2"]["domains"]:
        d_iri = CFIR[slugify(domain["code"])]
        _concept(graph, d_iri, CKG.CfirDomain, CFIR_MODULE, scheme, domain["code"], domain["name"],
                 domain["definition"])
        for construct in domain["constructs"]:
            notation = construct.get("id", construct["code"])
            c_iri = CFIR[slugify(notation)]
            verified = construct.get("name_verification") == "primary" and not construct.get("unverified")
            _concept(graph, c_iri, CKG.CfirConstruct, CFIR_MODULE, scheme, notation, construct["name"],
                     construct["definition"], broader=d_iri, verified=verified)
            if construct.get("subdomain"):
                graph.add((c_iri, SKOS.scopeNote,
                           _en(f"In the {construct['subdomain']} subdomain of the Individuals domain; "
                               f"the paper codes it {construct['code']}.")))
            for sub in construct.get("subconstructs", []):
                s_iri = CFIR[slugify(sub["code"])]
                label = sub["name"]
                if label in {"Innovation Deliverers", "Innovation Recipients", "Implementation",
                             "Innovation"}:
                    label = f"{construct['name']}: {label}"
                s_verified = (sub.get("name_verification", "primary") == "primary"
                              and not sub.get("unverified"))
                _concept(graph, s_iri, CKG.CfirSubconstruct, CFIR_MODULE, scheme, sub["code"], label,
                         sub["definition"], broader=c_iri, verified=s_verified)
    write(graph, out, "curation/frameworks/frameworks.yaml (cfir2)")


ERIC_CITATION = (
    "Powell BJ, Waltz TJ, Chinman MJ, et al. (2015) A refined compilation of implementation strategies: "
    "results from the Expert Recommendations for Implementing Change (ERIC) project. Implementation Science "
    "10:21. doi:10.1186/s13012-015-0209-1"
)
WALTZ_2015_CITATION = (
    "Waltz TJ, Powell BJ, Matthieu MM, et al. (2015) Use of concept mapping to characterize relationships "
    "among implementation strategies and assess their feasibility and importance: results from the ERIC "
    "study. Implementation Science 10:109. doi:10.1186/s13012-015-0295-0"
)
#: How sure frameworks.yaml is of a strategy's name or cluster, in a curator's words.
VERIFICATION = {
    "primary": "confirmed in the primary paper",
    "secondary_journal_or_web":
        "confirmed in secondary journal tables or web pages, not in the primary paper's table",
    "code_crosscheck_only": "taken from two public code repositories that agree; not seen in a paper",
}


def build_eric(frameworks: dict, out: Path, version: str) -> None:
    """ERIC's 73 strategies (Powell 2015) as a flat concept scheme, its 9 clusters (Waltz 2015) as
    collections."""
    eric = frameworks["eric"]
    graph = new_graph()
    _header(
        graph, ERIC_MODULE, "carekg ERIC implementation strategies",
        "The 73 discrete implementation strategies of the Expert Recommendations for Implementing Change "
        "(ERIC, Powell et al. 2015) as a SKOS concept scheme with notations ERIC-01 to ERIC-73 (Powell's "
        "alphabetical order), and the 9 concept-mapping clusters of Waltz et al. (2015) as SKOS collections. "
        "Definitions are one-sentence paraphrases; the strategies were compiled for health care and are not "
        "evaluated in children's social care.",
        version,
    )
    scheme = SCHEME.eric
    _scheme(graph, scheme, ERIC_MODULE, "ERIC implementation strategies",
            "The Expert Recommendations for Implementing Change compilation of discrete implementation "
            "strategies "
            "(Powell et al. 2015), grouped into clusters by Waltz et al. (2015).", ERIC_CITATION)
    for cluster in eric["clusters"]:
        c_iri = ERIC[slugify(cluster["id"])]
        members = cluster["strategies"]
        if len(members) != cluster["count"]:
            raise ValueError(f"ERIC cluster {cluster['id']} lists {len(members)} strategies but says "
                             f"{cluster['count']}")
        graph.add((c_iri, RDF.type, OWL.NamedIndividual))
        graph.add((c_iri, RDF.type, SKOS.Collection))
        graph.add((c_iri, RDF.type, CKG.StrategyCluster))
        graph.add((c_iri, SKOS.notation, Literal(cluster["id"])))
        graph.add((c_iri, SKOS.prefLabel, _en(cluster["name"])))
        graph.add((c_iri, RDFS.label, _en(cluster["name"])))
        graph.add((c_iri, SKOS.definition, _en(
            f"One of the nine clusters into which Waltz et al. (2015) grouped the ERIC strategies by concept "
            f"mapping: {cluster['name'].lower()} ({cluster['count']} strategies).")))
        graph.add((c_iri, DCTERMS.source, Literal(WALTZ_2015_CITATION)))
        graph.add((c_iri, RDFS.isDefinedBy, ERIC_MODULE))
        for alt in cluster.get("alt_labels", []):
            graph.add((c_iri, SKOS.altLabel, _en(alt)))
        if cluster.get("note"):
            graph.add((c_iri, SKOS.scopeNote, _en(cluster["note"])))
        for strategy in members:
            s_iri = ERIC[slugify(strategy["id"])]
            graph.add((c_iri, SKOS.member, s_iri))
            graph.add((s_iri, RDF.type, OWL.NamedIndividual))
            graph.add((s_iri, RDF.type, CKG.ImplementationStrategy))
            graph.add((s_iri, SKOS.inScheme, scheme))
            graph.add((s_iri, SKOS.topConceptOf, scheme))
            graph.add((scheme, SKOS.hasTopConcept, s_iri))
            graph.add((s_iri, SKOS.notation, Literal(strategy["id"])))
            graph.add((s_iri, SKOS.prefLabel, _en(strategy["name"])))
            graph.add((s_iri, RDFS.label, _en(strategy["name"])))
            graph.add((s_iri, SKOS.definition, _en(strategy["definition"])))
            graph.add((s_iri, RDFS.isDefinedBy, ERIC_MODULE))
            for alt in strategy.get("alt_labels", []):
                graph.add((s_iri, SKOS.altLabel, _en(alt)))
            name = VERIFICATION.get(strategy.get("name_verification", ""), "not recorded")
            placed = VERIFICATION.get(strategy.get("cluster_verification", ""), "not recorded")
            graph.add((s_iri, CKG.curatorNote, _en(f"Name {name}; cluster membership {placed}.")))
            for key in ("name_note", "cluster_note", "cluster_conflict_note"):
                if strategy.get(key):
                    graph.add((s_iri, CKG.curatorNote, _en(f"Compiler's note: {strategy[key]}")))
    write(graph, out, "curation/frameworks/frameworks.yaml (eric)")


def build(frameworks_yaml: Path, modules_dir: Path) -> list[Path]:
    frameworks = yaml.safe_load(frameworks_yaml.read_text(encoding="utf-8"))
    version = versioning.current(modules_dir.parent)
    written = []
    for name, builder in (("nasss", build_nasss), ("cfir", build_cfir), ("eric", build_eric)):
        out = modules_dir / f"{name}.ttl"
        builder(frameworks, out, version)
        written.append(out)
    return written
