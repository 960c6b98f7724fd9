"""ERIC as a SKOS scheme (issue 8): 73 strategies in 9 clusters. The counts per cluster are those of
frameworks.yaml; tests/build proves ontology/modules/eric.ttl is that file's build output."""

PREFIX = ("PREFIX ckg: <https://w3id.org/carekg/def#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
          "PREFIX eric: <https://w3id.org/carekg/id/eric/>\n")
#: strategies per cluster, as frameworks.yaml (eric.counts) gives them
CLUSTER_COUNTS = {"C1": 10, "C2": 4, "C3": 4, "C4": 17, "C5": 11, "C6": 5, "C7": 5, "C8": 9, "C9": 8}


def test_seventy_three_strategies_in_nine_clusters(store):
    rows = store.select(PREFIX + """SELECT (COUNT(DISTINCT ?s) AS ?strategies) (COUNT(DISTINCT ?c) AS ?clusters) {
        { ?s a ckg:ImplementationStrategy ; skos:inScheme <https://w3id.org/carekg/id/scheme/eric> }
        UNION { ?c a ckg:StrategyCluster , skos:Collection } }""")
    assert int(rows[0]["strategies"]) == 73
    assert int(rows[0]["clusters"]) == 9


def test_notations_run_from_eric_01_to_eric_73(store):
    rows = store.select(PREFIX + "SELECT ?n { ?s a ckg:ImplementationStrategy ; skos:notation ?n }")
    assert sorted(r["n"] for r in rows) == [f"ERIC-{i:02d}" for i in range(1, 74)]


def test_every_strategy_is_in_exactly_one_cluster(store):
    rows = store.select(PREFIX + """SELECT ?s (COUNT(?c) AS ?n) { ?s a ckg:ImplementationStrategy .
        OPTIONAL { ?c a ckg:StrategyCluster ; skos:member ?s } } GROUP BY ?s""")
    assert len(rows) == 73
    assert all(r["n"] == "1" for r in rows), [r for r in rows if r["n"] != "1"]


def test_cluster_counts_are_those_of_frameworks_yaml(store):
    assert sum(CLUSTER_COUNTS.values()) == 73
    rows = store.select(PREFIX + """SELECT ?code (COUNT(?s) AS ?n) {
        ?c a ckg:StrategyCluster ; skos:notation ?code ; skos:member ?s } GROUP BY ?code""")
    assert {r["code"]: int(r["n"]) for r in rows} == CLUSTER_COUNTS


def test_strategies_have_labels_definitions_and_a_module(store):
    rows = store.select(PREFIX + """SELECT ?s { ?s a ckg:ImplementationStrategy .
        FILTER NOT EXISTS { ?s skos:prefLabel ?l ; skos:definition ?d ;
                             <http://www.w3.org/2000/01/rdf-schema#isDefinedBy> <https://w3id.org/carekg/def/eric> } }""")
    assert rows == []
