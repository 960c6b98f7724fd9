"""HermiT proves the ontology and data consistent, and its inferences live in their own graph."""

PREFIX = "PREFIX ckg: <https://w3id.org/carekg/def#>\n"


def test_every_finding_is_classified_by_direction(store):
    rows = store.select(PREFIX + """
        SELECT ?d (COUNT(?f) AS ?asserted) (COUNT(?c) AS ?classified) {
          GRAPH <https://w3id.org/carekg/graph/data> { ?f a ckg:Finding ; ckg:direction ?d }
          OPTIONAL { GRAPH <https://w3id.org/carekg/graph/inferred> { ?f a ?c }
                     VALUES (?d ?c) { (ckg:Enabler ckg:EnablerFinding) (ckg:Barrier ckg:BarrierFinding) (ckg:Mixed ckg:MixedFinding) } }
        } GROUP BY ?d""")
    assert len(rows) == 3
    for row in rows:
        assert row["asserted"] == row["classified"], row


def test_inferred_triples_are_not_in_asserted_data(store):
    rows = store.select(PREFIX + """
        SELECT (COUNT(*) AS ?n) { GRAPH <https://w3id.org/carekg/graph/data> {
          { ?x a ckg:EnablerFinding } UNION { ?x ckg:hasBarrierIn ?s } UNION { ?x a ckg:ConsensusResult } } }""")
    assert rows[0]["n"] == "0"


def test_innovation_barrier_subdomains_are_inferred(store):
    rows = store.select(PREFIX + """
        SELECT ?s { GRAPH <https://w3id.org/carekg/graph/inferred> {
          <https://w3id.org/carekg/id/innovation/family-drug-and-alcohol-court> ckg:hasBarrierIn ?s } }""")
    assert rows, "FDAC has barrier findings, so it must have barrier sub-domains"
