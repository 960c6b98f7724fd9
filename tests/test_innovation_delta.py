"""A write moves the innovation factor tallies, the gap map's cells and the sub-domain summaries by the
difference its findings make (carekg.innovation_delta): after a sequence of writes (new findings,
amendments moving them to another factor, direction and source, amendments dropping them, a source made
independent) the stored tallies, cells, ckg:hasEvidenceOn and sub-domain statements equal what the rules
compute from scratch on the whole graph and what a full load of the same files stores, as does the whole
inferred graph; the writes that change only their own findings take the difference, the one that changes
a source others report recomputes."""

from __future__ import annotations

import contextlib
from itertools import chain

from rdflib import Graph

from carekg import innovation_delta
from carekg.ids import GRAPH_INFERRED
from carekg.listed import listed_triples
from carekg.loader import DatasetFiles, load
from carekg.rules import evidenced_subdomains, map_cells, subdomain_summary
from carekg.store import get_store
from carekg.tallies import tally_triples
from carekg.writes import EvidenceWriter
from tests.test_incremental import CKG, finding, inferred

HEAVIEST = f"""SELECT ?innovation (COUNT(?f) AS ?n) WHERE {{ ?f <{CKG}aboutInnovation> ?innovation }}
GROUP BY ?innovation ORDER BY DESC(?n) ?innovation LIMIT 1"""
# The sources that report findings about the innovation, most findings first, and the factors it has.
SOURCES = f"""SELECT ?source (COUNT(?f) AS ?n) WHERE {{
  ?f <{CKG}aboutInnovation> ?innovation ; <{CKG}reportedIn> ?source }}
GROUP BY ?source ORDER BY DESC(?n) ?source"""
FACTORS = f"""SELECT ?factor (COUNT(?f) AS ?n) WHERE {{
  ?f <{CKG}aboutInnovation> ?innovation ; <{CKG}aboutFactor> ?factor }}
GROUP BY ?factor ORDER BY DESC(?n) ?factor"""
EVALUATION = f"""SELECT ?source WHERE {{ ?source <{CKG}sourceType> <{CKG}EvaluationReport>
  FILTER NOT EXISTS {{ ?source <{CKG}summarises> ?study }}
  FILTER NOT EXISTS {{ ?source <{CKG}developerAuthored> true }}
  FILTER NOT EXISTS {{ ?f <{CKG}reportedIn> ?source ; <{CKG}aboutInnovation> ?innovation }} }}
ORDER BY ?source LIMIT 1"""
KEPT = f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH_INFERRED}> {{ ?s ?p ?o }}
  FILTER(?p IN (<{CKG}hasEvidenceOn>, <{CKG}hasEvidenceIn>, <{CKG}hasEnablerIn>, <{CKG}hasBarrierIn>)
         || EXISTS {{ ?s a <{CKG}GapMapCell> }}
         || EXISTS {{ ?s <{CKG}tallyInnovation> ?i }}) }}"""


def stored(store) -> set[str]:
    """The tallies, the gap map's cells, ckg:hasEvidenceOn and the sub-domain summary the store holds, as
    N-Triples lines."""
    graph = Graph().parse(data=store.construct(KEPT, None, "application/n-triples").decode(), format="nt")
    return set(graph.serialize(format="nt").splitlines()) - {""}


def from_scratch(store) -> set[str]:
    """The same (the tallies with their listed findings), computed now by the rules on the whole graph."""
    graph = map_cells(store) + subdomain_summary(store) + evidenced_subdomains(store)
    for triple in chain(tally_triples(store), listed_triples(store)):
        graph.add(triple)
    return set(graph.serialize(format="nt").splitlines()) - {""}


def _sequence(store, files, data, reasoner, monkeypatch, folder) -> list[bool]:
    """The writes, each checked against the rules from scratch and a full load; per write, whether the
    tallies and cells moved by the difference."""
    innovation = store.select(HEAVIEST)[0]["innovation"]
    sources = [row["source"] for row in store.select(SOURCES, {"innovation": innovation})]
    factors = [row["factor"] for row in store.select(FACTORS, {"innovation": innovation})]
    fresh = store.select(EVALUATION, {"innovation": innovation})[0]["source"]
    busy, other = sources[0], sources[-1]
    many, few = factors[0], factors[-1]
    took: list[bool] = []
    adjusted = innovation_delta.adjusted

    def observed(*args, **kwargs):
        result = adjusted(*args, **kwargs)
        took.append(result is not None)
        return result

    monkeypatch.setattr(innovation_delta, "adjusted", observed)
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=data, reasoner=reasoner)
    writes = [
        # new: in the source with most of the innovation's findings (its counts move, not its sources),
        # in another of its sources, and in a source new to the innovation (a new distinct source)
        ("delta", finding("t-delta-1", many, innovation, busy) + finding("t-delta-2", few, innovation, other)
         + finding("t-delta-3", few, innovation, fresh, "Barrier")),
        # amended: one moves factor and direction, one source, one goes
        ("delta", finding("t-delta-1", few, innovation, busy, "Mixed")
         + finding("t-delta-2", few, innovation, fresh)),
        # the source made independent: findings others report change (recomputed)
        ("independence", f"<{fresh}> <{CKG}developerAuthored> false .\n"),
        # now counted as an independent study, in both directions, then dropped to one finding
        ("delta", finding("t-delta-1", many, innovation, fresh, "Barrier")
         + finding("t-delta-2", few, innovation, fresh) + finding("t-delta-3", many, innovation, fresh)),
        ("delta", finding("t-delta-3", few, innovation, busy, "Barrier")),
    ]
    for name, body in writes:
        writer.submit(name, body.encode(), "text/turtle", "tester")
        kept = stored(store)
        assert kept == from_scratch(store), body
        full = get_store("memory:")
        load(full, files(), reasoner=reasoner)
        assert kept == stored(full), body
        # the whole inferred graph too: on the curated data the source made independent already had the
        # flag, so its findings' consensus rows came twice over the union of graphs (carekg.consensus)
        assert inferred(store) == inferred(full), body
    return took


def test_tallies_and_cells_follow_writes_by_difference_on_a_generated_graph(tmp_path, generated, monkeypatch):
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    assert stored(store) == from_scratch(store)
    took = _sequence(store, files, [generated], False, monkeypatch, folder)
    assert took == [True, True, False, True, True]


def test_tallies_and_cells_follow_writes_by_difference_on_the_curated_data(tmp_path, monkeypatch):
    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=True)  # HermiT: cached
    assert stored(store) == from_scratch(store)
    took = _sequence(store, files, None, True, monkeypatch, folder)
    assert took == [True, True, False, True, True]


SUBDOMAIN_OF = f"""SELECT ?factor ?subdomain WHERE {{
  ?factor <http://www.w3.org/2004/02/skos/core#broader> ?subdomain . ?subdomain a <{CKG}NasssSubdomain> }}
ORDER BY ?factor"""
LIGHTEST = f"""SELECT ?innovation (COUNT(?f) AS ?n) WHERE {{ ?f <{CKG}aboutInnovation> ?innovation }}
GROUP BY ?innovation ORDER BY ?n ?innovation LIMIT 1"""


def test_a_sub_domain_left_by_its_only_findings_goes_and_one_with_others_stays(tmp_path, generated,
                                                                               monkeypatch):
    """The innovation with the fewest findings gets an enabler in a sub-domain it had no evidence in and a
    barrier in one it had; amended, both move to the second factor: the first sub-domain's statements go
    (no other finding keeps them: innovation_delta_subdomain_others.rq, asked from the innovation's stored
    factors), the second's stay. The evidence counts' questions are asked from the innovation's findings
    and from the factor's (count_delta, whichever has fewer). Each time by the difference, and equal to
    the rules from scratch and a full load."""
    from carekg import count_delta

    folder = tmp_path / "submissions"
    files = lambda: DatasetFiles.discover(data=[generated], submissions_dir=folder)  # noqa: E731
    store = get_store("memory:")
    load(store, files(), reasoner=False)
    innovation = store.select(LIGHTEST)[0]["innovation"]
    source = store.select(SOURCES, {"innovation": innovation})[0]["source"]
    evidenced = {row["s"] for row in store.select(
        f"SELECT ?s WHERE {{ ?innovation <{CKG}hasEvidenceIn> ?s }}", {"innovation": innovation})}
    placed = [(row["factor"], row["subdomain"]) for row in store.select(SUBDOMAIN_OF)]
    new, new_subdomain = next((f, s) for f, s in placed if s not in evidenced)
    had, had_subdomain = next((f, s) for f, s in placed if s in evidenced)
    took, asked = [], []
    adjusted, load_query = innovation_delta.adjusted, count_delta.load_query

    def observed(*args, **kwargs):
        result = adjusted(*args, **kwargs)
        took.append(result is not None)
        return result

    def asking(name: str) -> str:
        asked.append(name)
        return load_query(name)

    monkeypatch.setattr(innovation_delta, "adjusted", observed)
    monkeypatch.setattr(count_delta, "load_query", asking)
    writer = EvidenceWriter(lambda: contextlib.nullcontext(store), folder, data=[generated], reasoner=False)
    statement = "SELECT ?o WHERE { ?innovation ?link ?o }"
    for factors, kept in (((new, had), {new_subdomain, had_subdomain}), ((had, had), {had_subdomain})):
        body = (finding("t-sub-1", factors[0], innovation, source)
                + finding("t-sub-2", factors[1], innovation, source, "Barrier"))
        writer.submit("sub", body.encode(), "text/turtle", "tester")
        assert stored(store) == from_scratch(store), body
        full = get_store("memory:")
        load(full, files(), reasoner=False)
        assert stored(store) == stored(full), body
        assert inferred(store) == inferred(full), body
        in_subdomains = {row["o"] for row in store.select(
            statement, {"innovation": innovation, "link": f"{CKG}hasEvidenceIn"})}
        assert {new_subdomain, had_subdomain} & in_subdomains == kept, body
        enabler_in = {row["o"] for row in store.select(
            statement, {"innovation": innovation, "link": f"{CKG}hasEnablerIn"})}
        assert (new_subdomain in enabler_in) == (new_subdomain in kept), body
    assert took == [True, True]
    assert {"count_delta_other_resource", "count_delta_other_resource_by_subject"} <= set(asked)
