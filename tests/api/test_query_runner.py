"""User queries in worker processes: answers, syntax errors, and a hard deadline that kills and
replaces a runaway worker; in process, a union copy written after the handle opened."""

from __future__ import annotations

import asyncio
import time

import pytest

from api.query_runner import InProcessRunner, QueryTimeout, ResultTooLarge, WorkerPoolRunner
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


def run(runner, *arguments):
    return asyncio.run(runner.answer(*arguments))


def test_answers_come_back_from_the_worker(runner):
    result = run(runner, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv")
    assert result.media_type == "text/csv"
    assert result.body.decode().split() == ["n", "3001"]  # the data plus the version triple


def test_dataset_parameters_reach_the_worker(runner):
    result = run(runner, "ASK { ?s ?p ?o }", "application/sparql-results+json", ["http://example.org/none"])
    assert b"false" in result.body


def test_syntax_errors_come_back_as_such(runner):
    with pytest.raises(QuerySyntaxError):
        run(runner, "SELECT * WHERE { <relative> ?p ?o }", "text/csv")


def test_a_runaway_query_is_stopped_and_its_worker_replaced(runner):
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="did not finish within 2 seconds"):
        run(runner, CROSS_PRODUCT, "text/csv")
    assert time.monotonic() - started < 10
    assert run(runner, "ASK { ?s ?p ?o }", "application/sparql-results+json").body.endswith(b"true}")


def test_requests_beyond_the_pool_wait_for_a_worker(runner):
    async def several():
        return await asyncio.gather(*(runner.answer(f"SELECT ?o WHERE {{ <http://example.org/s{i}> ?p ?o }}",
                                                    "text/csv") for i in range(6)))

    answers = asyncio.run(several())
    assert [answer.body.decode().split() for answer in answers] == [["o", str(i)] for i in range(6)]


def test_a_request_that_waited_for_a_worker_keeps_its_deadline(runner):
    async def quick_then_runaway():
        return await asyncio.gather(runner.answer("ASK { ?s ?p ?o }", "text/csv"),
                                    runner.answer(CROSS_PRODUCT, "text/csv"), return_exceptions=True)

    quick, runaway = asyncio.run(quick_then_runaway())
    assert quick.body.strip().endswith(b"true")
    assert isinstance(runaway, QueryTimeout) and "did not finish within 2 seconds" in str(runaway)
    assert run(runner, "ASK { ?s ?p ?o }", "text/csv").body.strip().endswith(b"true")


def test_a_cancelled_request_leaves_no_answer_for_the_next(runner):
    async def cancelled_then_another():
        runaway = asyncio.ensure_future(runner.answer(CROSS_PRODUCT, "text/csv"))
        await asyncio.sleep(0.3)
        runaway.cancel()
        with pytest.raises(asyncio.CancelledError):
            await runaway
        return await runner.answer("SELECT ?o WHERE { <http://example.org/s7> ?p ?o }", "text/csv")

    assert asyncio.run(cancelled_then_another()).body.decode().split() == ["o", "7"]


def test_an_answer_over_the_cap_is_refused(disk_store):
    pool = WorkerPoolRunner(disk_store, workers=1, timeout=5.0, max_result_bytes=100)
    try:
        with pytest.raises(ResultTooLarge):
            run(pool, "SELECT * WHERE { ?s ?p ?o }", "text/csv")
        assert run(pool, "ASK { ?s ?p ?o }", "text/csv").body.strip().endswith(b"true")
    finally:
        pool.close()


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
    from_union = run(runner, query, "application/sparql-results+json").body
    assert reader._union is None  # noqa: SLF001 - no copy yet: the union itself answered
    assert get_store(f"oxigraph-ro:{folder}").publish_union_copy()  # as the server does after a write
    runner.reopen(reader)
    assert run(runner, query, "application/sparql-results+json").body == from_union
    assert reader._union is not None  # noqa: SLF001 - this time from the copy
