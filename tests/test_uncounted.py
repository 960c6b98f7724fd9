"""The uncounted finding tallies (carekg.uncounted): what the rule stores equals the consensus rule's own
reasons for not counting each finding (consensus_evidence.rq), counted per innovation, factor and
direction; the briefing's query reads every count the rule stores; and a write keeps them equal to a full
load's when a source's developer flag changes the reason, and when that reason goes."""

from __future__ import annotations

import contextlib
import re
from collections import Counter, defaultdict

from carekg.ids import innovation_factor_uncounted
from carekg.loader import DatasetFiles, load
from carekg.queries import load_query
from carekg.store import get_store
from carekg.uncounted import COLUMNS, PREDICATES
from carekg.writes import EvidenceWriter
from tests.test_incremental import CKG, finding, inferred

UNCOUNTED = f"""PREFIX ckg: <{CKG}>
SELECT ?tally ?innovation ?factor ?p ?n WHERE {{
  ?tally ckg:uncountedInnovation ?innovation ; ckg:uncountedFactor ?factor ; ?p ?n .
  FILTER(isLiteral(?n)) }}"""
INNOVATION_OF = (f"PREFIX ckg: <{CKG}> "
                 "SELECT ?finding ?innovation WHERE { ?finding ckg:aboutInnovation ?innovation }")
DIRECTIONS = {f"{CKG}Enabler": "enabler", f"{CKG}Barrier": "barrier"}

Counts = dict[tuple[str, str], dict[tuple[str, str], int]]


def stored(store) -> Counts:
    """(innovation, factor) -> {(direction, reason): findings} as the rule stored them; checks the IRI."""
    keys = {str(predicate): key for key, predicate in PREDICATES.items()}
    out: Counts = defaultdict(dict)
    for row in store.select(UNCOUNTED):
        assert row["tally"] == str(innovation_factor_uncounted(row["innovation"], row["factor"]))
        out[(row["innovation"], row["factor"])][keys[row["p"]]] = int(row["n"])
    return dict(out)


def reasons_one_by_one(store) -> Counts:
    """The same from the consensus rule's classification of every enabler and barrier finding."""
    innovation_of = {row["finding"]: row["innovation"] for row in store.select(INNOVATION_OF)}
    counted: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in store.select(load_query("consensus_evidence")):
        if row["counted"] != "true" and row["finding"] in innovation_of:
            counted[(innovation_of[row["finding"]], row["factor"])][
                (DIRECTIONS[row["direction"]], row["reason"])] += 1
    return {pair: dict(reasons) for pair, reasons in counted.items()}


def test_the_uncounted_tallies_equal_the_consensus_rules_reasons(store):
    tallies = stored(store)
    assert tallies == reasons_one_by_one(store)
    assert {reason for reasons in tallies.values() for _, reason in reasons} >= {
        "grey-literature", "developer-authored"}


def test_the_uncounted_tallies_equal_the_reasons_on_a_generated_graph(synthetic_store):
    assert stored(synthetic_store) == reasons_one_by_one(synthetic_store)


def test_the_briefing_reads_every_count_the_rule_stores():
    query = load_query("briefing_uncounted")
    selected = set(re.findall(r"\?(\w+)", query[query.index("SELECT"):query.index("WHERE")])) - {"factor"}
    assert selected == set(COLUMNS.values())
    for key, column in COLUMNS.items():
        assert str(PREDICATES[key]) == f"{CKG}{column}Count"
        assert f"?tally ckg:{column}Count ?{column} " in query, column


def test_a_write_keeps_the_uncounted_tallies_as_a_full_load_has_them(tmp_path, generated):
    """A finding from a source of unknown independence on a pair with no finding yet is uncounted for
    that reason; the source said developer-authored changes the reason; said independent, it counts and
    the pair's uncounted tally goes. Each time the inferred graph equals a full load's."""
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    before = stored(store)
    pairs = {(row["innovation"], row["factor"]) for row in store.select(
        f"PREFIX ckg: <{CKG}> SELECT DISTINCT ?innovation ?factor WHERE {{ "
        f"?f ckg:aboutInnovation ?innovation ; ckg:aboutFactor ?factor }}")}
    innovations = sorted({i for i, _ in pairs})
    factors = sorted({f for _, f in pairs})
    pair = next((i, f) for i in innovations for f in factors if (i, f) not in pairs)
    unflagged = (f"SELECT ?s WHERE {{ ?s <{CKG}sourceType> <{CKG}EvaluationReport> "
                 f"FILTER NOT EXISTS {{ ?s <{CKG}summarises> ?study }} "
                 f"FILTER NOT EXISTS {{ ?s <{CKG}developerAuthored> ?flag }} }} ORDER BY ?s LIMIT 1")
    source = store.select(unflagged)[0]["s"]
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)
    flag = f"<{source}> <{CKG}developerAuthored> %s .\n"
    steps = [("pair", finding("t-uncounted-1", pair[1], pair[0], source),
              {("enabler", "independence-unknown"): 1}),
             ("flag", flag % "true", {("enabler", "developer-authored"): 1}),
             ("flag", flag % "false", None)]
    for step, (name, body, expected) in enumerate(steps):
        writer.submit(name, body.encode(), "text/turtle", "tester")
        full = get_store("memory:")
        load(full, files(), reasoner=False)
        assert inferred(store) == inferred(full), body
        now = stored(store)
        assert now.get(pair) == expected, body
        if step == 0:  # a new finding changes its own pair only
            assert {p: reasons for p, reasons in now.items() if p != pair} == before
