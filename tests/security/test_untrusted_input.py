"""Untrusted RDF cannot reach the network or the disk; bad input anywhere is a 4xx with a message;
every answer carries the security headers; CORS is open for reads, closed for writes."""

from __future__ import annotations

import json
import time

import pytest

from tests.security.conftest import BEARER

LD = {"Content-Type": "application/ld+json", **BEARER}


@pytest.mark.parametrize("context", [
    "{url}", ["{url}"], {"@import": "{url}"}, [{"@vocab": "https://w3id.org/carekg/def#"}, "{url}"],
])
def test_json_ld_never_fetches_a_remote_context(writable, listener, context):
    client, store, folder = writable
    text = json.dumps(context).replace("{url}", listener.url.replace("/sparql", "/context.jsonld"))
    document = f'{{"@context": {text}, "@id": "https://w3id.org/carekg/id/innovation/x", "label": "y"}}'
    response = client.post("/evidence/remote", content=document, headers=LD)
    assert response.status_code == 400 and "context" in response.json()["detail"].lower()
    time.sleep(0.3)
    assert listener.connections == 0 and not list(folder.glob("*.trig"))


@pytest.mark.parametrize("document", [
    '{"@context": "file:///etc/passwd", "@id": "https://w3id.org/carekg/id/innovation/x"}',
    '{"@context": {"@import": "file:///etc/hostname"}, "@id": "https://w3id.org/carekg/id/innovation/x"}',
])
def test_json_ld_never_reads_local_files(writable, document):
    client, _, _ = writable
    response = client.post("/evidence/local", content=document, headers=LD)
    assert response.status_code == 400 and "root:" not in response.text


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:r="http://www.w3.org/2000/01/rdf-schema#">
<rdf:Description rdf:about="https://w3id.org/carekg/id/innovation/x"><r:label>&d;</r:label></rdf:Description></rdf:RDF>"""


@pytest.mark.parametrize("media_type", ["application/rdf+xml", "application/xml", "text/xml",
                                        "application/trig", "text/html", ""])
def test_rdf_xml_and_other_formats_are_refused(writable, media_type):
    client, _, _ = writable
    start = time.perf_counter()
    response = client.post("/evidence/xml", content=BILLION_LAUGHS,
                           headers={"Content-Type": media_type, **BEARER})
    assert response.status_code == 415 and response.json()["detail"]
    assert time.perf_counter() - start < 5


BAD_BODIES = [
    ("text/turtle", "<https://w3id.org/carekg/id/innovation/x> <https://w3id.org/carekg/def#p> ."),
    ("text/turtle", "@prefix : <broken"),
    ("text/turtle", "<relative> <https://w3id.org/carekg/def#p> 1 ."),
    ("text/turtle",
     "<https://w3id.org/carekg/id/innovation/x> <https://w3id.org/carekg/def#p> \"\\uZZZZ\" ."),
    ("text/turtle", "<http://evil.example/x> <https://w3id.org/carekg/def#p> 1 ."),
    ("text/turtle",
     "<https://w3id.org/carekg/graph/meta> <https://w3id.org/carekg/def#datasetVersion> \"x\" ."),
    ("text/turtle", "<https://w3id.org/carekg/id/innovation/x> <not an iri> 1 ."),
    ("text/turtle", "\xff\xfe garbage"),
    ("text/turtle", ""),
    ("application/n-triples", "<https://w3id.org/carekg/id/x> <p> <o> ."),
    ("application/ld+json", "{not json"),
    ("application/ld+json", "[" * 5000 + "]" * 5000),
    ("application/ld+json",
     '{"@id": "https://w3id.org/carekg/id/x", '
     '"@graph": {"@id": "https://w3id.org/carekg/id/y", "http://p": 1}}'),
    ("application/ld+json", '{"@context": 5}'),
]


@pytest.mark.parametrize(("media_type", "body"), BAD_BODIES)
def test_malformed_writes_are_4xx_with_a_message(writable, media_type, body):
    client, store, folder = writable
    version = store.dataset_version()
    content = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
    response = client.post("/evidence/bad", content=content, headers={"Content-Type": media_type, **BEARER})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"] and "Traceback" not in response.text
    assert store.dataset_version() == version and not list(folder.glob("*.trig"))


def test_huge_write_bodies_are_413(writable):
    client, _, _ = writable
    body = (b"<https://w3id.org/carekg/id/innovation/x> <https://w3id.org/carekg/def#p> \""
            + b"a" * 2_000_000 + b"\" .")
    response = client.post("/evidence/huge", content=body, headers={"Content-Type": "text/turtle", **BEARER})
    assert response.status_code == 413 and response.json()["detail"]


@pytest.mark.parametrize(("path", "params"), [
    ("/innovations/%00", {}), ("/innovations/" + "x" * 5000, {}), ("/innovations", {"limit": "-1"}),
    ("/innovations", {"limit": "1e999"}), ("/innovations", {"offset": "abc"}),
    ("/factors", {"limit": "99999"}),
    ("/id/innovation/..%2F..%2Fetc%2Fpasswd", {}), ("/doc/nope/x", {}), ("/sparql", {"query": "SELECT"}),
    ("/sparql", {"query": "ASK {}", "format": "nope"}),
    ("/sparql", {"query": "ASK {}", "default-graph-uri": "not an iri"}),
    ("/sparql", {"query": "SELECT * FROM <::bad> WHERE { ?s ?p ?o }"}), ("/sparql", {"query": "\x00"}),
    ("/sparql", {"query": "SELECT * WHERE { " + "{" * 3000 + "}" * 3000 + " }"}),
])
def test_bad_reads_are_4xx_with_a_message(client, path, params):
    response = client.get(path, params=params, headers={"Accept": "application/json"})
    assert 400 <= response.status_code < 500 or response.status_code == 200, \
        (response.status_code, response.text)
    if response.status_code != 200:
        assert "Traceback" not in response.text


def test_security_headers_are_on_every_answer(client):
    for path, accept in (("/", "text/html"), ("/innovations", "application/json"),
                         ("/nope", "application/json"),
                         ("/sparql?query=ASK%7B%7D", "application/sparql-results+json"),
                         ("/docs", "text/html")):
        headers = client.get(path, headers={"Accept": accept}).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
    page_csp = client.get("/", headers={"Accept": "text/html"}).headers["content-security-policy"]
    script_src = page_csp.split("script-src")[1].split(";")[0]
    assert "script-src 'self'" in page_csp and "unsafe-inline" not in script_src


def test_cors_lets_any_origin_read_and_query_without_credentials(client):
    origin = {"Origin": "https://someone.example"}
    for method in ("GET", "POST"):
        preflight = client.options("/sparql", headers={**origin, "Access-Control-Request-Method": method,
                                                       "Access-Control-Request-Headers": "content-type"})
        assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
        assert method in preflight.headers["access-control-allow-methods"]
        assert "access-control-allow-credentials" not in preflight.headers
    read = client.get("/innovations", headers={**origin, "Accept": "application/json"})
    assert read.headers["access-control-allow-origin"] == "*"
    query = client.post("/sparql", data={"query": "ASK {}"}, headers=origin)
    assert query.headers["access-control-allow-origin"] == "*"
    refused = client.options("/sparql", headers={**origin, "Access-Control-Request-Method": "DELETE"})
    assert refused.status_code == 403


@pytest.mark.parametrize("path, accept", [("/innovations", "application/json"),
                                          ("/consensus", "application/json"),
                                          ("/", "text/html"), ("/nope", "application/json"),
                                          ("/sparql?query=ASK%7B%7D", "application/sparql-results+json")])
def test_cors_headers_do_not_depend_on_the_origin_header(client, path, accept):
    """A public answer is the same with and without Origin (so a shared cache may replay it to anyone):
    always `*`, never `Vary: Origin`. Each path is asked three times, so cached replays are covered."""
    answers = [client.get(path, headers={"Accept": accept, **origin})
               for origin in ({}, {"Origin": "https://someone.example"}, {})]
    for answer in answers:
        assert answer.headers["access-control-allow-origin"] == "*"
        assert "ETag" in answer.headers["access-control-expose-headers"]
        assert "access-control-allow-credentials" not in answer.headers
        assert "origin" not in answer.headers.get("vary", "").lower()
    assert len({(a.status_code, a.content, a.headers.get("etag")) for a in answers}) == 1


def test_the_write_route_gets_no_cors_headers_with_or_without_origin(writable):
    client, _, _ = writable
    for origin in ({}, {"Origin": "https://someone.example"}):
        answer = client.post("/evidence/cors-probe", content="not turtle",
                             headers={"Content-Type": "text/turtle", **BEARER, **origin})
        assert 400 <= answer.status_code < 500
        assert "access-control-allow-origin" not in answer.headers
    preflight = client.options("/evidence/cors-probe", headers={"Origin": "https://someone.example",
                                                                "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers
