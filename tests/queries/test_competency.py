"""Competency questions: every .rq parses, runs on the curated dataset, and matches its golden result.

Goldens live in tests/golden/<case>.json. After a deliberate data change, regenerate them with
``CAREKG_UPDATE_GOLDEN=1 make test`` and review the diff like any other change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from carekg.ids import FACTOR, INNOVATION
from carekg.queries import header, load_query, query_names
from carekg.query_guard import check_query

GOLDEN = Path(__file__).parent.parent / "golden"

#: case name -> (query, bindings)
CASES = {
    "cq1-factors-supporting-mockingbird":
        ("factors_supporting_innovation", {"innovation": INNOVATION["mockingbird-family-model"]}),
    "cq1-factors-supporting-signs-of-safety":
        ("factors_supporting_innovation", {"innovation": INNOVATION["signs-of-safety"]}),
    "cq2-factors-hindering-fdac":
        ("factors_hindering_innovation", {"innovation": INNOVATION["family-drug-and-alcohol-court"]}),
    "cq2-factors-hindering-signs-of-safety":
        ("factors_hindering_innovation", {"innovation": INNOVATION["signs-of-safety"]}),
    "cq3-innovations-supported-by-senior-leadership":
        ("innovations_supported_by_factor", {"factor": FACTOR["senior-leadership-buy-in-and-support"]}),
    # fac:funding has no findings of its own: every row rolls up from its narrower factors (issue 12)
    "cq3-innovations-supported-by-funding":
        ("innovations_supported_by_factor", {"factor": FACTOR["funding"]}),
    "cq4-subdomains-without-evidence-casa":
        ("subdomains_without_evidence", {"innovation": INNOVATION["casa"]}),
    "cq4-subdomains-without-evidence-fdac":
        ("subdomains_without_evidence", {"innovation": INNOVATION["family-drug-and-alcohol-court"]}),
    "cq5-findings-from-curator-inference": ("findings_from_curator_inference", {}),
    "cq6-consensus": ("consensus", {}),
    "cq6-consensus-evidence": ("consensus_evidence", {}),
}


#: The kinds of query a header names (carekg.queries).
KINDS = ("CQ-", "RULE", "API")


def test_every_query_is_documented_and_parses():
    names = query_names()
    assert len(names) >= 7
    for name in names:
        assert header(name).startswith(KINDS), f"{name}.rq lacks a '# CQ-n:', '# RULE' or '# API' header"
        check_query(load_query(name))


def test_a_query_named_for_a_kind_is_of_that_kind():
    """A name that starts with a kind (api_, rule_, cq_) has that kind's header, and no name starts with
    a kind there is not (the gap map's queries were ui_*.rq, headed API)."""
    kind_words = {kind.rstrip("-").lower(): kind for kind in KINDS}
    assert [name for name in query_names() if name.startswith("api_")], "no api_*.rq: the glob is wrong"
    for name in query_names():
        word = name.split("_", 1)[0]
        if word in kind_words:
            assert header(name).startswith(kind_words[word]), f"{name}.rq is headed {header(name)[:8]!r}"
        assert word not in {"ui", "page", "view"}, f"{name}.rq is named for a kind of query there is not"


def test_every_competency_question_has_a_case():
    cq_queries = {n for n in query_names() if header(n).startswith("CQ-")}
    assert cq_queries <= {query for query, _ in CASES.values()}


def _canonical(rows):
    return sorted(json.dumps(row, sort_keys=True) for row in rows)


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(store, case):
    query, bindings = CASES[case]
    rows = store.select(load_query(query), {k: str(v) for k, v in bindings.items()})
    path = GOLDEN / f"{case}.json"
    if os.environ.get("CAREKG_UPDATE_GOLDEN"):
        path.write_text(json.dumps({"query": query, "bindings": {k: str(v) for k, v in bindings.items()},
                                    "rows": rows}, indent=1, sort_keys=True) + "\n")
    golden = json.loads(path.read_text())
    assert _canonical(rows) == _canonical(golden["rows"])


def test_goldens_are_not_all_empty():
    non_empty = [p.name for p in GOLDEN.glob("*.json") if json.loads(p.read_text())["rows"]]
    assert len(non_empty) >= len(CASES) - 1
