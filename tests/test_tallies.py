"""The innovation factor tallies (carekg.tallies): what the rule stores equals the counts taken from the
findings one by one, with independent studies as the consensus rule's own classification counts them
(consensus_evidence.rq); and a write keeps them equal to a full load's when a finding is the first of
its innovation and factor, moves to another innovation and factor, and was the last of the pair."""

from __future__ import annotations

import contextlib
from collections import defaultdict

from carekg.ids import innovation_factor_tally
from carekg.loader import DatasetFiles, load
from carekg.queries import load_query
from carekg.services.refs import placement_of
from carekg.store import get_store
from carekg.tallies import TALLY_PREDICATES, distinct_sources
from carekg.writes import EvidenceWriter
from tests.test_incremental import CKG, finding, inferred

FINDINGS = f"""PREFIX ckg: <{CKG}>
SELECT ?finding ?innovation ?factor ?direction ?source WHERE {{
  ?finding a ckg:Finding ; ckg:aboutInnovation ?innovation ; ckg:aboutFactor ?factor ;
    ckg:direction ?direction ; ckg:reportedIn ?source }}"""
TALLIES = f"""PREFIX ckg: <{CKG}>
SELECT ?tally ?innovation ?factor ?p ?n WHERE {{
  ?tally ckg:tallyInnovation ?innovation ; ckg:tallyFactor ?factor ; ?p ?n . FILTER(isLiteral(?n)) }}"""
SHARED = f"""PREFIX ckg: <{CKG}>
SELECT ?innovation ?factor ?source WHERE {{
  ?tally ckg:tallyInnovation ?innovation ; ckg:tallyFactor ?factor ; ckg:sharedSource ?source }}"""
DIRECTIONS = {"Enabler": "enabler", "Barrier": "barrier", "Mixed": "mixed"}


def stored(store) -> dict[tuple[str, str], dict]:
    """(innovation, factor) -> the tally's counts, by column of the rule, and its shared sources;
    checks the tally's IRI."""
    columns = {str(p): c for c, p in TALLY_PREDICATES.items()}
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for row in store.select(TALLIES):
        assert row["tally"] == str(innovation_factor_tally(row["innovation"], row["factor"]))
        out[(row["innovation"], row["factor"])][columns[row["p"]]] = int(row["n"])
    for row in store.select(SHARED):
        shared = out[(row["innovation"], row["factor"])].setdefault("shared", set())
        shared.add(row["source"])
    return dict(out)


def counted_one_by_one(store) -> dict[tuple[str, str], dict]:
    """The same counts from every finding's row, and the studies from the rule's classification."""
    innovation_of = {}
    factors_of: dict[tuple[str, str], set[str]] = defaultdict(set)  # (innovation, source) -> factors
    values: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for row in store.select(FINDINGS):
        pair, way = (row["innovation"], row["factor"]), DIRECTIONS[row["direction"].removeprefix(CKG)]
        innovation_of[row["finding"]] = row["innovation"]
        factors_of[(row["innovation"], row["source"])].add(row["factor"])
        for column, value in (("findings", row["finding"]), ("sources", row["source"]),
                              (f"{way}s" if way != "mixed" else "mixed", row["finding"]),
                              (f"{way}Sources", row["source"])):
            values[pair][column].add(value)
    for row in store.select(load_query("consensus_evidence")):
        if row["counted"] == "true" and row["finding"] in innovation_of:
            way = DIRECTIONS[row["direction"].removeprefix(CKG)]
            values[(innovation_of[row["finding"]], row["factor"])][f"{way}Studies"].add(row["unit"])
    counted: dict[tuple[str, str], dict] = {pair: {column: len(found) for column, found in columns.items()
                                                   if found} for pair, columns in values.items()}
    for (innovation, source), factors in factors_of.items():
        for factor in factors if len(factors) > 1 else ():
            counted[(innovation, factor)].setdefault("shared", set()).add(source)
    return counted


def test_the_tallies_equal_the_findings_counted_one_by_one(store):
    tallies = stored(store)
    assert tallies == counted_one_by_one(store)
    assert any(counts.get("enablerStudies") for counts in tallies.values())
    assert any(counts.get("shared") for counts in tallies.values())
    # a source reporting one innovation's factor in two directions is counted once in the factor's sources
    assert any(counts["sources"] < counts.get("enablerSources", 0) + counts.get("barrierSources", 0)
               + counts.get("mixedSources", 0) for counts in tallies.values())


def test_the_tallies_equal_the_findings_counted_one_by_one_on_a_generated_graph(synthetic_store):
    assert stored(synthetic_store) == counted_one_by_one(synthetic_store)


def test_the_distinct_sources_of_any_set_of_factors_come_from_the_tallies(store):
    """Every curated innovation's factors, grouped by NASSS sub-domain, in halves and all together: the
    distinct sources from the tallies equal those of the findings."""
    findings = store.select(FINDINGS)
    tallies = stored(store)
    checked = 0
    for innovation in sorted({i for i, _ in tallies}):
        mine = {f: counts for (i, f), counts in tallies.items() if i == innovation}
        factors = sorted(mine)
        sets = [factors, factors[::2], factors[1::2]]
        sets += [[f for f in factors if placement_of(store, f)[0] == placement] for placement in
                 {placement_of(store, f)[0] for f in factors}]
        for chosen in sets:
            expected = {r["source"] for r in findings
                        if r["innovation"] == innovation and r["factor"] in chosen}
            got = distinct_sources({f: c["sources"] for f, c in mine.items()},
                                   {f: c.get("shared", ()) for f, c in mine.items()}, chosen)
            assert got == len(expected), (innovation, chosen)
            checked += len(chosen) > 1 and got < sum(mine[f]["sources"] for f in chosen)
    assert checked  # some sets have a source reporting several of their factors



def test_a_write_keeps_the_tallies_through_the_first_and_last_finding_of_a_pair(tmp_path, generated):
    """A finding about an innovation and a factor with no finding of the pair yet makes its tally; amended
    to another innovation, factor and direction it was the last of the first pair (whose tally goes) and
    the first of the second; the source made independent then counts it as a study. Each time the
    inferred graph equals a full load's."""
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    tallies = stored(store)
    innovations = sorted({i for i, _ in tallies})
    factors = sorted({f for _, f in tallies})
    first = next((i, f) for i in innovations for f in factors if (i, f) not in tallies)
    second = next((i, f) for i in reversed(innovations) for f in reversed(factors)
                  if (i, f) not in tallies and i != first[0] and f != first[1])
    evaluation = (f"SELECT ?s WHERE {{ ?s <{CKG}sourceType> <{CKG}EvaluationReport> "
                  f"FILTER NOT EXISTS {{ ?s <{CKG}summarises> ?study }} }} ORDER BY ?s LIMIT 1")
    source = store.select(evaluation)[0]["s"]
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)

    def write(name: str, body: str) -> dict[tuple[str, str], dict[str, int]]:
        writer.submit(name, body.encode(), "text/turtle", "tester")
        full = get_store("memory:")
        load(full, files(), reasoner=False)
        assert inferred(store) == inferred(full), body
        return stored(store)

    made = write("pair", finding("t-pair-1", first[1], first[0], source))
    assert made[first] == {"findings": 1, "sources": 1, "enablers": 1, "enablerSources": 1}
    moved = write("pair", finding("t-pair-1", second[1], second[0], source, "Barrier"))
    assert first not in moved
    assert moved[second] == {"findings": 1, "sources": 1, "barriers": 1, "barrierSources": 1}
    assert {pair: counts for pair, counts in moved.items() if pair != second} == tallies
    independent = write("flag", f"<{source}> <{CKG}developerAuthored> false .\n")
    assert independent[second]["barrierStudies"] == 1
