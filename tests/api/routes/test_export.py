"""api/routes/export.py over a real uvicorn process: the findings CSV streamed as the store reads it."""

from __future__ import annotations

import csv
import io

import httpx

from carekg import services
from carekg.store import get_store


def test_findings_csv_is_streamed_with_one_byte_order_mark_and_every_finding(served):
    with httpx.stream("GET", f"{served.base}/export/findings.csv", timeout=60) as answer:
        assert answer.status_code == 200 and answer.headers["content-type"] == "text/csv; charset=utf-8"
        assert answer.headers["content-disposition"] == 'attachment; filename="carekg-findings.csv"'
        assert answer.headers.get("transfer-encoding") == "chunked" and "content-length" not in answer.headers
        body = answer.read()
    assert body.startswith("\ufeff".encode()) and body.count("\ufeff".encode()) == 1
    text = body.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(services.CSV_COLUMNS)
    store = get_store(served.store)
    try:
        assert sorted(text.splitlines()) == sorted("".join(services.findings_csv(store)).splitlines())
        assert len(rows) == services.overview(store).findings > 100
    finally:
        store.close()


def test_findings_csv_answers_304_to_its_etag(served):
    answer = httpx.get(f"{served.base}/export/findings.csv", timeout=60)
    again = httpx.get(f"{served.base}/export/findings.csv", headers={"If-None-Match": answer.headers["etag"]},
                      timeout=60)
    assert answer.status_code == 200 and again.status_code == 304 and not again.content
