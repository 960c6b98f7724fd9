"""A write updates the rules' results for only what it touches (carekg.incremental): after several writes
and amendments, the inferred graph the writes kept equals the one a full load of the same files
computes (every rule over the whole dataset), on the curated data and on a generated graph."""

from __future__ import annotations

import contextlib

import pytest

from carekg import count_delta
from carekg.ids import FINDING, GRAPH_INFERRED
from carekg.incremental import consensus_candidates
from carekg.loader import DatasetFiles, load
from carekg.queries import load_query
from carekg.services.graphs import dataset_graphs
from carekg.store import get_store
from carekg.writes import EvidenceWriter

CKG = "https://w3id.org/carekg/def#"
INDEPENDENT_SOURCES = f"""PREFIX ckg: <{CKG}>
SELECT ?source WHERE {{ ?source ckg:sourceType ckg:EvaluationReport . {{filter}}
  FILTER NOT EXISTS {{ ?source ckg:summarises ?study }} }} ORDER BY ?source LIMIT 3"""
FACTORS = f"""PREFIX ckg: <{CKG}>
SELECT ?factor (COUNT(?finding) AS ?n) WHERE {{ ?finding ckg:aboutFactor ?factor }}
GROUP BY ?factor ORDER BY ?n ?factor"""


def finding(name: str, factor: str, innovation: str, source: str, direction: str = "Enabler") -> str:
    return f"""<{FINDING[name]}> a <{CKG}Finding> ; <{CKG}aboutFactor> <{factor}> ;
    <{CKG}aboutInnovation> <{innovation}> ; <{CKG}direction> <{CKG}{direction}> ;
    <{CKG}paraphrase> "A test finding."@en ; <{CKG}provenanceKind> <{CKG}SourceStudyClaim> ;
    <{CKG}reportedIn> <{source}> .
"""


def inferred(store) -> set[bytes]:
    return set(b"".join(store.graph_ntriples(str(GRAPH_INFERRED))).splitlines())


def counted_sizes(store) -> dict[str, int]:
    """Every graph of the dataset and its triples, counted now by the engine."""
    return {graph: int(store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } }",
                                    {"graph": graph})[0]["n"])
            for graph in dataset_graphs(store)}


def _writes(store, files_of, folder, data, reasoner, innovation, sources):
    """Five writes (two amendments): findings added, moved to another factor and direction, a source
    made independent; after each, the kept inferred graph equals a full load's."""
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=data, reasoner=reasoner)
    factors = [row["factor"] for row in store.select(FACTORS)]
    few, many = factors[0], factors[-1]
    a, b, c = sources
    submissions = [
        ("alpha", finding("t-alpha-1", few, innovation, a) + finding("t-alpha-2", few, innovation, b)
         + finding("t-alpha-3", many, innovation, c, "Barrier")),
        ("beta", finding("t-beta-1", many, innovation, a)),
        # amended: one finding moves to another factor and direction, one goes
        ("alpha", finding("t-alpha-1", many, innovation, a, "Barrier")
         + finding("t-alpha-2", few, innovation, b)),
        ("gamma", f"<{c}> <{CKG}setting> \"England\" .\n" + finding("t-gamma-1", few, innovation, c)),
        ("beta", finding("t-beta-1", few, innovation, b, "Barrier")),
    ]
    seen = []
    for name, body in submissions:
        result = writer.submit(name, body.encode(), "text/turtle", "tester")
        full = get_store("memory:")
        version, _ = load(full, files_of(), reasoner=reasoner)
        assert result.version == version == store.dataset_version()
        kept = inferred(store)
        assert kept == inferred(full), name
        # the sizes the write recorded (pages read them instead of counting) are the real ones
        assert store.recorded_triple_counts() == counted_sizes(store) == full.recorded_triple_counts(), name
        seen.append(kept)
    return seen


def test_incremental_rules_equal_a_full_load_on_the_curated_data(tmp_path):
    folder = tmp_path / "submissions"
    store = get_store("memory:")
    load(store, DatasetFiles.discover(submissions_dir=folder), reasoner=True)  # HermiT: cached
    sources = [row["source"] for row in store.select(INDEPENDENT_SOURCES.replace(
        "{filter}", f"?source <{CKG}developerAuthored> false ."))]
    innovation = "https://w3id.org/carekg/id/innovation/family-drug-and-alcohol-court"
    before = inferred(store)
    seen = _writes(store, lambda: DatasetFiles.discover(submissions_dir=folder), folder, None, True,
                   innovation, sources)
    # the writes changed consensus and classification, not only the new findings' own statements
    assert any(b"/consensus/" in line for line in seen[0] - before)
    assert any(b"EnablerFinding" in line and b"t-alpha-1" in line for line in seen[0])
    assert not any(b"EnablerFinding" in line and b"t-alpha-1" in line for line in seen[2])



def test_incremental_rules_equal_a_full_load_on_a_generated_graph(tmp_path, generated):
    folder = tmp_path / "submissions"
    store = get_store("memory:")
    load(store, DatasetFiles.discover(data=[generated], submissions_dir=folder), reasoner=False)
    sources = [row["source"] for row in store.select(INDEPENDENT_SOURCES.replace(
        "{filter}", f"FILTER NOT EXISTS {{ ?source <{CKG}developerAuthored> ?any }}"))]
    # the generated sources have no independence flag: make two independent, so consensus is reached
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)
    flags = "".join(f"<{s}> <{CKG}developerAuthored> false .\n" for s in sources[:2])
    before = inferred(store)
    writer.submit("independence", flags.encode(), "text/turtle", "tester")
    full = get_store("memory:")
    load(full, DatasetFiles.discover(data=[generated], submissions_dir=folder), reasoner=False)
    assert inferred(store) == inferred(full)
    assert any(b"/consensus/" in line for line in inferred(store) - before)
    innovation = store.select(f"SELECT ?i WHERE {{ ?i a <{CKG}Innovation> }} ORDER BY ?i LIMIT 1")[0]["i"]
    _writes(store, lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder), folder,
            [generated], False, innovation, sources)


CONCEPTS = f"""PREFIX ckg: <{CKG}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?factor ?concept ?sources ?innovations WHERE {{
  ?factor a ckg:ImplementationFactor ;
    (skos:broader|skos:closeMatch|skos:relatedMatch)/skos:broader* ?concept .
  ?concept ckg:sourceCount ?sources ; ckg:innovationCount ?innovations }}"""
UNDER = f"""PREFIX ckg: <{CKG}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?value WHERE {{ ?finding ?link ?value ;
  ckg:aboutFactor/(skos:broader|skos:closeMatch|skos:relatedMatch)/skos:broader* ?concept }}"""
NAMED = "SELECT DISTINCT ?value WHERE { ?finding ?link ?value }"


def concept_counts(store) -> dict[str, dict[str, tuple[int, int]]]:
    """Per factor, its framework concepts' (distinct sources, distinct innovations)."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for row in store.select(CONCEPTS):
        out.setdefault(row["factor"], {})[row["concept"]] = (int(row["sources"]), int(row["innovations"]))
    return out


@pytest.mark.parametrize("few_findings", [count_delta.FEW_FINDINGS, 0], ids=["per-value", "per-concept"])
def test_distinct_counts_follow_the_first_and_last_finding_of_a_value_under_a_concept(
        tmp_path, generated, few_findings, monkeypatch):
    """A finding whose source (innovation) no finding under some of its factor's concepts names yet
    raises those concepts' distinct counts by one, and leaves the others'; amended to another factor
    under none of those concepts, it was the last of them there, and the counts come back. Each time
    equal to a full load's, whether the concepts' questions are asked per value, every concept at once,
    or one per concept (count_delta.FEW_FINDINGS)."""
    monkeypatch.setattr(count_delta, "FEW_FINDINGS", few_findings)
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    counts = concept_counts(store)
    factors = [row["factor"] for row in store.select(FACTORS)]
    first = next(f for f in factors if counts.get(f))
    concepts = counts[first]
    elsewhere = next(f for f in reversed(factors) if counts.get(f) and not set(counts[f]) & set(concepts))
    # per link, the value no finding under the most of those concepts names (under none: the first there)
    new, first_under = {}, {}
    for link in ("reportedIn", "aboutInnovation"):
        bound = {"link": f"{CKG}{link}"}
        under = {c: {r["value"] for r in store.select(UNDER, {**bound, "concept": c})} for c in concepts}
        new[link] = min(sorted(r["value"] for r in store.select(NAMED, bound)),
                        key=lambda v: sum(v in named for named in under.values()))  # noqa: B023
        first_under[link] = {c for c, named in under.items() if new[link] not in named}
        assert first_under[link]
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)

    def write(factor: str) -> dict[str, dict[str, tuple[int, int]]]:
        body = finding("t-first-1", factor, new["aboutInnovation"], new["reportedIn"])
        writer.submit("first", body.encode(), "text/turtle", "tester")
        full = get_store("memory:")
        load(full, files(), reasoner=False)
        assert inferred(store) == inferred(full), factor
        return concept_counts(store)

    added = write(first)
    sources, innovations = first_under["reportedIn"], first_under["aboutInnovation"]
    assert added[first] == {c: (s + (c in sources), i + (c in innovations)) for c, (s, i) in concepts.items()}
    moved = write(elsewhere)  # the amendment takes the only finding of both values out of those concepts
    assert moved[first] == concepts
    assert moved[elsewhere] != counts[elsewhere]


def test_a_write_that_moves_a_factor_recounts_the_concepts_it_reaches(tmp_path, generated):
    """A submission placing a factor under one more NASSS sub-domain (with a finding about it) moves all
    the factor's findings there: the concepts it reaches are recounted, not only adjusted by the write's
    own finding, equal to a full load's; withdrawn by an amendment, the counts come back."""
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    counts = concept_counts(store)
    factor = [row["factor"] for row in store.select(FACTORS) if counts.get(row["factor"])][-1]
    subdomain = store.select(f"""SELECT ?s WHERE {{ ?s a <{CKG}NasssSubdomain> ;
        <{CKG}findingCount> ?n }} ORDER BY ?n ?s""")
    target = next(row["s"] for row in subdomain if row["s"] not in counts[factor])
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)
    placed = f"<{factor}> <http://www.w3.org/2004/02/skos/core#broader> <{target}> .\n"
    innovation = store.select(f"SELECT ?i WHERE {{ ?i a <{CKG}Innovation> }} ORDER BY ?i LIMIT 1")[0]["i"]
    source = store.select(f"SELECT ?s WHERE {{ ?f <{CKG}reportedIn> ?s }} ORDER BY ?s LIMIT 1")[0]["s"]
    other = finding("t-move-1", factor, innovation, source)
    for body in (placed + other, other):
        writer.submit("move", body.encode(), "text/turtle", "tester")
        full = get_store("memory:")
        load(full, files(), reasoner=False)
        assert inferred(store) == inferred(full), body
        assert (target in concept_counts(store)[factor]) == (body.startswith(placed))


def test_consensus_candidates_hold_every_factor_with_a_result_and_not_every_factor(tmp_path):
    """A write recomputes consensus only for the factors rule_consensus_candidates.rq names: on the
    curated data that is every factor with a result (an upper bound), and not every factor."""
    store = get_store("memory:")
    load(store, DatasetFiles.discover(submissions_dir=tmp_path / "submissions"), reasoner=False)
    factors = frozenset(row["factor"] for row in store.select(FACTORS))
    with_result = {row["factor"] for row in store.select(load_query("consensus"))}
    candidates = consensus_candidates(store, factors)
    assert with_result and with_result <= candidates < factors
    assert consensus_candidates(store, frozenset(with_result)) == with_result
    assert consensus_candidates(store, factors - candidates) == frozenset()


CELLS = f"""PREFIX ckg: <{CKG}>
SELECT ?innovation ?column ?findings ?independent WHERE {{ ?cell ckg:cellInnovation ?innovation ;
  ckg:cellColumn ?column ; ckg:findingCount ?findings ; ckg:cellIndependentStudyCount ?independent }}"""
PLACED = f"""PREFIX ckg: <{CKG}>
SELECT ?factor ?subdomain WHERE {{ ?factor <http://www.w3.org/2004/02/skos/core#broader> ?subdomain .
  ?subdomain a ckg:NasssSubdomain }} ORDER BY ?factor ?subdomain"""
EVIDENCE_ON = f"SELECT ?innovation ?factor WHERE {{ ?innovation <{CKG}hasEvidenceOn> ?factor }}"


def map_cells(store) -> dict[tuple[str, str], tuple[int, int]]:
    """Per (innovation, column), the gap map cell's (findings, independent studies)."""
    return {(row["innovation"], row["column"]): (int(row["findings"]), int(row["independent"]))
            for row in store.select(CELLS)}


def test_map_cells_follow_a_finding_moved_to_another_innovation_and_column(tmp_path, generated):
    """The gap map's cells (rule_map_cells.rq) and ckg:hasEvidenceOn kept by writes: a finding from a
    source the write makes independent adds a finding and an independent study to its cell; amended to
    another innovation and a factor in another NASSS sub-domain (the source's flag withdrawn), it leaves
    the first cell as it was and counts in the second. Each time equal to a full load's."""
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    placed = [(row["factor"], row["subdomain"]) for row in store.select(PLACED)]
    (first, column), (second, other) = placed[0], next(p for p in placed if p[1] != placed[0][1])
    one, two = (row["i"] for row in store.select(
        f"SELECT ?i WHERE {{ ?i a <{CKG}Innovation> }} ORDER BY ?i LIMIT 2"))
    source = store.select(INDEPENDENT_SOURCES.replace(
        "{filter}", f"FILTER NOT EXISTS {{ ?source <{CKG}developerAuthored> ?any }}"))[0]["source"]
    cells = map_cells(store)
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)

    def write(body: str) -> dict[tuple[str, str], tuple[int, int]]:
        writer.submit("cells", body.encode(), "text/turtle", "tester")
        full = get_store("memory:")
        load(full, files(), reasoner=False)
        assert inferred(store) == inferred(full), body
        assert store.recorded_triple_counts() == counted_sizes(store) == full.recorded_triple_counts(), body
        return map_cells(store)

    flag = f"<{source}> <{CKG}developerAuthored> false .\n"
    added = write(flag + finding("t-cell-1", first, one, source))
    findings, independent = cells.get((one, column), (0, 0))
    assert added[(one, column)] == (findings + 1, independent + 1)
    assert {"innovation": one, "factor": first} in store.select(EVIDENCE_ON)
    moved = write(finding("t-cell-1", second, two, source))
    assert moved.get((one, column), (0, 0)) == (findings, independent)
    assert moved[(two, other)][0] == cells.get((two, other), (0, 0))[0] + 1
    assert {"innovation": two, "factor": second} in store.select(EVIDENCE_ON)


INDEPENDENT_OF = f"""PREFIX ckg: <{CKG}>
SELECT ?finding WHERE {{ ?finding ckg:reportedIn ?source ; ckg:fromIndependentStudy true }}"""


def test_independent_findings_follow_their_source_s_developer_flag(tmp_path, generated):
    """ckg:fromIndependentStudy (rule_independent_findings.rq) kept by writes: a source the write makes
    independent gives every source-study finding reported in it the statement, a new finding in it too;
    the flag withdrawn by an amendment takes them all back. Each time equal to a full load's."""
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    source = store.select(INDEPENDENT_SOURCES.replace(
        "{filter}", f"FILTER NOT EXISTS {{ ?source <{CKG}developerAuthored> ?any }}"))[0]["source"]
    own = {row["finding"] for row in store.select(
        f"SELECT ?finding WHERE {{ ?finding <{CKG}reportedIn> ?source ; "
        f"<{CKG}provenanceKind> <{CKG}SourceStudyClaim> }}", {"source": source})}
    assert own and not store.select(INDEPENDENT_OF, {"source": source})
    factor, innovation = (store.select(f"SELECT ?f ?i WHERE {{ ?x <{CKG}aboutFactor> ?f ; "
                                       f"<{CKG}aboutInnovation> ?i }} LIMIT 1")[0][k] for k in ("f", "i"))
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)

    def write(body: str) -> set[str]:
        writer.submit("independence", body.encode(), "text/turtle", "tester")
        full = get_store("memory:")
        load(full, files(), reasoner=False)
        assert inferred(store) == inferred(full), body
        return {row["finding"] for row in store.select(INDEPENDENT_OF, {"source": source})}

    new = finding("t-independent-1", factor, innovation, source)
    flag = f"<{source}> <{CKG}developerAuthored> false .\n"
    assert write(flag + new) == own | {str(FINDING["t-independent-1"])}
    assert write(new) == set()
