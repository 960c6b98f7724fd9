"""An adapter for any SPARQL 1.1 server: the query protocol for reads, the Graph Store Protocol for
loads. Selected by a descriptor ``sparql+http://host:port/path`` (or ``sparql+https://``).

Options ride in the descriptor's query string and are removed from the endpoint URL:
``gsp=/store`` (Graph Store Protocol path, default ``/store``), ``union=union-default-graph`` (the
parameter that makes the server's default graph the union of its graphs, if it needs one),
``timeout=10`` (seconds per request), ``auth=digest`` (with CAREKG_STORE_USER/CAREKG_STORE_PASSWORD).
Requests are form-encoded POSTs, which every server tested accepts (Virtuoso hangs on
``application/sparql-query``). A server that is down or slow raises StoreError, never hangs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from carekg.ids import GRAPH_META
from carekg.namespaces import CKG
from carekg.store.base import LoadProgress, QuerySyntaxError, RawResult, Row, StoreError

_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")
_UPLOAD_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples"}


def _values_clause(bindings: Mapping[str, str] | None) -> str:
    if not bindings:
        return ""
    for name, iri in bindings.items():
        if not name.isidentifier() or not _SAFE_IRI.match(iri):
            raise StoreError(f"refusing to bind ?{name} to {iri!r}: not a plain IRI")
    names = " ".join(f"?{n}" for n in bindings)
    values = " ".join(f"<{iri}>" for iri in bindings.values())
    return f"\nVALUES ({names}) {{ ({values}) }}"


class SparqlHttpStore:
    name = "sparql"

    def __init__(self, descriptor: str) -> None:
        scheme, _, rest = descriptor.partition("+")
        if scheme != "sparql" or not rest.startswith(("http://", "https://")):
            raise StoreError("a remote store descriptor looks like sparql+http://host:port/path")
        parts = urlsplit(rest)
        options, kept = {}, []
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            (options.__setitem__(key, value) if key in {"gsp", "union", "timeout", "auth"} else kept.append((key, value)))
        self.endpoint = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))
        self.gsp = urlunsplit((parts.scheme, parts.netloc, options.get("gsp", "/store"), "", ""))
        self.union_parameter = options.get("union")
        timeout = float(options.get("timeout", os.environ.get("CAREKG_STORE_TIMEOUT", "10")))
        auth = None
        if options.get("auth") == "digest":
            auth = httpx.DigestAuth(os.environ.get("CAREKG_STORE_USER", ""), os.environ.get("CAREKG_STORE_PASSWORD", ""))
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)), auth=auth,
                                    limits=httpx.Limits(max_connections=32, max_keepalive_connections=16))

    # -- protocol plumbing -------------------------------------------------------------------------
    def _post(self, url: str, form: list[tuple[str, str]], accept: str) -> httpx.Response:
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            response = self._client.post(url, content=urlencode(form).encode(), headers=headers)
        except httpx.TimeoutException:
            raise StoreError(f"the SPARQL server at {self.endpoint} did not answer in time") from None
        except httpx.HTTPError:
            raise StoreError(f"the SPARQL server at {self.endpoint} is unavailable") from None
        if response.status_code == 400:
            raise QuerySyntaxError(" ".join(response.text.split())[:300] or "the server rejected the query")
        if response.status_code >= 300:
            raise StoreError(f"the SPARQL server answered {response.status_code}")
        return response

    def _form(self, query: str, default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> list:
        form = [("query", query)]
        form += [("default-graph-uri", g) for g in default_graphs]
        form += [("named-graph-uri", g) for g in named_graphs]
        if self.union_parameter and not default_graphs and not named_graphs:
            form.append((self.union_parameter, "true"))
        return form

    def _json(self, query: str) -> dict:
        response = self._post(self.endpoint, self._form(query), "application/sparql-results+json")
        try:
            return response.json()
        except ValueError:
            raise StoreError("the SPARQL server sent results that are not JSON") from None

    # -- GraphStore ----------------------------------------------------------------------------------
    def select(self, query: str, bindings: Mapping[str, str] | None = None) -> list[Row]:
        results = self._json(query + _values_clause(bindings))
        return [{name: cell["value"] for name, cell in row.items()} for row in results["results"]["bindings"]]

    def ask(self, query: str, bindings: Mapping[str, str] | None = None) -> bool:
        results = self._json(query + _values_clause(bindings))
        if "boolean" in results:
            return bool(results["boolean"])
        raise StoreError("the SPARQL server did not answer the ASK with a boolean")

    def construct(self, query: str, bindings: Mapping[str, str] | None, media_type: str) -> bytes:
        return self._post(self.endpoint, self._form(query + _values_clause(bindings)), media_type).content

    def run(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = ()) -> RawResult:
        response = self._post(self.endpoint, self._form(query, default_graph_uris, named_graph_uris), media_type)
        return RawResult(response.content, response.headers.get("content-type", media_type).split(";")[0])

    def _gsp(self, method: str, graph: str, body: bytes | None = None, content_type: str | None = None) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        try:
            response = self._client.request(method, self.gsp, params={"graph": graph}, content=body,
                                            headers=headers, timeout=None if body else self._client.timeout)
        except httpx.HTTPError:
            raise StoreError(f"the Graph Store at {self.gsp} is unavailable") from None
        if response.status_code >= 300 and not (method == "DELETE" and response.status_code == 404):
            raise StoreError(f"the Graph Store answered {response.status_code} to {method} {graph}")

    def replace_dataset(self, graphs: Mapping[str, Sequence[Path]], progress: LoadProgress | None = None) -> int:
        files = [(graph, Path(file)) for graph, group in graphs.items() for file in group]
        total, done = sum(f.stat().st_size for _, f in files), 0
        self._gsp("DELETE", str(GRAPH_META))
        for graph in {g for g, _ in files}:
            self._gsp("DELETE", graph)
        for graph, file in files:
            self.load_graph(graph, file)
            done += file.stat().st_size
            if progress:
                progress(done, total)
        return self.triple_count()

    def load_graph(self, graph: str, path: Path) -> None:
        content_type = _UPLOAD_TYPES.get(path.suffix)
        if content_type is None:
            raise StoreError(f"cannot upload {path.name}: use .ttl or .nt")
        self._gsp("POST", graph, path.read_bytes(), content_type)

    def set_version(self, version: str) -> None:
        triple = f'<{GRAPH_META}> <{CKG.datasetVersion}> "{version}" .\n'.encode()
        self._gsp("PUT", str(GRAPH_META), triple, "application/n-triples")

    def dataset_version(self) -> str | None:
        rows = self.select(f"SELECT ?v WHERE {{ GRAPH <{GRAPH_META}> {{ <{GRAPH_META}> <{CKG.datasetVersion}> ?v }} }}")
        return rows[0]["v"] if rows else None

    def triple_count(self, graph: str | None = None) -> int:
        query = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph
                 else "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(self.select(query)[0]["n"])

    def close(self) -> None:
        self._client.close()
