"""The W3C SPARQL 1.1 Protocol tests (vendored in w3c/sparql11-protocol, see its README) against the app.

The 20 query-side tests run as the manifest says, with data1..3.nt loaded as named graphs in a store of
their own. The endpoint is read-only, so each of the 14 update-side tests must get a 4xx for its first
request. Requests carry exactly the manifest's headers (httpx adds none that matter here: no
Content-Type unless given).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import RDFS, Graph, Namespace
from rdflib.collection import Collection
from stores.servers import ACTIVE_BACKENDS, remote_store

from api.main import create_app
from carekg.store import get_store

SUITE = Path(__file__).parent / "w3c" / "sparql11-protocol"
MANIFEST = SUITE / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
EXPECTED_TESTS, EXPECTED_QUERY_SIDE = 34, 20


@dataclass
class ProtocolRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    format: str | None
    boolean: bool | None


@dataclass
class ProtocolTest:
    name: str
    requests: list[ProtocolRequest] = field(default_factory=list)
    graph_data: dict[str, str] = field(default_factory=dict)

    @property
    def update_side(self) -> bool:
        return "update" in self.name


def _read_manifest() -> list[ProtocolTest]:
    graph = Graph().parse(MANIFEST, format="turtle")
    manifest = next(graph.subjects(MF.entries, None))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        test = ProtocolTest(str(entry).rsplit("#", 1)[1])
        for data in graph.objects(entry, UT.graphData):
            file_name = str(graph.value(data, UT.graph)).rsplit("/", 1)[1]
            test.graph_data[str(graph.value(data, RDFS.label))] = file_name
        for node in Collection(graph, graph.value(graph.value(entry, MF.action), HT.requests)):
            headers_node = graph.value(node, HT.headers)
            headers = {str(graph.value(h, HT.fieldName)): str(graph.value(h, HT.fieldValue))
                       for h in (Collection(graph, headers_node) if headers_node else [])}
            body_node = graph.value(node, HT.body)
            body = None
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding))
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            response = graph.value(node, HT.resp)
            boolean = graph.value(response, MF.expectedBoolean)
            expected_format = graph.value(response, MF.expectedFormat)
            test.requests.append(ProtocolRequest(
                method=str(graph.value(node, HT.methodName)), path=str(graph.value(node, HT.absolutePath)),
                headers=headers, body=body,
                statuses={str(s).removeprefix(str(HTS)) for s in graph.objects(response, MF.expectedStatus)},
                format=str(expected_format) if expected_format else None,
                boolean=boolean.toPython() if boolean is not None else None))
        tests.append(test)
    return tests


TESTS = _read_manifest()


@pytest.fixture(scope="module", params=ACTIVE_BACKENDS)
def endpoint(request):
    """The app over a store holding only the suite's data, each file in the graph the manifest names:
    the embedded store, or a server of its own (tests/api/conftest.py) loaded through carekg."""
    graphs = {label: [SUITE / file] for test in TESTS for label, file in test.graph_data.items()}
    store = (get_store("memory:") if request.param == "embedded"
             else remote_store(request.param, "conformance"))
    store.replace_dataset(graphs)
    store.set_version("w3c-sparql11-protocol")
    with TestClient(create_app(store=store)) as client:
        yield client
    store.close()


def test_the_whole_suite_is_collected():
    assert len(TESTS) == EXPECTED_TESTS
    assert sum(not t.update_side for t in TESTS) == EXPECTED_QUERY_SIDE
    files = {file for test in TESTS for file in test.graph_data.values()}
    assert files == {"data1.nt", "data2.nt", "data3.nt"}


def _send(client: TestClient, request: ProtocolRequest):
    # The manifest's paths start with /sparql/; this endpoint is /sparql.
    path = request.path.replace("/sparql/", "/sparql", 1)
    response = client.request(request.method, path, headers=request.headers, content=request.body)
    sent = {name.lower() for name in response.request.headers}
    added = sent - {name.lower() for name in request.headers}
    assert "content-type" not in added, "the client added a Content-Type"
    return response


def _status_class(code: int) -> str:
    return f"StatusCode{code // 100}xx"


def _check_format(response, request: ProtocolRequest) -> None:
    media_type = response.headers.get("content-type", "").split(";")[0]
    if request.format == "boolean":
        assert media_type in {"application/sparql-results+json", "application/sparql-results+xml"}
        if media_type.endswith("json"):
            value = json.loads(response.content)["boolean"]
        else:
            boolean = ET.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
            value = boolean.text == "true"
        assert request.boolean is None or value is request.boolean
    elif request.format == "tabular":
        assert media_type in {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                              "text/tab-separated-values"}
    elif request.format == "RDF":
        parsers = {"application/rdf+xml": "xml", "text/turtle": "turtle", "application/n-triples": "nt"}
        assert media_type in parsers
        Graph().parse(data=response.content, format=parsers[media_type])


@pytest.mark.parametrize("test", [t for t in TESTS if not t.update_side], ids=lambda t: t.name)
def test_query_side(endpoint, test):
    for request in test.requests:
        response = _send(endpoint, request)
        assert _status_class(response.status_code) in request.statuses, response.text
        if response.status_code < 300:
            _check_format(response, request)


@pytest.mark.parametrize("test", [t for t in TESTS if t.update_side], ids=lambda t: t.name)
def test_update_side_is_refused(endpoint, test):
    response = _send(endpoint, test.requests[0])
    assert 400 <= response.status_code < 500, response.text
    still_there = endpoint.get("/sparql", params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }"})
    assert still_there.json()["boolean"] is True, "a refused update changes nothing"
