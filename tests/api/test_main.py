"""The app as a whole (api/main.py): its OpenAPI document, its handler of unexpected errors, and what
readers find after a write."""

from __future__ import annotations

import json

import pytest


def test_openapi_documents_every_route_with_stable_ids(client):
    spec = client.get("/openapi.json").json()
    operation_ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids))
    for path in ("/innovations", "/innovations/{id}", "/innovations/{id}/profile", "/factors",
                 "/factors/{id}", "/studies", "/studies/{id}", "/organisations", "/organisations/{id}",
                 "/taxonomy", "/consensus", "/compare", "/gaps", "/sparql", "/.well-known/void"):
        assert path in spec["paths"], path
    assert "examples" in json.dumps(spec["components"]["schemas"]["InnovationSummary"])
    assert client.get("/docs").status_code == 200


def test_unexpected_errors_are_500_without_internals(store):
    from fastapi.testclient import TestClient

    from api.main import create_app

    class BrokenStore:
        def __getattr__(self, name):
            return getattr(store, name)

        def dataset_version(self):
            raise RuntimeError("secret internals")

    with TestClient(create_app(store=BrokenStore()), raise_server_exceptions=False) as broken:
        response = broken.get("/innovations")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}
    assert "secret" not in response.text


@pytest.fixture
def on_disk(tmp_path, monkeypatch):
    """A client of the app as carekg-serve runs it with writes on: the curated dataset in an on-disk
    store the app opens itself (read-only for readers, read-write for each write), and ``settings``."""
    from fastapi.testclient import TestClient

    from api.config import Settings
    from api.main import create_app
    from carekg.loader import DatasetFiles, load
    from carekg.store import get_store
    from tests.security.conftest import TOKEN

    def client(write_seconds: float) -> TestClient:
        monkeypatch.setenv("CAREKG_WRITE_TOKEN", TOKEN)
        folder, path = tmp_path / "submissions", tmp_path / "store"
        loading = get_store(f"oxigraph:{path}")
        load(loading, DatasetFiles.discover(submissions_dir=folder), reasoner=False)
        loading.close()
        return TestClient(create_app(Settings(store=f"oxigraph:{path}", submissions_dir=str(folder),
                                              query_workers=1, reasoner=False,
                                              write_seconds=write_seconds)))

    return client


#: Pages a reader of the FDAC innovation opens (JSON and HTML), and one about another innovation.
_PAGES = [("/innovations/family-drug-and-alcohol-court/profile", "application/json"),
          ("/doc/innovation/family-drug-and-alcohol-court", "text/html"),
          ("/factors/shared-understanding-of-the-innovation", "application/json"),
          ("/gaps?limit=50", "application/json"),
          ("/innovations/mockingbird-family-model/profile", "application/json")]

_SEEN = "A finding a reader should see at once."


def _queries(monkeypatch) -> list[str]:
    """The queries the embedded store evaluates from now on (counted, then evaluated as usual)."""
    from carekg.store.oxigraph_store import OxigraphStore

    evaluated: list[str] = []
    evaluate = OxigraphStore._query

    def counted(self, query, bindings):
        evaluated.append(query)
        return evaluate(self, query, bindings)

    monkeypatch.setattr(OxigraphStore, "_query", counted)
    return evaluated


def test_the_first_reader_after_a_write_finds_the_pages_asked_before_computed_and_current(on_disk,
                                                                                         monkeypatch):
    """#14: the pages readers asked for before a write are computed on the new version before the write
    answers; the first read of each after it evaluates no query and computes no answer, and shows the
    write (the new finding on its innovation's profile, page and factor; the new version's ETag)."""
    from carekg.services import answer_cache
    from tests.security.conftest import BEARER
    from tests.submissions import submitted_finding

    with on_disk(write_seconds=120) as client:
        before = {path: client.get(path, headers={"Accept": accept}) for path, accept in _PAGES}
        assert all(response.status_code == 200 for response in before.values())
        finding = submitted_finding("sub-fdac-after", _SEEN)
        written = client.post("/evidence/fdac-after", content=finding,
                              headers={"Content-Type": "text/turtle", **BEARER})
        assert written.status_code == 201, written.text
        assert client.app.state.refreshing.computed >= len(_PAGES)
        evaluated, computed = _queries(monkeypatch), sum(answer_cache.COMPUTED.values())
        after = {path: client.get(path, headers={"Accept": accept}) for path, accept in _PAGES}
        assert evaluated == [] and sum(answer_cache.COMPUTED.values()) == computed
    version = written.json()["version"]
    assert all(response.status_code == 200 and version in response.headers["etag"]
               for response in after.values())
    for path, _ in _PAGES[:3]:
        assert _SEEN not in before[path].text and _SEEN in after[path].text, path
    assert _SEEN not in after["/innovations/mockingbird-family-model/profile"].text


def test_a_write_that_answers_before_the_answers_are_computed_is_never_followed_by_the_previous_answer(
        on_disk):
    """With no time to compute readers' answers before it answers, a write still answers only once
    readers see the new version: the first read after it shows the write."""
    from tests.security.conftest import BEARER
    from tests.submissions import submitted_finding

    path = "/innovations/family-drug-and-alcohol-court/profile"
    with on_disk(write_seconds=0) as client:
        assert _SEEN not in client.get(path).text
        finding = submitted_finding("sub-fdac-soon", _SEEN)
        written = client.post("/evidence/fdac-soon", content=finding,
                              headers={"Content-Type": "text/turtle", **BEARER})
        assert written.status_code == 201, written.text
        first = client.get(path)
        client.app.state.refreshing.join(60)
    assert first.status_code == 200 and _SEEN in first.text
    assert written.json()["version"] in first.headers["etag"]


#: A JSON answer of every router that has response models (and the JSON-LD briefing, whose envelope is a
#: dict), each asked first on a fresh app.
FIRST_REQUESTS = [
    ("/factors/shared-understanding-of-the-innovation", "application/json"),
    ("/factors", "application/json"),
    ("/innovations/mockingbird-family-model/profile", "application/json"),
    ("/innovations/signs-of-safety/briefing", "application/ld+json"),
    ("/compare?innovation=signs-of-safety&innovation=mockingbird-family-model", "application/json"),
    ("/findings?limit=5", "application/json"),
    ("/studies", "application/json"),
    ("/organisations", "application/json"),
    ("/taxonomy", "application/json"),
    ("/consensus", "application/json"),
    ("/gaps?limit=50", "application/json"),
    ("/search?q=family", "application/json"),
    ("/health", "application/json"),
    ("/version", "application/json"),
]


def test_no_route_builds_a_validator_on_its_first_request(store, monkeypatch):
    """create_app builds each route's response validators and serialisers (FastAPI's serving copy of the
    route and api/responses.py's): a route's first request builds no pydantic TypeAdapter."""
    from fastapi.testclient import TestClient
    from pydantic import TypeAdapter

    from api.main import create_app

    app = create_app(store=store)
    built: list[object] = []
    build = TypeAdapter.__init__

    def counted(self, *args, **kwargs):
        built.append(args[0] if args else kwargs.get("type"))
        build(self, *args, **kwargs)

    monkeypatch.setattr(TypeAdapter, "__init__", counted)
    with TestClient(app) as client:
        for path, accept in FIRST_REQUESTS:
            response = client.get(path, headers={"Accept": accept})
            assert response.status_code == 200, (path, response.text[:200])
            assert response.headers["content-type"].startswith(accept), path
    assert built == [], [str(b) for b in built]
