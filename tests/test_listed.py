"""The findings a profile lists per innovation and factor (carekg.listed): what a load stores is the
first LISTED by IRI of each pair's findings (the load's count pass equals the rule), and a write keeps
them as a full load has them when a finding enters a pair's first ten, moves to another factor, and
when its source's independence changes."""

from __future__ import annotations

import contextlib
from collections import defaultdict

from carekg.ids import innovation_factor_tally
from carekg.listed import LISTED, RULE_QUERY, first_listed
from carekg.loader import DatasetFiles, load
from carekg.queries import load_query
from carekg.store import get_store
from carekg.writes import EvidenceWriter
from tests.test_incremental import CKG, finding, inferred

LISTED_STORED = f"""PREFIX ckg: <{CKG}>
SELECT ?tally ?innovation ?factor ?finding ?findings WHERE {{
  ?tally ckg:tallyInnovation ?innovation ; ckg:tallyFactor ?factor ; ckg:findingCount ?findings .
  OPTIONAL {{ ?tally ckg:listedFinding ?finding }} }}"""

Listed = dict[tuple[str, str], list[str]]


def stored(store) -> tuple[Listed, dict[tuple[str, str], int]]:
    """(innovation, factor) -> its listed findings, sorted, and its tally's findings; checks the IRI."""
    listed: Listed = defaultdict(list)
    findings = {}
    for row in store.select(LISTED_STORED):
        assert row["tally"] == str(innovation_factor_tally(row["innovation"], row["factor"]))
        pair = (row["innovation"], row["factor"])
        findings[pair] = int(row["findings"])
        if "finding" in row:
            listed[pair].append(row["finding"])
    return {pair: sorted(found) for pair, found in listed.items()}, findings


def by_the_rule(store) -> Listed:
    return first_listed((row["innovation"], row["factor"], row["finding"])
                        for row in store.select(load_query(RULE_QUERY)))


def test_the_listed_findings_are_each_pairs_first_by_iri(store):
    listed, findings = stored(store)
    assert listed == by_the_rule(store)
    assert all(len(listed.get(pair, ())) == min(LISTED, n) for pair, n in findings.items())


def test_the_listed_findings_are_each_pairs_first_by_iri_on_a_generated_graph(synthetic_store):
    listed, findings = stored(synthetic_store)
    assert listed == by_the_rule(synthetic_store)
    assert all(len(listed.get(pair, ())) == min(LISTED, n) for pair, n in findings.items())
    assert max(findings.values()) > LISTED, "the graph must cut some pair's list"


def test_a_write_keeps_the_listed_findings_as_a_full_load_has_them(tmp_path, generated):
    """A finding whose IRI sorts first, on a pair with more than LISTED findings, is listed and pushes the
    pair's tenth out; amended to another factor it leaves the first pair's list as it was and joins the
    second's; its source made independent changes no list. Each time the inferred graph equals a full
    load's."""
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    before, findings = stored(store)
    pair = max(findings, key=lambda p: (findings[p], p))
    assert findings[pair] > LISTED
    other = next(p for p in sorted(findings) if p[0] == pair[0] and p != pair)
    evaluation = (f"SELECT ?s WHERE {{ ?s <{CKG}sourceType> <{CKG}EvaluationReport> "
                  f"FILTER NOT EXISTS {{ ?s <{CKG}summarises> ?study }} }} ORDER BY ?s LIMIT 1")
    source = store.select(evaluation)[0]["s"]
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)

    def write(name: str, body: str) -> Listed:
        writer.submit(name, body.encode(), "text/turtle", "tester")
        full = get_store("memory:")
        load(full, files(), reasoner=False)
        assert inferred(store) == inferred(full), body
        return stored(store)[0]

    new = finding("a-listed-first", pair[1], pair[0], source)
    made = write("listed", new)
    iri = next(f for f in made[pair] if f not in before[pair])
    assert made[pair] == [iri, *before[pair][:-1]]
    assert {p: found for p, found in made.items() if p != pair} == {
        p: found for p, found in before.items() if p != pair}
    moved = write("listed", finding("a-listed-first", other[1], other[0], source))
    assert moved[pair] == before[pair]
    assert iri in moved[other] and len(moved[other]) == min(LISTED, findings[other] + 1)
    flagged = write("flag", f"<{source}> <{CKG}developerAuthored> false .\n")
    assert flagged == moved
