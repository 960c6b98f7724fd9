"""POST /evidence: authenticated, validated with SHACL against the merged graph, atomic, recorded with PROV,
persisted as files that `carekg load` includes, and the dataset version advances."""

from __future__ import annotations

import json

import pytest

from carekg.loader import DatasetFiles, load
from carekg.store import get_store
from tests.security.conftest import BEARER
from tests.submissions import submitted_finding

FINDING = submitted_finding(
    "sub-fdac-99", "A submitted finding: staff who shared an understanding of the model set it up faster.")
BROKEN = FINDING.replace("ckg:direction ckg:Enabler ;", "ckg:direction ckg:Sideways ;")
TURTLE = {"Content-Type": "text/turtle"}
ASK_NEW = "ASK { <https://w3id.org/carekg/id/finding/sub-fdac-99> ?p ?o }"


def _ask(client, query: str) -> bool:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()["boolean"]


def test_writes_are_off_without_a_configured_token(client):
    response = client.post("/evidence/x", content=FINDING, headers={**TURTLE, **BEARER})
    assert response.status_code == 403 and "off" in response.json()["detail"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token-wrong-token"},
                                     {"Authorization": "Basic YWxpY2U6eA=="}, {"Authorization": "Bearer "}])
def test_a_missing_or_wrong_token_is_401(writable, headers):
    client, store, folder = writable
    version = store.dataset_version()
    response = client.post("/evidence/x", content=FINDING, headers={**TURTLE, **headers})
    assert response.status_code == 401 and response.json()["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert store.dataset_version() == version and not list(folder.glob("*.trig"))


def test_a_non_conforming_write_is_422_with_the_report_and_changes_nothing(writable):
    client, store, folder = writable
    version, triples = store.dataset_version(), store.triple_count()
    response = client.post("/evidence/bad", content=BROKEN, headers={**TURTLE, **BEARER})
    assert response.status_code == 422
    results = response.json()["results"]
    assert any(r["focus_node"] == "https://w3id.org/carekg/id/finding/sub-fdac-99"
               and r["path"] == "https://w3id.org/carekg/def#direction" and r["message"] for r in results)
    assert store.dataset_version() == version and store.triple_count() == triples
    assert not list(folder.glob("*.trig")) and not _ask(client, ASK_NEW)


def test_the_write_answers_are_what_the_openapi_document_derives_from_their_models(writable):
    """The 201 and the 422 of POST /evidence, as answered, hold exactly the properties the OpenAPI
    document publishes for them, which it takes from carekg.writes.WriteResult and api.schemas'
    ValidationReport (no schema written by hand)."""
    client, _, _ = writable
    spec = client.get("/openapi.json").json()
    answers = spec["paths"]["/evidence/{name}"]["post"]["responses"]
    components = spec["components"]["schemas"]

    def published(status: str) -> dict:
        reference = answers[status]["content"]["application/json"]["schema"]["$ref"]
        return components[reference.rsplit("/", 1)[1]]

    assert answers["201"]["content"]["application/json"]["schema"]["$ref"].endswith("/WriteResult")
    refused = client.post("/evidence/bad", content=BROKEN, headers={**TURTLE, **BEARER})
    assert refused.status_code == 422
    report = published("422")
    assert set(refused.json()) == set(report["properties"]) == set(report["required"])
    result_schema = components[report["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert refused.json()["results"] and all(set(result) == set(result_schema["properties"])
                                             for result in refused.json()["results"])
    accepted = client.post("/evidence/good", content=FINDING, headers={**TURTLE, **BEARER})
    assert accepted.status_code == 201, accepted.text
    assert set(accepted.json()) == set(published("201")["properties"]) == set(published("201")["required"])
    assert "$ref" in answers["400"]["content"]["application/json"]["schema"]


def test_an_ill_typed_literal_is_judged_as_written(writable):
    # rdflib would read "maybe"^^xsd:boolean as false; validation sees the statement as sent
    client, store, folder = writable
    version = store.dataset_version()
    body = FINDING.replace("ckg:direction ckg:Enabler ;",
                           'ckg:direction ckg:Enabler ; ckg:concernsInnovationsInGeneral '
                           '"maybe"^^<http://www.w3.org/2001/XMLSchema#boolean> ;')
    response = client.post("/evidence/ill-typed", content=body, headers={**TURTLE, **BEARER})
    assert response.status_code == 422, response.text
    paths = {r["path"] for r in response.json()["results"]}
    assert "https://w3id.org/carekg/def#concernsInnovationsInGeneral" in paths
    assert store.dataset_version() == version and not list(folder.glob("*.trig"))


def test_a_write_commits_with_prov_advances_the_version_and_survives_a_reload(writable):
    client, store, folder = writable
    before = store.dataset_version()
    assert not _ask(client, ASK_NEW)
    etag = client.get("/innovations/family-drug-and-alcohol-court").headers.get("etag")
    response = client.post("/evidence/fdac-extra", content=FINDING, headers={**TURTLE, **BEARER})
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["previous_version"] == before and answer["version"] != before and not answer["amended"]
    assert store.dataset_version() == answer["version"]
    # the query workers and the response cache follow the new version
    assert _ask(client, ASK_NEW)
    assert client.get("/innovations/family-drug-and-alcohol-court").headers.get("etag") != etag
    # PROV: who, when, what, in its own named graph; the agent described in the agents graph
    prov = f"""PREFIX prov: <http://www.w3.org/ns/prov#>
    ASK {{ GRAPH <https://w3id.org/carekg/graph/provenance/fdac-extra> {{
        <{answer['activity']}> a prov:Activity ; prov:wasAssociatedWith ?agent ; prov:startedAtTime ?when ;
            prov:generated <https://w3id.org/carekg/graph/submission/fdac-extra> ; prov:used ?dataset . }}
        GRAPH <https://w3id.org/carekg/graph/agents> {{
        ?agent a prov:Agent ; <http://www.w3.org/2000/01/rdf-schema#label> "alice" }} }}"""
    assert _ask(client, prov)
    # persisted: a reload from the files (what `carekg load` does) gives the same version and data
    assert [p.name for p in folder.glob("*.trig")] == ["fdac-extra.trig"]
    reloaded = get_store("memory:")
    version, _ = load(reloaded, DatasetFiles.discover(submissions_dir=folder), reasoner=False)
    assert version == answer["version"]
    assert reloaded.ask(ASK_NEW)
    # the incremental commit leaves the store exactly as a fresh load of the files would
    for graph in (None, "https://w3id.org/carekg/graph/inferred"):
        assert reloaded.triple_count(graph) == store.triple_count(graph)
    # amending: the same name replaces the statements and keeps the history
    amended = FINDING.replace("set it up faster", "set it up much faster")
    second = client.post("/evidence/fdac-extra", content=amended, headers={**TURTLE, **BEARER})
    assert second.status_code == 201 and second.json()["amended"]
    paraphrase = "ASK {{ ?f <https://w3id.org/carekg/def#paraphrase> ?p FILTER(CONTAINS(STR(?p), {})) }}"
    assert _ask(client, paraphrase.format('"much faster"'))
    assert not _ask(client, paraphrase.format('"set it up faster"'))
    activities = "SELECT (COUNT(?a) AS ?n) { GRAPH ?g { ?a a <http://www.w3.org/ns/prov#Activity> } }"
    count = client.get("/sparql", params={"query": activities}, headers={"Accept": "application/json"}).json()
    assert count["results"]["bindings"][0]["n"]["value"] == "2"


def test_json_ld_is_accepted(writable):
    client, store, _ = writable
    document = {"@context": {"ckg": "https://w3id.org/carekg/def#"},
                "@id": "https://w3id.org/carekg/id/innovation/family-drug-and-alcohol-court",
                "ckg:curatorNote": {"@value": "Noted by a submission in JSON-LD.", "@language": "en"}}
    response = client.post("/evidence/jsonld-note", content=json.dumps(document),
                           headers={"Content-Type": "application/ld+json", **BEARER})
    assert response.status_code == 201, response.text
    assert _ask(client, 'ASK { ?s <https://w3id.org/carekg/def#curatorNote> '
                        '"Noted by a submission in JSON-LD."@en }')


def test_the_write_route_gets_no_cors(writable):
    client, _, _ = writable
    preflight = client.options("/evidence/x", headers={"Origin": "https://evil.example",
                                                        "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers
    response = client.post("/evidence/Not_A_Name", content=FINDING,
                           headers={**TURTLE, **BEARER, "Origin": "https://evil.example"})
    assert response.status_code == 400 and "access-control-allow-origin" not in response.headers


def test_an_accepted_write_is_in_the_exports_void_and_the_counts(writable):
    """#13: the N-Quads export, VoID and the home page's counts list every named graph of the dataset,
    the accepted submissions' graphs and their provenance included, as the findings CSV does."""
    from rdflib import Dataset, Graph, URIRef
    from rdflib.namespace import VOID

    client, store, _ = writable
    before = client.get("/version").json()
    response = client.post("/evidence/fdac-extra", content=FINDING, headers={**TURTLE, **BEARER})
    assert response.status_code == 201, response.text
    finding = URIRef("https://w3id.org/carekg/id/finding/sub-fdac-99")
    submission = URIRef("https://w3id.org/carekg/graph/submission/fdac-extra")
    provenance = URIRef("https://w3id.org/carekg/graph/provenance/fdac-extra")
    agents = URIRef("https://w3id.org/carekg/graph/agents")
    assert str(finding).rsplit("/", 1)[1] in client.get("/export/findings.csv").text
    quads = Dataset().parse(data=client.get("/export/carekg.nq").content, format="nquads")
    assert (finding, None, None, submission) in quads
    assert len(quads.graph(provenance)) == store.triple_count(str(provenance)) > 0
    assert sum(len(g) for g in quads.graphs()) == store.triple_count() - store.triple_count(
        "https://w3id.org/carekg/graph/meta")
    after = client.get("/version").json()
    assert after["findings"] == before["findings"] + 1
    assert after["triples"]["submissions"] == store.triple_count(str(submission))
    assert len(quads.graph(agents)) == store.triple_count(str(agents)) == 2  # the agent, described once
    assert after["triples"]["provenance"] == sum(store.triple_count(str(g)) for g in (provenance, agents))
    assert sum(after["triples"].values()) == sum(len(g) for g in quads.graphs())
    void = Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text,
                         format="turtle")
    dataset = next(void.subjects(VOID.subset, None))
    assert int(void.value(dataset, VOID.triples)) == sum(len(g) for g in quads.graphs())
    assert int(void.value(submission, VOID.triples)) == store.triple_count(str(submission))
    assert (dataset, VOID.subset, provenance) in void


CLASS_OF_NEW = """PREFIX ckg: <https://w3id.org/carekg/def#> SELECT ?class {
    GRAPH <https://w3id.org/carekg/graph/inferred> {
      <https://w3id.org/carekg/id/finding/sub-fdac-99> a ?class } }"""


def _classes(client) -> set[str]:
    response = client.get("/sparql", params={"query": CLASS_OF_NEW}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return {row["class"]["value"] for row in response.json()["results"]["bindings"]}


def test_with_the_reasoner_a_write_classifies_amends_the_class_and_a_restart_needs_no_hermit(reasoned):
    client, store, folder = reasoned
    ckg = "https://w3id.org/carekg/def#"
    assert store.dataset_version() == DatasetFiles.discover(submissions_dir=folder).version(True)
    response = client.post("/evidence/fdac-classified", content=FINDING, headers={**TURTLE, **BEARER})
    assert response.status_code == 201, response.text
    assert _classes(client) == {ckg + "EnablerFinding"}  # classified at once, by the defined-class rule
    # amended to a barrier: the enabler class does not stay behind
    barrier = FINDING.replace("ckg:direction ckg:Enabler", "ckg:direction ckg:Barrier")
    answer = client.post("/evidence/fdac-classified", content=barrier, headers={**TURTLE, **BEARER})
    assert answer.status_code == 201
    assert _classes(client) == {ckg + "BarrierFinding"}
    # the version says classified (HermiT for the curated files, the rule for submissions), so a
    # restart keeps the store as it is: no reload, no HermiT
    files = DatasetFiles.discover(submissions_dir=folder)
    assert store.dataset_version() == files.version(True)
    inferred = store.triple_count("https://w3id.org/carekg/graph/inferred")
    assert client.app.state.writer.recover() == files.version(True) == store.dataset_version()
    # and a full load (HermiT's cached classification of the curated files and the rule's of the
    # submissions) gives the same inferred graph as the write kept
    reloaded = get_store("memory:")
    load(reloaded, files, reasoner=True)
    assert _graph(reloaded, "https://w3id.org/carekg/graph/inferred") == _graph(
        store, "https://w3id.org/carekg/graph/inferred")
    assert store.triple_count("https://w3id.org/carekg/graph/inferred") == inferred


def _graph(store, graph: str) -> set[bytes]:
    return set(b"".join(store.graph_ntriples(graph)).splitlines())


def test_the_prov_iris_a_write_mints_dereference(writable):
    client, store, _ = writable
    previous = store.dataset_version()
    response = client.post("/evidence/fdac-prov", content=FINDING, headers={**TURTLE, **BEARER})
    assert response.status_code == 201, response.text
    activity = response.json()["activity"]
    assert activity == "https://w3id.org/carekg/id/write/fdac-prov-1"
    for iri in (activity, "https://w3id.org/carekg/id/agent/alice",
                f"https://w3id.org/carekg/id/dataset/{previous}"):
        path = iri.removeprefix("https://w3id.org/carekg")
        seen = client.get(path, follow_redirects=False)
        assert seen.status_code == 303, (iri, seen.text)
        document = client.get(seen.headers["location"], headers={"Accept": "application/n-triples"})
        assert document.status_code == 200 and f"<{iri}>" in document.text
        assert client.get(seen.headers["location"], headers={"Accept": "text/html"}).status_code == 200


def test_every_refusal_the_library_makes_has_an_http_status():
    from api.routes.evidence import STATUS_OF
    from carekg.writes import Refusal

    assert set(STATUS_OF) == set(Refusal)
    assert all(400 <= status < 600 for status in STATUS_OF.values())


def test_after_a_write_the_pages_asked_before_are_computed_again_before_their_first_reader(writable):
    from carekg.services import answer_cache

    client, store, _ = writable
    assert client.get("/innovations/family-drug-and-alcohol-court/profile").status_code == 200
    response = client.post("/evidence/fdac-refresh", content=FINDING, headers={**TURTLE, **BEARER})
    assert response.status_code == 201, response.text
    client.app.state.refreshing.join(60)
    version = response.json()["version"]
    assert version == store.dataset_version()
    assert any(key[1] == version for key in answer_cache._CACHE)


def test_a_write_keeps_the_materialised_counts_current(writable):
    """#14: the lists read the counts the rules materialised; a write recomputes them with the rules, so
    the innovation, factor and source of a new finding each count one more, at once."""
    client, _, _ = writable

    def listed(path: str, id: str) -> dict:
        return next(item["counts"] for item in client.get(path, params={"limit": 500}).json()["data"]
                    if item["id"] == id)

    lists = (("/innovations", "family-drug-and-alcohol-court"),
             ("/factors", "shared-understanding-of-the-innovation"),
             ("/studies", "natcen-2017-fdac-national-unit-evaluation-summary"))
    before = [listed(path, id) for path, id in lists]
    response = client.post("/evidence/fdac-extra", content=FINDING, headers={**TURTLE, **BEARER})
    assert response.status_code == 201, response.text
    for (path, id), counts in zip(lists, before, strict=True):
        after = listed(path, id)
        assert (after["findings"], after["enabler"]) == (counts["findings"] + 1, counts["enabler"] + 1), path
        assert (after["barrier"], after["mixed"]) == (counts["barrier"], counts["mixed"]), path
