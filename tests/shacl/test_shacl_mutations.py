"""The SPARQL engine agrees with pyshacl on graphs broken on purpose.

A small synthetic graph (carekg.generate) with the ontology and the curated strategy suggestions
conforms to shapes/data.ttl; the ontology conforms to shapes/ontology.ttl. Each test applies a few
seeded mutations (deleting a required statement, a second value, a wrong datatype, an ill-typed or
leniently-typed literal, another language, an IRI outside the ID policy, a blank node, a value of the
wrong class, an untyped referenced node, both or neither sh:xone alternatives, a value outside sh:in,
a year out of range, a short string, a missing sh:hasValue ...) and asserts pyshacl's results equal
the engine's. Every kind of mutation is used by several seeds, round robin.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD
from shacl_agreement import DATA_SHAPES, ONTOLOGY_SHAPES, assert_agree

from carekg import paths
from carekg.generate import generate

CKG = Namespace("https://w3id.org/carekg/def#")
ID = "https://w3id.org/carekg/id/"
MUTATIONS_PER_GRAPH = 3
DATA_GRAPHS = 26
ONTOLOGY_GRAPHS = 12

Mutation = Callable[[Graph, random.Random], str]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in paths.ontology_files():
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def base(ontology, tmp_path_factory) -> Graph:
    synthetic = tmp_path_factory.mktemp("synthetic") / "graph.nt"
    generate(600, synthetic, seed=11)
    graph = Graph().parse(synthetic)
    graph += ontology
    graph.parse(paths.DATA_DIR / "strategies.ttl")
    return graph


def n_triples(graph: Graph) -> bytes:
    """The graph as N-Triples, literals as written (mutations make theirs with normalize=False)."""
    return graph.serialize(format="nt", encoding="utf-8")


def as_parsed(graph: Graph) -> Graph:
    """The graph as rdflib parses its N-Triples (literals normalised), without the cost of parsing."""
    for s, p, o in list(graph.triples((None, None, None))):
        if not isinstance(o, Literal):
            continue
        parsed = Literal(str(o), lang=o.language, datatype=o.datatype)
        if str(o) != str(parsed):
            graph.remove((s, p, o))
            graph.add((s, p, parsed))
    return graph


def test_the_unmutated_graphs_conform(base, ontology):
    assert not assert_agree(DATA_SHAPES, n_triples(base))
    assert not assert_agree(ONTOLOGY_SHAPES, n_triples(ontology))


# --- picking and changing nodes ------------------------------------------------------------------------

def lit(value, datatype=None, lang=None) -> Literal:
    """A literal kept as written (rdflib would otherwise normalise "maybe"^^xsd:boolean to "false")."""
    return Literal(value, datatype=datatype, lang=lang, normalize=False)


def instances(graph: Graph, cls) -> list:
    return sorted(graph.subjects(RDF.type, cls))


def pick(graph: Graph, rng: random.Random, cls):
    return rng.choice(instances(graph, cls))


def replace(graph: Graph, node, prop, value) -> None:
    graph.remove((node, prop, None))
    graph.add((node, prop, value))


def rename(graph: Graph, old, new) -> None:
    for s, p, o in list(graph.triples((old, None, None))):
        graph.remove((s, p, o))
        graph.add((new, p, o))
    for s, p, o in list(graph.triples((None, None, old))):
        graph.remove((s, p, o))
        graph.add((s, p, new))


def other(graph: Graph, rng: random.Random, cls, than):
    return rng.choice([n for n in instances(graph, cls) if n != than])


# --- data mutations ------------------------------------------------------------------------------------

REQUIRED = [(CKG.Finding, p) for p in (CKG.aboutFactor, CKG.direction, CKG.reportedIn, CKG.provenanceKind,
                                        CKG.paraphrase)] + \
           [(CKG.PrimaryStudy, p) for p in (CKG.citation, CKG.sourceType, CKG.designCategory,
                                             CKG.inclusionStatus, CKG.relativeToReviewSearch)] + \
           [(CKG.Innovation, p) for p in (RDFS.label, CKG.innovationKind, DCTERMS.description)] + \
           [(CKG.Organisation, RDFS.label), (CKG.Organisation, CKG.organisationType)] + \
           [(CKG.Involvement, p) for p in (CKG.organisation, CKG.role, CKG.basis, CKG.claimKind)] + \
           [(CKG.StrategySuggestion, p) for p in (CKG.forFactor, CKG.suggestsStrategy,
                                                   CKG.viaFrameworkConcept, CKG.evidenceBasis, DCTERMS.source,
                                                   CKG.basis, CKG.evaluatedInChildrensSocialCare)] + \
           [(CKG.ImplementationFactor, p) for p in (SKOS.prefLabel, SKOS.definition, SKOS.broader,
                                                     DCTERMS.source)]


def drop_required(graph, rng):
    cls, prop = rng.choice(REQUIRED)
    node = pick(graph, rng, cls)
    graph.remove((node, prop, None))
    return f"{node} loses {prop}"


def drop_involvement_link(graph, rng):
    involvement = pick(graph, rng, CKG.Involvement)
    graph.remove((None, CKG.involvement, involvement))
    return f"no innovation links {involvement}"


def second_value(graph, rng):
    finding, source = pick(graph, rng, CKG.Finding), pick(graph, rng, CKG.PrimaryStudy)
    choices = [
        (finding, CKG.aboutFactor, lambda: other(graph, rng, CKG.ImplementationFactor, None)),
        (finding, CKG.direction, lambda: rng.choice([CKG.Enabler, CKG.Barrier, CKG.Mixed])),
        (finding, CKG.reportedIn, lambda: other(graph, rng, CKG.PrimaryStudy, None)),
        (finding, CKG.provenanceKind, lambda: CKG.CuratorInferenceClaim),
        (finding, CKG.paraphrase, lambda: lit("Another paraphrase of the finding.", lang="en")),
        (finding, CKG.factorAsReported, lambda: lit("another wording", lang="en")),
        (finding, CKG.locator, lambda: lit("section 99")),
        (finding, CKG.aboutInnovation, lambda: other(graph, rng, CKG.Innovation, None)),
        (source, CKG.citation, lambda: lit("Another citation of this study.")),
        (source, CKG.publicationYear, lambda: lit(2001)),
        (source, CKG.developerAuthored, lambda: lit(rng.random() < 0.5)),
        (pick(graph, rng, CKG.Innovation), RDFS.label, lambda: lit("Another name", lang="en")),
        (pick(graph, rng, CKG.Organisation), CKG.organisationType, lambda: CKG.Charity),
        (pick(graph, rng, CKG.Involvement), CKG.organisation, lambda: pick(graph, rng, CKG.Organisation)),
        (pick(graph, rng, CKG.ImplementationFactor), SKOS.broader, lambda: URIRef(ID + "nasss/1a")),
    ]
    node, prop, value = rng.choice(choices)
    graph.add((node, prop, value()))
    return f"{node} gets another {prop}"


def second_innovation_for_involvement(graph, rng):
    involvement = pick(graph, rng, CKG.Involvement)
    owner = graph.value(None, CKG.involvement, involvement)
    graph.add((other(graph, rng, CKG.Innovation, owner), CKG.involvement, involvement))
    return f"two innovations link {involvement}"


def language_variants(graph, rng):
    value = rng.choice([lit("A paraphrase that is long enough."),
                        lit("Une paraphrase assez longue.", lang="fr"),
                        lit("A paraphrase, British English.", lang="en-GB"),
                        lit("UPPER CASE TAG HERE", lang="EN"),
                        lit("A typed string paraphrase.", datatype=XSD.string), lit("tiny", lang="en"),
                        URIRef(ID + "finding/not-a-literal")])
    node, prop = rng.choice([(pick(graph, rng, CKG.Finding), CKG.paraphrase),
                             (pick(graph, rng, CKG.Innovation), RDFS.label),
                             (pick(graph, rng, CKG.Innovation), DCTERMS.description),
                             (pick(graph, rng, CKG.Involvement), CKG.basis),
                             (pick(graph, rng, CKG.Finding), CKG.factorAsReported)])
    replace(graph, node, prop, value)
    return f"{node} {prop} = {value!r}"


def year_variants(graph, rng):
    value = rng.choice([lit("2012"), lit("2012", datatype=XSD.decimal), lit("abc", datatype=XSD.integer),
                        lit(" 2012 ", datatype=XSD.integer), lit("1_999", datatype=XSD.integer),
                        lit("2012", datatype=XSD.gYear), lit("2e3", datatype=XSD.double),
                        lit(1850), lit(2200), lit(1900), lit(2100), lit("2012", lang="en"),
                        lit("1950.5", datatype=XSD.decimal), lit("12:00:00", datatype=XSD.time),
                        lit("true", datatype=XSD.boolean), lit("2012", datatype=XSD.int),
                        lit("1999.0", datatype=XSD.integer), URIRef(ID + "year/2012")])
    source = pick(graph, rng, CKG.PrimaryStudy)
    replace(graph, source, CKG.publicationYear, value)
    return f"{source} publicationYear = {value!r}"


def boolean_variants(graph, rng):
    value = rng.choice([lit("maybe", datatype=XSD.boolean), lit("TRUE", datatype=XSD.boolean),
                        lit("1", datatype=XSD.boolean), lit("0", datatype=XSD.boolean), lit("yes"),
                        lit(1), lit(" true", datatype=XSD.boolean)])
    source = pick(graph, rng, CKG.PrimaryStudy)
    replace(graph, source, CKG.developerAuthored, value)
    return f"{source} developerAuthored = {value!r}"


def scope_variants(graph, rng):
    finding = pick(graph, rng, CKG.Finding)
    value = rng.choice([lit(True), lit(False), lit("1", datatype=XSD.boolean), lit("true")])
    if rng.random() < 0.5:
        graph.remove((finding, CKG.aboutInnovation, None))
    graph.add((finding, CKG.concernsInnovationsInGeneral, value))
    return f"{finding} concernsInnovationsInGeneral {value!r}"


def neither_scope(graph, rng):
    finding = pick(graph, rng, CKG.Finding)
    graph.remove((finding, CKG.aboutInnovation, None))
    return f"{finding} is about nothing"


def wrong_class(graph, rng):
    node, prop, value = rng.choice([
        (pick(graph, rng, CKG.Finding), CKG.aboutFactor, pick(graph, rng, CKG.Innovation)),
        (pick(graph, rng, CKG.Finding), CKG.reportedIn, pick(graph, rng, CKG.Organisation)),
        (pick(graph, rng, CKG.Finding), CKG.aboutInnovation, lit("an innovation", lang="en")),
        (pick(graph, rng, CKG.Involvement), CKG.organisation, pick(graph, rng, CKG.ImplementationFactor)),
        (pick(graph, rng, CKG.Involvement), CKG.role, CKG.Enabler),
        (pick(graph, rng, CKG.Innovation), CKG.innovationKind, pick(graph, rng, CKG.ImplementationFactor)),
        (pick(graph, rng, CKG.PrimaryStudy), CKG.studies, pick(graph, rng, CKG.ImplementationFactor)),
        (pick(graph, rng, CKG.PrimaryStudy), CKG.summarises, pick(graph, rng, CKG.Innovation)),
        (pick(graph, rng, CKG.PrimaryStudy), CKG.sourceType, lit("report")),
        (pick(graph, rng, CKG.Innovation), CKG.involvement, pick(graph, rng, CKG.Organisation)),
        (pick(graph, rng, CKG.ImplementationFactor), SKOS.broader,
         pick(graph, rng, CKG.ImplementationFactor)),
        (pick(graph, rng, CKG.ImplementationFactor), SKOS.closeMatch,
         pick(graph, rng, CKG.ImplementationFactor)),
        (pick(graph, rng, CKG.StrategySuggestion), CKG.forFactor, lit("a factor")),
        (pick(graph, rng, CKG.Involvement), CKG.statedIn, pick(graph, rng, CKG.Innovation)),
    ])
    replace(graph, node, prop, value)
    return f"{node} {prop} = {value!r}"


def untype(graph, rng):
    node = pick(graph, rng, rng.choice([CKG.PrimaryStudy, CKG.Organisation, CKG.Innovation, CKG.Involvement,
                                        CKG.Finding, CKG.ImplementationFactor]))
    graph.remove((node, RDF.type, None))
    return f"{node} loses its types"


def retype(graph, rng):
    node, new = rng.choice([(pick(graph, rng, CKG.Finding), [CKG.ReviewSynthesisFinding]),
                            (pick(graph, rng, CKG.PrimaryStudy), [CKG.Study]),
                            (pick(graph, rng, CKG.PrimaryStudy), [CKG.Source]),
                            (pick(graph, rng, CKG.PrimaryStudy), [CKG.PrimaryStudy, CKG.SecondaryStudy]),
                            (pick(graph, rng, CKG.Organisation), [CKG.Organisation, CKG.Innovation])])
    graph.remove((node, RDF.type, None))
    for cls in new:
        graph.add((node, RDF.type, cls))
    return f"{node} is now {new}"


def bad_iri(graph, rng):
    cls, new = rng.choice([(CKG.Finding, URIRef(ID + "finding/Bad_Id")),
                           (CKG.Finding, URIRef(ID + "finding/x-")),
                           (CKG.Finding, URIRef("http://example.org/finding/1")),
                           (CKG.PrimaryStudy, URIRef(ID + "paper/x")),
                           (CKG.PrimaryStudy, URIRef(ID + "source/ok-too")),
                           (CKG.Innovation, URIRef(ID + "innovation/x_y")),
                           (CKG.Organisation, URIRef(ID + "organisation/A")),
                           (CKG.StrategySuggestion, URIRef(ID + "suggestion/")),
                           (CKG.ImplementationFactor, URIRef(ID + "factor/Bad"))])
    node = pick(graph, rng, cls)
    rename(graph, node, new)
    return f"{node} renamed {new}"


def blank_node(graph, rng):
    node = pick(graph, rng, rng.choice([CKG.Finding, CKG.PrimaryStudy, CKG.Innovation, CKG.Organisation,
                                        CKG.Involvement]))
    rename(graph, node, BNode())
    return f"{node} becomes a blank node"


def not_in_list(graph, rng):
    node, prop, value = rng.choice([
        (pick(graph, rng, CKG.Finding), CKG.direction, CKG.Neutral),
        (pick(graph, rng, CKG.Finding), CKG.direction, lit("Enabler")),
        (pick(graph, rng, CKG.Finding), CKG.provenanceKind, CKG.Enabler),
        (pick(graph, rng, CKG.Involvement), CKG.claimKind, CKG.Barrier),
        (pick(graph, rng, CKG.StrategySuggestion), CKG.evidenceBasis, CKG.Other),
        (pick(graph, rng, CKG.StrategySuggestion), CKG.evaluatedInChildrensSocialCare, lit(True)),
        (pick(graph, rng, CKG.StrategySuggestion), CKG.evaluatedInChildrensSocialCare, lit("false")),
        (pick(graph, rng, CKG.StrategySuggestion), CKG.evaluatedInChildrensSocialCare,
         lit("0", datatype=XSD.boolean)),
        (pick(graph, rng, CKG.StrategySuggestion), CKG.endorsementLevel, lit(3)),
        (pick(graph, rng, CKG.StrategySuggestion), CKG.endorsementLevel, lit("1", datatype=XSD.decimal)),
        (pick(graph, rng, CKG.StrategySuggestion), CKG.endorsementLevel, lit(" 2", datatype=XSD.integer)),
        (pick(graph, rng, CKG.StrategySuggestion), CKG.endorsementLevel, lit(1)),
    ])
    replace(graph, node, prop, value)
    return f"{node} {prop} = {value!r}"


def ranges(graph, rng):
    value = rng.choice([lit(101), lit(-1), lit(0), lit(100), lit("50"),
                        lit("50.5", datatype=XSD.decimal), lit("1e2", datatype=XSD.double),
                        lit("NaN", datatype=XSD.double), lit("fifty", datatype=XSD.integer)])
    suggestion = pick(graph, rng, CKG.StrategySuggestion)
    replace(graph, suggestion, CKG.endorsementPercent, value)
    return f"{suggestion} endorsementPercent = {value!r}"


def short_strings(graph, rng):
    node, prop, value = rng.choice([
        (pick(graph, rng, CKG.PrimaryStudy), CKG.citation, lit("short")),
        (pick(graph, rng, CKG.PrimaryStudy), CKG.citation, lit("exactly10!")),
        (pick(graph, rng, CKG.Finding), CKG.locator, lit("p1")),
        (pick(graph, rng, CKG.Finding), CKG.locator, lit("p12")),
        (pick(graph, rng, CKG.Finding), CKG.locator, lit(7)),
        (pick(graph, rng, CKG.Finding), CKG.locator, URIRef(ID + "x")),
        (pick(graph, rng, CKG.Finding), CKG.seedRecord, lit("file#1", lang="en")),
    ])
    replace(graph, node, prop, value)
    return f"{node} {prop} = {value!r}"


def urls(graph, rng):
    value = rng.choice([lit("ftp://example.org/x", datatype=XSD.anyURI), lit("https://example.org/x"),
                        URIRef("https://example.org/x"), lit("https://example.org/x", lang="en"),
                        lit("HTTPS://example.org/x", datatype=XSD.anyURI), BNode()])
    source = pick(graph, rng, CKG.PrimaryStudy)
    replace(graph, source, CKG.url, value)
    return f"{source} url = {value!r}"


def scheme_and_crosswalk(graph, rng):
    factor = pick(graph, rng, CKG.ImplementationFactor)
    change = rng.choice(["no scheme", "other scheme", "no crosswalk", "no close match"])
    if change == "no scheme":
        graph.remove((factor, SKOS.inScheme, None))
    elif change == "other scheme":
        replace(graph, factor, SKOS.inScheme, URIRef(ID + "scheme/nasss"))
    elif change == "no crosswalk":
        graph.remove((factor, SKOS.closeMatch, None))
        graph.remove((factor, SKOS.relatedMatch, None))
    else:
        graph.remove((factor, SKOS.closeMatch, None))
    return f"{factor}: {change}"


DATA_MUTATIONS: list[Mutation] = [
    drop_required, drop_involvement_link, second_value, second_innovation_for_involvement, language_variants,
    year_variants, boolean_variants, scope_variants, neither_scope, wrong_class, untype, retype, bad_iri,
    blank_node, not_in_list, ranges, short_strings, urls, scheme_and_crosswalk]


# --- ontology mutations --------------------------------------------------------------------------------

def terms(graph: Graph) -> list:
    return sorted(s for s in set(graph.subjects(RDFS.isDefinedBy, None)) if isinstance(s, URIRef))


def modules(graph: Graph) -> list:
    return instances(graph, OWL.Ontology)


def term_labels(graph, rng):
    term = rng.choice(terms(graph))
    prop = rng.choice([RDFS.label, SKOS.definition])
    change = rng.choice(["drop", "second", "plain", "french", "typed"])
    if change == "drop":
        graph.remove((term, prop, None))
    elif change == "second":
        graph.add((term, prop, lit("another text", lang="en")))
    else:
        value = {"plain": lit("plain text"), "french": lit("texte", lang="fr"),
                 "typed": lit("typed", datatype=XSD.string)}[change]
        replace(graph, term, prop, value)
    return f"{term} {prop}: {change}"


def term_iris(graph, rng):
    module = rng.choice(modules(graph))
    term = rng.choice([URIRef(str(CKG) + "bad_term"), URIRef(ID + "widget/x"), URIRef("http://example.org/x"),
                       URIRef(ID + "factor/Upper"), URIRef(str(CKG) + "GoodTerm"), BNode()])
    graph.add((term, RDFS.isDefinedBy, module))
    graph.add((term, RDFS.label, lit("a term", lang="en")))
    graph.add((term, SKOS.definition, lit("A term added by a test.", lang="en")))
    return f"{term} defined by {module}"


def defined_by(graph, rng):
    term = rng.choice(terms(graph))
    value = rng.choice([URIRef("http://example.org/not-a-module"), rng.choice(modules(graph)),
                        lit("core")])
    if rng.random() < 0.5:
        graph.remove((term, RDFS.isDefinedBy, None))
    graph.add((term, RDFS.isDefinedBy, value))
    return f"{term} isDefinedBy {value!r}"


def module_metadata(graph, rng):
    module = rng.choice(modules(graph))
    prop, value = rng.choice([
        (DCTERMS.title, None), (DCTERMS.title, lit("plain title")), (DCTERMS.title, lit("titre", lang="fr")),
        (DCTERMS.description, None), (DCTERMS.description, lit("plain description")),
        (OWL.versionIRI, None), (OWL.versionIRI, lit("https://w3id.org/carekg/def/0.1.0/core")),
        (OWL.versionIRI, URIRef("https://w3id.org/carekg/def/0.1/core")),
        (OWL.versionIRI, URIRef("https://w3id.org/carekg/def/9.9.9")),
        (OWL.versionInfo, None), (OWL.versionInfo, lit("1.0")), (OWL.versionInfo, lit("1.0.0\n")),
        (OWL.versionInfo, lit("1.0.0", datatype=XSD.token)), (OWL.versionInfo, lit(1)),
        (OWL.versionInfo, URIRef("https://w3id.org/carekg/def/1.0.0"))])
    if value is None:
        graph.remove((module, prop, None))
    elif rng.random() < 0.3:
        graph.add((module, prop, value))
    else:
        replace(graph, module, prop, value)
    return f"{module} {prop} = {value!r}"


ONTOLOGY_MUTATIONS: list[Mutation] = [term_labels, term_iris, defined_by, module_metadata]


def mutated(graph: Graph, mutations: list[Mutation], seed: int) -> tuple[Graph, list[str]]:
    rng = random.Random(seed)
    copy = Graph()
    copy += graph
    chosen = [mutations[(seed * MUTATIONS_PER_GRAPH + i) % len(mutations)]
              for i in range(MUTATIONS_PER_GRAPH)]
    return copy, [mutate(copy, rng) for mutate in chosen]


@pytest.mark.parametrize("seed", range(DATA_GRAPHS))
def test_data_mutations(seed, base):
    graph, applied = mutated(base, DATA_MUTATIONS, seed)
    text = n_triples(graph)
    assert assert_agree(DATA_SHAPES, text, graph=as_parsed(graph), context="\n".join(applied)), \
        f"nothing broke: {applied}"


@pytest.mark.parametrize("seed", range(ONTOLOGY_GRAPHS))
def test_ontology_mutations(seed, ontology):
    graph, applied = mutated(ontology, ONTOLOGY_MUTATIONS, seed)
    text = n_triples(graph)
    assert assert_agree(ONTOLOGY_SHAPES, text, graph=as_parsed(graph), context="\n".join(applied)), \
        f"nothing broke: {applied}"


def test_every_mutation_kind_is_used():
    used = {(seed * MUTATIONS_PER_GRAPH + i) % len(DATA_MUTATIONS) for seed in range(DATA_GRAPHS)
            for i in range(MUTATIONS_PER_GRAPH)}
    assert used == set(range(len(DATA_MUTATIONS)))
    assert DATA_GRAPHS * MUTATIONS_PER_GRAPH >= 4 * len(DATA_MUTATIONS)
