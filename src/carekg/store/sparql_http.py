"""An adapter for any SPARQL 1.1 server: the query protocol for reads, the Graph Store Protocol for
loads. Selected by a descriptor ``sparql+http://host:port/path`` (or ``sparql+https://``).

Options ride in the descriptor's query string and are removed from the endpoint URL:
``gsp=/store`` (Graph Store Protocol path, default ``/store``), ``union=union-default-graph`` (the
parameter that makes the server's default graph the union of its graphs, if it needs one),
``timeout=10`` (seconds per request), ``load_timeout=300`` (seconds per Graph Store upload),
``auth=digest`` or ``auth=basic`` (with CAREKG_STORE_USER/CAREKG_STORE_PASSWORD), ``version_ttl=1``
(seconds the dataset version read from the server is reused, see ``dataset_version``).
Requests are form-encoded POSTs, which every server tested accepts (Virtuoso hangs on
``application/sparql-query``). One pooled HTTP client per store keeps connections alive between
requests. A server that is down, slow or answering 502-504 raises StoreUnavailable (the API answers
503), never hangs: connecting gives up after at most 3 s, a query after ``timeout`` seconds.

Virtuoso quirks handled here (docs/deploy.md): ASK answered with a one-column result set
(``__ASK_RETVAL``), turned into the protocol's boolean result by ``ask`` and ``run``; xsd:boolean
values written as 1/0; no VALUES block after ASK/CONSTRUCT (see carekg.store.binding).
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import VOID, XSD

from carekg.ids import GRAPH_BASE, GRAPH_META, SPARQL_RESULTS_XML
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.store.base import (
    LoadProgress,
    QuerySyntaxError,
    RawResult,
    Row,
    StoreError,
    StoreUnavailable,
    Value,
)
from carekg.store.binding import bind_values
from carekg.store.streaming import in_own_thread

_UPLOAD_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples"}
_GRAPH_FORMATS = {".ttl": "turtle", ".nt": "nt"}
_DATASET_TYPES = {".trig": "trig", ".nq": "nquads"}
_OPTIONS = {"gsp", "union", "timeout", "load_timeout", "auth", "version_ttl"}
_VIRTUOSO_ASK = b"__ASK_RETVAL"
_SRX = SPARQL_RESULTS_XML
_XML_RESULTS = ox.QueryResultsFormat.XML


def _boolean_result(body: bytes, media_type: str) -> bytes | None:
    """A standard boolean result for Virtuoso's ``__ASK_RETVAL`` result set, or None for any other body."""
    if _VIRTUOSO_ASK not in body[:1000]:
        return None
    if media_type.endswith("json"):
        try:
            value = bool(json.loads(body)["results"]["bindings"])
        except (ValueError, KeyError, TypeError):
            return None
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media_type.endswith("xml"):
        try:
            value = ET.fromstring(body).find(f"{{{_SRX}}}results/{{{_SRX}}}result") is not None
        except ET.ParseError:
            return None
        return (f'<?xml version="1.0"?>\n<sparql xmlns="{_SRX}"><head/>'
                f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    return None


_XSD_BOOLEAN = str(XSD.boolean)
_BOOLEANS = {"1": "true", "0": "false"}


def _lexical(cell: Mapping[str, str]) -> str:
    """A term's lexical form as the embedded store gives it (Virtuoso writes xsd:boolean as 1/0)."""
    value = cell["value"]
    if cell.get("datatype") == _XSD_BOOLEAN:
        return _BOOLEANS.get(value, value)
    return value


def _term_lexical(term) -> str:
    """As ``_lexical``, for a term pyoxigraph parsed."""
    if isinstance(term, ox.Literal) and term.datatype.value == _XSD_BOOLEAN:
        return _BOOLEANS.get(term.value, term.value)
    return term.value


def _raise_for_status(response: httpx.Response) -> None:
    """The error a query's answer stands for, if it is one (a streamed answer's body read first)."""
    if response.status_code < 300:
        return
    response.read()
    if response.status_code == 400:
        raise QuerySyntaxError(" ".join(response.text.split())[:300] or "the server rejected the query")
    if response.status_code in (502, 503, 504):
        raise StoreUnavailable(f"the SPARQL server answered {response.status_code}")
    # For operators (CLI, logs); the API shows its users a generic 503 instead.
    detail = " ".join(response.text.split())[:300]
    raise StoreError(f"the SPARQL server answered {response.status_code}" + (f": {detail}" if detail else ""))


class _ByteStream(io.RawIOBase):
    """A file-like reader over an iterator of byte chunks (an HTTP body as it arrives)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._chunk, self._at = chunks, b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._at == len(self._chunk):
            self._chunk, self._at = next(self._chunks, b""), 0
            if not self._chunk:
                return 0
        size = min(len(buffer), len(self._chunk) - self._at)
        buffer[:size] = self._chunk[self._at:self._at + size]
        self._at += size
        return size


class SparqlHttpStore:
    name = "sparql"

    def __init__(self, descriptor: str) -> None:
        scheme, _, rest = descriptor.partition("+")
        if scheme != "sparql" or not rest.startswith(("http://", "https://")):
            raise StoreError("a remote store descriptor looks like sparql+http://host:port/path")
        parts = urlsplit(rest)
        options: dict[str, str] = {}
        kept: list[tuple[str, str]] = []
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            (options.__setitem__(key, value) if key in _OPTIONS else kept.append((key, value)))
        # Credentials may ride in the descriptor (user:password@host) or, better, in the environment.
        user = parts.username or os.environ.get("CAREKG_STORE_USER", "")
        password = parts.password or os.environ.get("CAREKG_STORE_PASSWORD", "")
        netloc = parts.hostname or ""
        netloc = f"[{netloc}]" if ":" in netloc else netloc
        netloc += f":{parts.port}" if parts.port else ""
        self.endpoint = urlunsplit((parts.scheme, netloc, parts.path, urlencode(kept), ""))
        self.gsp = urlunsplit((parts.scheme, netloc, options.get("gsp", "/store"), "", ""))
        self.union_parameter = options.get("union")
        try:
            timeout = float(options.get("timeout", os.environ.get("CAREKG_STORE_TIMEOUT", "10")))
            self.load_timeout = float(options.get("load_timeout", "300"))
            self.version_ttl = float(options.get("version_ttl", "1"))
        except ValueError:
            raise StoreError("timeout, load_timeout and version_ttl must be numbers of seconds") from None
        if timeout <= 0 or self.load_timeout <= 0 or self.version_ttl < 0:
            raise StoreError("timeouts must be positive and version_ttl must not be negative")
        auth: httpx.Auth | None = None
        if options.get("auth") == "digest":
            auth = httpx.DigestAuth(user, password)
        elif options.get("auth") == "basic" or (options.get("auth") is None and user):
            auth = httpx.BasicAuth(user, password)
        elif options.get("auth"):
            raise StoreError(f"auth={options['auth']!r}: use auth=digest or auth=basic")
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)), auth=auth,
                                    limits=httpx.Limits(max_connections=32, max_keepalive_connections=16))
        self._version_lock = threading.Lock()
        self._version: tuple[float, str | None] | None = None  # (monotonic time read, version)

    # -- protocol plumbing -------------------------------------------------------------------------
    def _post(self, url: str, form: list[tuple[str, str]], accept: str) -> httpx.Response:
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            response = self._client.post(url, content=urlencode(form).encode(), headers=headers)
        except httpx.TimeoutException:
            raise StoreUnavailable(f"the SPARQL server at {self.endpoint} did not answer in time") from None
        except httpx.HTTPError:
            raise StoreUnavailable(f"the SPARQL server at {self.endpoint} is unavailable") from None
        _raise_for_status(response)
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
    def select(self, query: str, bindings: Mapping[str, Value] | None = None) -> list[Row]:
        results = self._json(bind_values(query, bindings))
        return [{name: _lexical(cell) for name, cell in row.items()}
                for row in results["results"]["bindings"]]

    def select_tuples(self, query: str, bindings: Mapping[str, Value] | None = None
                      ) -> Iterator[tuple[str | None, ...]]:
        results = self._json(bind_values(query, bindings))
        names = results["head"]["vars"]
        for row in results["results"]["bindings"]:
            yield tuple([_lexical(row[name]) if name in row else None for name in names])

    def select_rows(self, query: str, bindings: Mapping[str, Value] | None = None) -> Iterator[Row]:
        # The XML results read as they arrive and parsed by pyoxigraph's streaming parser (whose
        # iterator must stay in its thread, hence in_own_thread); the read may take as long as a load.
        return in_own_thread(lambda: self._streamed_rows(bind_values(query, bindings)))

    def _streamed_rows(self, query: str) -> Iterator[Row]:
        headers = {"Accept": _XML_RESULTS.media_type, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            timeout = httpx.Timeout(self.load_timeout, connect=3.0)
            with self._client.stream("POST", self.endpoint, content=urlencode(self._form(query)).encode(),
                                     headers=headers, timeout=timeout) as response:
                _raise_for_status(response)
                body = io.BufferedReader(_ByteStream(response.iter_bytes()))
                solutions = ox.parse_query_results(body, _XML_RESULTS)
                if not isinstance(solutions, ox.QuerySolutions):
                    raise StoreError("the SPARQL server answered a SELECT with a boolean")
                names = [v.value for v in solutions.variables]
                for solution in solutions:
                    terms = ((name, solution[name]) for name in names)
                    yield {name: _term_lexical(term) for name, term in terms if term is not None}
        except SyntaxError:
            raise StoreError("the SPARQL server sent results that are not SPARQL XML") from None
        except httpx.TimeoutException:
            raise StoreUnavailable(f"the SPARQL server at {self.endpoint} did not answer in time") from None
        except httpx.HTTPError:
            raise StoreUnavailable(f"the SPARQL server at {self.endpoint} is unavailable") from None

    def ask(self, query: str, bindings: Mapping[str, Value] | None = None) -> bool:
        results = self._json(bind_values(query, bindings))
        if "boolean" in results:
            return bool(results["boolean"])
        if results.get("head", {}).get("vars") == [_VIRTUOSO_ASK.decode()]:
            return bool(results["results"]["bindings"])
        raise StoreError("the SPARQL server did not answer the ASK with a boolean")

    def construct(self, query: str, bindings: Mapping[str, Value] | None, media_type: str) -> bytes:
        return self._post(self.endpoint, self._form(bind_values(query, bindings)), media_type).content

    def run(self, query: str, media_type: str, default_graph_uris: Sequence[str] = (),
            named_graph_uris: Sequence[str] = ()) -> RawResult:
        form = self._form(query, default_graph_uris, named_graph_uris)
        response = self._post(self.endpoint, form, media_type)
        answered = response.headers.get("content-type", media_type).split(";")[0].strip()
        if answered == "application/sparql-results+json":
            try:  # Oxigraph's --timeout-s sends 200, then appends its error to the half-written results
                json.loads(response.content)
            except ValueError:
                raise StoreUnavailable("the SPARQL server sent broken results (a query timeout?)") from None
        boolean = _boolean_result(response.content, answered)
        return RawResult(boolean, answered) if boolean is not None else RawResult(response.content, answered)

    def _gsp(self, method: str, graph: str, body: bytes | None = None,
             content_type: str | None = None) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        timeout = httpx.Timeout(self.load_timeout, connect=3.0) if body else self._client.timeout
        try:
            response = self._client.request(method, self.gsp, params={"graph": graph}, content=body,
                                            headers=headers, timeout=timeout)
        except httpx.TimeoutException:
            raise StoreUnavailable(f"the Graph Store at {self.gsp} did not answer in time") from None
        except httpx.HTTPError:
            raise StoreUnavailable(f"the Graph Store at {self.gsp} is unavailable") from None
        if response.status_code >= 300 and not (method == "DELETE" and response.status_code == 404):
            raise StoreError(f"the Graph Store answered {response.status_code} to {method} {graph}")

    def replace_dataset(self, graphs: Mapping[str, Sequence[Path]],
                        progress: LoadProgress | None = None) -> None:
        files = [(graph, Path(file)) for graph, group in graphs.items() for file in group]
        total, done = sum(f.stat().st_size for _, f in files), 0
        self._gsp("DELETE", str(GRAPH_META))
        self._remember_version(None)
        # Every graph of carekg's (inferred, submissions, ...) goes, not only those about to be loaded;
        # other graphs on a shared server are left alone.
        held = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                           f"FILTER(STRSTARTS(STR(?g), \"{GRAPH_BASE}\")) }}")
        for graph in sorted({row["g"] for row in held} | {g for g, _ in files}):
            self._gsp("DELETE", graph)
        for graph, file in files:
            self.load_graph(graph, file)
            done += file.stat().st_size
            if progress:
                progress(done, total)

    def load_graph(self, graph: str, path: Path, predicates: Collection[str] | None = None) -> None:
        """Upload a Turtle/N-Triples file into ``graph`` as it is; a TriG/N-Quads file, or a projection
        on ``predicates``, is parsed here and sent as one N-Triples request per graph."""
        if path.suffix not in _DATASET_TYPES and predicates is None:
            content_type = _UPLOAD_TYPES.get(path.suffix)
            if content_type is None:
                raise StoreError(f"cannot upload {path.name}: use .ttl, .nt, .trig or .nq")
            self._gsp("POST", graph, path.read_bytes(), content_type)
            return
        if path.suffix in _DATASET_TYPES:
            dataset = Dataset()
            dataset.parse(path, format=_DATASET_TYPES[path.suffix])
            parts = [(graph if part.identifier == DATASET_DEFAULT_GRAPH_ID else str(part.identifier), part)
                     for part in dataset.graphs()]
        elif path.suffix in _GRAPH_FORMATS:
            parts = [(graph, Graph().parse(path, format=_GRAPH_FORMATS[path.suffix]))]
        else:
            raise StoreError(f"cannot upload {path.name}: use .ttl, .nt, .trig or .nq")
        keep = None if predicates is None else frozenset(predicates)
        for name, part in parts:
            triples = Graph()
            for triple in part:
                if keep is None or str(triple[1]) in keep:
                    triples.add(triple)
            if len(triples):
                self._gsp("POST", name, triples.serialize(format="nt", encoding="utf-8"),
                          "application/n-triples")

    def optimize(self) -> None:
        """The remote server manages its own storage."""

    def set_version(self, version: str, graph_triples: Mapping[str, int] | None = None,
                    entities: Mapping[str, int] | None = None,
                    recorded: tuple[Mapping[str, int], Mapping[str, int]] | None = None) -> None:
        lines = [f'<{GRAPH_META}> <{CKG.datasetVersion}> "{version}" .\n',
                 *(f'<{iri}> <{predicate}> "{count}"^^<{XSD.integer}> .\n'
                   for predicate, recorded in ((VOID.triples, graph_triples), (VOID.entities, entities))
                   for iri, count in (recorded or {}).items())]
        self._gsp("PUT", str(GRAPH_META), "".join(lines).encode(), "application/n-triples")
        self._remember_version(version)

    def _recorded(self, predicate: str, of: Collection[str] | None = None) -> dict[str, int]:
        rows = self.select(f"SELECT ?iri ?count WHERE {{ GRAPH <{GRAPH_META}> "
                           f"{{ ?iri <{predicate}> ?count }} }}", None if of is None else {"iri": tuple(of)})
        return {row["iri"]: int(row["count"]) for row in rows}

    def recorded_triple_counts(self) -> dict[str, int]:
        return self._recorded(str(VOID.triples))

    def recorded_entities(self, of: Collection[str] | None = None) -> dict[str, int]:
        return self._recorded(str(VOID.entities), of)

    def _remember_version(self, version: str | None) -> None:
        with self._version_lock:
            self._version = (time.monotonic(), version)

    def dataset_version(self) -> str | None:
        """The version in the server's meta graph, read again at most every ``version_ttl`` seconds.

        Response caches key on this version; several API processes in front of one server each read it
        from the server, so a load done through any of them (or ``carekg load``) is seen by all within
        ``version_ttl``, at the price of one small query per second per process instead of one per request.
        """
        with self._version_lock:
            if self._version is not None and time.monotonic() - self._version[0] < self.version_ttl:
                return self._version[1]
        rows = self.select(
            f"SELECT ?v WHERE {{ GRAPH <{GRAPH_META}> {{ <{GRAPH_META}> <{CKG.datasetVersion}> ?v }} }}")
        version = rows[0]["v"] if rows else None
        self._remember_version(version)
        return version

    def triple_count(self, graph: str | None = None) -> int:
        # Without a graph: carekg's graphs only (a shared server, or Virtuoso's system graph, holds others).
        query = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph
                 else f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                      f"FILTER(STRSTARTS(STR(?g), \"{GRAPH_BASE}\")) }}")
        return int(self.select(query)[0]["n"])

    def graph_ntriples(self, graph: str) -> Iterator[bytes]:
        # A CONSTRUCT read as it arrives (every SPARQL server has one; Graph Store paths differ), cut at
        # line ends; the read may take as long as a load.
        query = bind_values(load_query("api_graph"), {"graph": graph})
        headers = {"Accept": "application/n-triples", "Content-Type": "application/x-www-form-urlencoded"}
        try:
            timeout = httpx.Timeout(self.load_timeout, connect=3.0)
            with self._client.stream("POST", self.endpoint, content=urlencode(self._form(query)).encode(),
                                     headers=headers, timeout=timeout) as response:
                if response.status_code >= 300:
                    raise StoreUnavailable(f"the SPARQL server answered {response.status_code} to an export")
                rest = b""
                for chunk in response.iter_bytes():
                    rest += chunk
                    end = rest.rfind(b"\n") + 1
                    if end:
                        yield rest[:end]
                        rest = rest[end:]
                if rest:
                    yield rest
        except httpx.TimeoutException:
            raise StoreUnavailable(f"the SPARQL server at {self.endpoint} did not answer in time") from None
        except httpx.HTTPError:
            raise StoreUnavailable(f"the SPARQL server at {self.endpoint} is unavailable") from None

    def close(self) -> None:
        self._client.close()
