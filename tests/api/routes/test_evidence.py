"""api/routes/evidence.py over a real uvicorn process: the refusals a served store causes, 409 (the store
does not hold the dataset the files describe) and 501 (the store cannot take writes), each with its
message, as the OpenAPI document says."""

from __future__ import annotations

import time

import httpx
import pytest
import served_api

from carekg.loader import load
from carekg.store import get_store, union_view
from tests.security.test_writes import FINDING

TOKEN = "correct-horse-battery-staple"
WRITE = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}


@pytest.fixture(scope="module")
def loaded_store(dataset_files, tmp_path_factory):
    """The curated dataset on disk, as ``carekg load`` leaves it; its path."""
    path = tmp_path_factory.mktemp("evidence") / "store"
    store = get_store(f"oxigraph:{path}")
    load(store, dataset_files, reasoner=False)
    store.close()
    return path


def _serve(store: str, submissions) -> tuple:
    env = {"CAREKG_STORE": store, "CAREKG_WRITE_TOKEN": TOKEN, "CAREKG_SUBMISSIONS": str(submissions),
           "CAREKG_QUERY_WORKERS": "1", "CAREKG_REASONER": "false"}
    process, base = served_api.start(env)
    served_api.wait_until_up(process, base)
    return process, base


def test_a_store_holding_another_dataset_version_is_a_409(loaded_store, tmp_path):
    store = get_store(f"oxigraph:{loaded_store}")
    version = store.dataset_version()
    store.set_version("not-the-dataset-these-files-describe")
    store.close()
    process, base = _serve(f"oxigraph:{loaded_store}", tmp_path / "submissions")
    try:
        answer = httpx.post(f"{base}/evidence/conflicting", content=FINDING, headers=WRITE, timeout=60)
        assert answer.status_code == 409, answer.text
        assert answer.json()["detail"].startswith("the store does not hold the dataset these files")
        assert not list((tmp_path / "submissions").glob("*.trig"))  # nothing written
    finally:
        served_api.stop(process)
        store = get_store(f"oxigraph:{loaded_store}")
        store.set_version(version)
        store.close()


def test_a_store_opened_read_only_is_a_501(loaded_store, tmp_path):
    process, base = _serve(f"oxigraph-ro:{loaded_store}", tmp_path / "submissions")
    try:
        answer = httpx.post(f"{base}/evidence/read-only", content=FINDING, headers=WRITE, timeout=60)
        assert answer.status_code == 501, answer.text
        assert "writes need" in answer.json()["detail"]
        ask = {"query": "ASK { <https://w3id.org/carekg/id/finding/sub-fdac-99> ?p ?o }"}
        assert httpx.get(f"{base}/sparql", params=ask, timeout=30).json()["boolean"] is False
    finally:
        served_api.stop(process)


def test_the_openapi_document_lists_409_and_501_for_evidence(served):
    answers = httpx.get(f"{served.base}/openapi.json", timeout=30).json()["paths"]["/evidence/{name}"]["post"]
    assert {"409", "501"} <= set(answers["responses"])
    assert "read-only" in answers["responses"]["501"]["description"]


def test_a_write_is_in_the_next_sparql_answer_and_then_in_the_union_copy(dataset_files, tmp_path):
    """/sparql reads a query that names no graph from the union copy of the store's version
    (carekg.store.union_view); after a write the next query already sees it (from the union itself,
    until the server has written the new version's copy), and so does the copy once written."""
    path = tmp_path / "store"
    store = get_store(f"oxigraph:{path}")
    load(store, dataset_files, reasoner=False)
    before = store.dataset_version()
    store.close()
    assert union_view.find(path, before) is not None  # the load wrote it
    process, base = _serve(f"oxigraph:{path}", tmp_path / "submissions")
    ask = {"query": "ASK { <https://w3id.org/carekg/id/finding/sub-fdac-99> ?p ?o }"}
    in_a_graph = {"query": "ASK { GRAPH ?g { <https://w3id.org/carekg/id/finding/sub-fdac-99> ?p ?o } }"}
    try:
        assert httpx.get(f"{base}/sparql", params=ask, timeout=30).json()["boolean"] is False
        answer = httpx.post(f"{base}/evidence/fdac-extra", content=FINDING, headers=WRITE, timeout=120)
        assert answer.status_code == 201, answer.text
        assert httpx.get(f"{base}/sparql", params=ask, timeout=30).json()["boolean"] is True
        version = answer.json()["version"]
        deadline = time.monotonic() + 120
        while union_view.find(path, version) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert union_view.find(path, version) is not None
        assert httpx.get(f"{base}/sparql", params=ask, timeout=30).json()["boolean"] is True
        assert httpx.get(f"{base}/sparql", params=in_a_graph, timeout=30).json()["boolean"] is True
    finally:
        served_api.stop(process)
