"""Validating a change on what it touches equals validating the whole changed graph.

The base is a conforming synthetic graph (data and ontology in their named graphs, as `carekg load`
stores them). Seeded random changes (valid and broken submissions, removals, amendments, statements
also held by another graph, blank nodes) are validated with validate_change and compared with a full
validation of the changed graph: by the engine for every change, by pyshacl for some.
"""

from __future__ import annotations

import random
from collections import Counter

import pyoxigraph as ox
import pytest
from shacl_agreement import DATA_SHAPES, keys, pyshacl_results, rdflib_graph

from carekg import paths
from carekg.generate import generate
from carekg.ids import GRAPH_DATA, GRAPH_ONTOLOGY
from carekg.shacl import load_shapes, validate, validate_change

CKG = "https://w3id.org/carekg/def#"
ID = "https://w3id.org/carekg/id/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
DATA, ONTOLOGY = ox.NamedNode(str(GRAPH_DATA)), ox.NamedNode(str(GRAPH_ONTOLOGY))
SUBMISSION = ox.NamedNode("https://w3id.org/carekg/graph/submission/test")
CHANGES = 40
PYSHACL_CHANGES = range(0, CHANGES, 8)


def ckg(name: str) -> ox.NamedNode:
    return ox.NamedNode(CKG + name)


@pytest.fixture(scope="module")
def program():
    return load_shapes(DATA_SHAPES)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> ox.Store:
    synthetic = tmp_path_factory.mktemp("synthetic") / "graph.nt"
    generate(600, synthetic, seed=5)
    store = ox.Store()
    store.load(path=synthetic, format=ox.RdfFormat.N_TRIPLES, to_graph=DATA)
    store.load(path=paths.DATA_DIR / "strategies.ttl", format=ox.RdfFormat.TURTLE, to_graph=DATA)
    for path in paths.ontology_files():
        store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY)
    # one statement held by two graphs: removing it from one leaves it in the graph
    held_twice = next(store.quads_for_pattern(None, ckg("aboutFactor"), None, DATA))
    store.add(ox.Quad(held_twice.subject, held_twice.predicate, held_twice.object, SUBMISSION))
    return store


def instances(store: ox.Store, cls: str) -> list:
    return sorted({q.subject for q in store.quads_for_pattern(None, RDF_TYPE, ckg(cls), None)}, key=str)


def finding(store: ox.Store, rng: random.Random, node, defect: str | None) -> list[ox.Quad]:
    """A new finding's statements, well formed unless ``defect`` names what is wrong with them."""
    statements = {
        "type": (RDF_TYPE, ckg("Finding")),
        "factor": (ckg("aboutFactor"), rng.choice(instances(store, "ImplementationFactor"))),
        "direction": (ckg("direction"), ckg(rng.choice(["Enabler", "Barrier", "Mixed"]))),
        "source": (ckg("reportedIn"), rng.choice(instances(store, "PrimaryStudy"))),
        "provenance": (ckg("provenanceKind"), ckg("SourceStudyClaim")),
        "paraphrase": (ckg("paraphrase"), ox.Literal("A finding submitted by a test.", language="en")),
        "innovation": (ckg("aboutInnovation"), rng.choice(instances(store, "Innovation"))),
    }
    if defect == "no direction":
        del statements["direction"]
    elif defect == "wrong factor":
        statements["factor"] = (ckg("aboutFactor"), rng.choice(instances(store, "Innovation")))
    elif defect == "untagged paraphrase":
        statements["paraphrase"] = (ckg("paraphrase"), ox.Literal("A finding submitted by a test."))
    elif defect == "both scopes":
        statements["general"] = (ckg("concernsInnovationsInGeneral"), ox.Literal(True))
    elif defect == "ill-typed year on its source":
        year = ox.Literal("soon", datatype=ox.NamedNode(XSD + "integer"))
        statements["year"] = (ckg("publicationYear"), year)
    quads = [ox.Quad(node, p, o, SUBMISSION) for p, o in statements.values()]
    if defect == "ill-typed year on its source":
        quads = [ox.Quad(statements["source"][1], *statements["year"], SUBMISSION)] + \
                [q for q in quads if q.predicate != ckg("publicationYear")]
    if defect == "second factor":
        quads.append(ox.Quad(node, ckg("aboutFactor"), rng.choice(instances(store, "ImplementationFactor")),
                             SUBMISSION))
    return quads


DEFECTS = [None, None, "no direction", "wrong factor", "untagged paraphrase", "both scopes",
           "ill-typed year on its source", "second factor"]


def random_change(store: ox.Store, seed: int) -> tuple[list, list, str]:
    """(added quads, removed statements, description) for change number ``seed``."""
    rng = random.Random(seed)
    data = sorted((q for q in store.quads_for_pattern(None, None, None, DATA)), key=str)
    kind = ["submission", "submission", "removal", "amendment", "held twice", "blank node"][seed % 6]
    if kind == "submission":
        added = []
        for i in range(rng.randint(1, 3)):
            node = ox.NamedNode(f"{ID}finding/submitted-{seed}-{i}")
            added += finding(store, rng, node, rng.choice(DEFECTS))
        return added, [], kind
    if kind == "removal":
        removed = rng.sample(data, rng.randint(1, 3))
        return [], [ox.Triple(q.subject, q.predicate, q.object) for q in removed], f"{kind} {removed}"
    if kind == "amendment":
        node = rng.choice(instances(store, "Finding"))
        old = [q for q in data if q.subject == node and q.predicate == ckg("direction")]
        new = ox.Quad(node, ckg("direction"), ckg(rng.choice(["Enabler", "Barrier", "Neutral"])), SUBMISSION)
        return [new], old, f"{kind} {node}"
    if kind == "held twice":
        held = next(store.quads_for_pattern(None, None, None, SUBMISSION))
        other = rng.choice(data)
        return [], [ox.Quad(held.subject, held.predicate, held.object, DATA), other], f"{kind} {other}"
    node = ox.BlankNode(f"submitted{seed}")
    return finding(store, rng, node, rng.choice(DEFECTS)), [], kind


def changed_copy(store: ox.Store, added, removed) -> ox.Store:
    copy = ox.Store()
    copy.extend(store)
    for statement in removed:
        if isinstance(statement, ox.Quad):
            graphs = [statement.graph_name]
        else:
            graphs = [q.graph_name for q in copy.quads_for_pattern(*statement)]
        for graph in graphs:
            copy.remove(ox.Quad(statement.subject, statement.predicate, statement.object, graph))
    copy.extend(added)
    return copy


@pytest.mark.parametrize("seed", range(CHANGES))
def test_a_change_validated_on_what_it_touches_equals_full_validation(seed, base, program):
    size = len(base)
    added, removed, description = random_change(base, seed)
    change = validate_change(base, program, added, removed)
    assert len(base) == size, "the store must not change"
    changed = changed_copy(base, added, removed)
    full = validate(changed, program)
    assert change.full_reason is None
    assert change.scratch_triples < size / 4
    assert keys(change.results, changed) == keys(full, changed), description
    if seed in PYSHACL_CHANGES:
        union = rdflib_graph("".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in changed).encode())
        assert keys(change.results, changed) == pyshacl_results(union, DATA_SHAPES), description


def test_the_random_changes_break_and_keep_the_graph_valid(base, program):
    outcomes = Counter(bool(validate_change(base, program, *random_change(base, seed)[:2]).results)
                       for seed in range(CHANGES))
    assert outcomes[True] >= CHANGES / 4 and outcomes[False] >= CHANGES / 8


def test_on_a_graph_that_does_not_conform_only_the_affected_nodes_change(base, program):
    broken_base = changed_copy(base, [], [ox.Triple(n, ckg("direction"), o) for n, o in
                                          ((q.subject, q.object) for q in list(base.quads_for_pattern(
                                              None, ckg("direction"), None, DATA))[:5])])
    before = validate(broken_base, program)
    assert before
    for seed in range(0, 12, 1):
        added, removed, description = random_change(broken_base, seed)
        change = validate_change(broken_base, program, added, removed)
        after = validate(changed_copy(broken_base, added, removed), program)
        focus = set(change.focus_nodes)
        assert Counter(change.results) == Counter(r for r in after if r.focus_node in focus), description
        assert Counter(r for r in after if r.focus_node not in focus) == \
            Counter(r for r in before if r.focus_node not in focus), description


def test_class_hierarchy_changes_validate_everything(base, program):
    subclass = ox.Quad(ckg("TestFinding"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                       ckg("Finding"), SUBMISSION)
    instance = ox.Quad(ox.NamedNode(ID + "finding/typed-by-a-new-class"), RDF_TYPE, ckg("TestFinding"),
                       SUBMISSION)
    change = validate_change(base, program, [subclass, instance])
    assert change.focus_nodes is None and "subClassOf" in change.full_reason
    assert Counter(change.results) == Counter(validate(changed_copy(base, [subclass, instance], []), program))
    components = {r.source_constraint_component.rsplit("#")[1] for r in change.results}
    assert "MinCountConstraintComponent" in components


def test_only_the_named_graphs_are_validated(base, program):
    noise = ox.NamedNode("urn:noise")
    noisy = changed_copy(base, [ox.Quad(ox.NamedNode(ID + "finding/noise"), RDF_TYPE, ckg("Finding"), noise)],
                         [])
    added, removed, _ = random_change(noisy, 0)
    graphs = [DATA.value, ONTOLOGY.value, SUBMISSION.value]
    change = validate_change(noisy, program, added, removed, graphs=graphs)
    full = validate(changed_copy(noisy, added, removed), program, graphs=graphs)
    assert Counter(change.results) == Counter(full)
    assert not any(r.focus_node.value.endswith("/noise") for r in change.results)
