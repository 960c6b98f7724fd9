"""User queries in worker processes: answers, syntax errors, and a hard deadline that kills and
replaces a runaway worker; in process, a union copy written after the handle opened."""

from __future__ import annotations

import time

import pytest

from api.query_runner import InProcessRunner, QueryTimeout, WorkerPoolRunner
from carekg.store import QuerySyntaxError, get_store

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runner-store")
    data = folder / "data.nt"
    lines = (f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(3000))
    data.write_text("".join(lines))
    store = get_store(f"oxigraph:{folder / 'store'}")
    store.replace_dataset({"http://example.org/graph": [data]})
    store.set_version("runner-test")
    store.close()
    return f"oxigraph:{folder / 'store'}"


@pytest.fixture(scope="module")
def runner(disk_store):
    pool = WorkerPoolRunner(disk_store, workers=1, timeout=2.0)
    yield pool
    pool.close()


def test_answers_come_back_from_the_worker(runner):
    result = runner.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv")
    assert result.media_type == "text/csv"
    assert result.body.decode().split() == ["n", "3001"]  # the data plus the version triple


def test_dataset_parameters_reach_the_worker(runner):
    result = runner.run("ASK { ?s ?p ?o }", "application/sparql-results+json", ["http://example.org/none"])
    assert b"false" in result.body


def test_syntax_errors_come_back_as_such(runner):
    with pytest.raises(QuerySyntaxError):
        runner.run("SELECT * WHERE { <relative> ?p ?o }", "text/csv")


def test_a_runaway_query_is_stopped_and_its_worker_replaced(runner):
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="did not finish within 2 seconds"):
        runner.run(CROSS_PRODUCT, "text/csv")
    assert time.monotonic() - started < 10
    assert runner.run("ASK { ?s ?p ?o }", "application/sparql-results+json").body.endswith(b"true}")


def test_in_process_queries_read_a_union_copy_written_after_the_handle_opened(tmp_path):
    """CAREKG_QUERY_WORKERS=0 keeps one read-only handle; the copy of a write's version is written after
    it opened (in the background): once the copy is there, the same handle answers from it."""
    folder = tmp_path / "store"
    writer = get_store(f"oxigraph:{folder}")
    writer.update("PREFIX ex: <http://example.org/> "
                  'INSERT DATA { GRAPH ex:g1 { ex:a ex:p "1" } GRAPH ex:g2 { ex:b ex:p "2" } }')
    writer.set_version("v1")
    writer.close()
    reader = get_store(f"oxigraph-ro:{folder}")
    runner = InProcessRunner(reader)
    query = "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s"
    from_union = runner.run(query, "application/sparql-results+json").body
    assert reader._union is None  # noqa: SLF001 - no copy yet: the union itself answered
    assert get_store(f"oxigraph-ro:{folder}").publish_union_copy()  # as the server does after a write
    runner.reopen(reader)
    assert runner.run(query, "application/sparql-results+json").body == from_union
    assert reader._union is not None  # noqa: SLF001 - this time from the copy
