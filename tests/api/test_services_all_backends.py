"""carekg.services on the curated dataset: plain answers, NotFound, filters, caching and exports."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from carekg import services
from carekg.ids import INNOVATION
from carekg.services import CSV_COLUMNS
from carekg.services.evidence import all_evidence
from carekg.services.gap_map import gap_map
from carekg.services.graphs import dataset_graphs
from carekg.services.refs import placement_of
from carekg.store.oxigraph_store import OxigraphStore

SOS = "signs-of-safety"


def _plain(value) -> bool:
    """True when a services answer holds only plain Python values (no rdflib or pyoxigraph types)."""
    if dataclasses.is_dataclass(value):
        return all(_plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, (list, tuple)):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return value is None or type(value) in {str, int, bool, float}


@pytest.mark.parametrize("call", [
    lambda s: services.list_innovations(s), lambda s: services.innovation(s, SOS),
    lambda s: services.innovation_profile(s, SOS), lambda s: services.list_factors(s),
    lambda s: services.factor(s, services.list_factors(s)[0].id), lambda s: services.list_studies(s),
    lambda s: services.study(s, services.list_studies(s)[0].id), lambda s: services.list_organisations(s),
    lambda s: services.organisation(s, services.list_organisations(s)[0].id), lambda s: services.taxonomy(s),
    lambda s: services.consensus(s), lambda s: services.gaps(s), lambda s: services.overview(s),
    lambda s: services.compare(s, (SOS, "mockingbird-family-model")), lambda s: services.ontology(s),
])
def test_answers_are_plain_python(store, call):
    assert _plain(call(store))


def test_innovations_are_listed_with_their_evidence(store):
    innovations = {i.id: i for i in services.list_innovations(store)}
    assert SOS in innovations
    sos = innovations[SOS]
    assert sos.iri == str(INNOVATION[SOS]) and sos.label == "Signs of Safety"
    assert sos.counts.findings == sos.counts.enabler + sos.counts.barrier + sos.counts.mixed > 0


def test_profile_groups_by_domain_subdomain_and_factor(store):
    profile = services.innovation_profile(store, SOS)
    assert profile.domains, "Signs of Safety has findings"
    codes = [d.code for d in profile.domains]
    assert codes == sorted(codes)
    total = 0
    for domain in profile.domains:
        for subdomain in domain.subdomains:
            assert subdomain.code.startswith(domain.code)
            for factor in subdomain.factors:
                assert factor.counts.findings == len(factor.findings)
                assert {e.factor.iri for e in factor.findings} == {factor.factor.iri}
                total += len(factor.findings)
    assert total == profile.counts.findings


@pytest.mark.parametrize(("name", "value", "attribute"), [
    ("direction", "barrier", lambda e: e.direction),
    ("provenance", "source-study", lambda e: e.provenance),
])
def test_profile_filters(store, name, value, attribute):
    profile = services.innovation_profile(store, SOS, **{name: value})
    findings = [e for d in profile.domains for s in d.subdomains for f in s.factors for e in f.findings]
    assert findings and all(attribute(e) == value for e in findings)
    assert profile.filters == {name: value}


def test_profile_filter_by_domain_and_design(store):
    full = services.innovation_profile(store, SOS)
    domain = full.domains[0]
    only_domain = services.innovation_profile(store, SOS, domain=domain.code)
    assert [d.code for d in only_domain.domains] == [domain.code]
    subdomain = domain.subdomains[0]
    only = services.innovation_profile(store, SOS, domain=subdomain.code.lower())
    assert [s.code for d in only.domains for s in d.subdomains] == [subdomain.code]
    design = full.domains[0].subdomains[0].factors[0].findings[0].source.design
    by_design = services.innovation_profile(store, SOS, design=design)
    assert all(e.source.design == design for d in by_design.domains for s in d.subdomains for f in s.factors
               for e in f.findings)


@pytest.mark.parametrize("filters", [{"direction": "upwards"}, {"provenance": "gossip"},
                                     {"design": "anecdote"}, {"domain": "9"}, {"domain": "5Z"}])
def test_profile_refuses_unknown_filter_values(store, filters):
    with pytest.raises(services.InvalidArgument):
        services.innovation_profile(store, SOS, **filters)


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: services.innovation(s, "no-such-thing"), "no innovation with id 'no-such-thing'"),
    (lambda s: services.innovation(s, "Not A Slug"), "no innovation with id 'Not A Slug'"),
    (lambda s: services.innovation_profile(s, "no-such-thing"), "no innovation with id 'no-such-thing'"),
    (lambda s: services.factor(s, "no-such-thing"), "no factor with id 'no-such-thing'"),
    (lambda s: services.study(s, "no-such-thing"), "no study or source with id 'no-such-thing'"),
    (lambda s: services.organisation(s, "no-such-thing"), "no organisation with id 'no-such-thing'"),
    (lambda s: services.compare(s, (SOS, "no-such-thing")), "no innovation with id 'no-such-thing'"),
    (lambda s: services.describe(s, str(INNOVATION["no-such-thing"]), "text/turtle"),
     "no innovation with id 'no-such-thing'"),
])
def test_unknown_ids_raise_not_found(store, call, message):
    with pytest.raises(services.NotFound, match=message.replace("(", r"\(")):
        call(store)


def test_factor_lists_innovations_and_consensus(store):
    consensus = services.consensus(store)
    assert consensus.rule.version and consensus.rule.description
    assert consensus.results, "the rule reaches consensus on some factors"
    result = consensus.results[0]
    factor = services.factor(store, result.factor.id)
    assert result in factor.consensus
    per_innovation = sum(i.counts.findings for i in factor.innovations)
    assert per_innovation + len(factor.general_findings) == factor.counts.findings


def test_sources_cover_studies_and_other_sources(store):
    kinds = {s.kind for s in services.list_studies(store)}
    assert kinds == {"study", "source"}
    assert all(s.kind == "study" for s in services.list_studies(store, "study"))
    with pytest.raises(services.InvalidArgument):
        services.list_studies(store, "rumour")
    studies = services.list_studies(store, "study")
    review = next(s for s in studies if services.study(store, s.id).founding_review)
    assert services.study(store, review.id).findings


def test_organisation_roles_per_innovation(store):
    busiest = max(services.list_organisations(store), key=lambda o: o.innovation_count)
    detail = services.organisation(store, busiest.id)
    assert len(detail.innovations) == busiest.innovation_count
    assert all(role.organisation.iri == detail.iri for item in detail.innovations for role in item.roles)


def test_taxonomy_counts_roll_up(store):
    tree = services.taxonomy(store)
    assert [n.code for n in tree.nasss] == [str(n) for n in range(1, 8)]
    assert len(tree.cfir) == 5
    for domain in tree.nasss:
        assert domain.counts.findings >= max((c.counts.findings for c in domain.children), default=0)
    placed = sum(len(sub.factors) for domain in tree.nasss for sub in domain.children)
    assert placed == len(services.list_factors(store))


def test_gaps_complement_evidenced_subdomains(store):
    for gap in services.gaps(store):
        assert gap.evidenced_subdomains + len(gap.missing) == 23  # NASSS has 23 sub-domains
    profile = services.innovation_profile(store, SOS)
    sos = next(g for g in services.gaps(store) if g.innovation.id == SOS)
    evidenced = {s.code for d in profile.domains for s in d.subdomains}
    assert not evidenced & {m.code for m in sos.missing}


def test_compare_puts_profiles_side_by_side(store):
    comparison = services.compare(store, [SOS, "mockingbird-family-model"])
    assert [i.id for i in comparison.innovations] == [SOS, "mockingbird-family-model"]
    assert all(len(row.cells) == 2 for row in comparison.rows)
    shared = [row for row in comparison.rows if all(c.counts.findings for c in row.cells)]
    assert len(shared) == comparison.shared_factors
    with pytest.raises(services.InvalidArgument):
        services.compare(store, (SOS, SOS))


@pytest.mark.parametrize("media_type", list(services.RDF_FORMATS))
def test_describe_serialises_the_resource(store, media_type):
    body = services.describe(store, str(INNOVATION[SOS]), media_type)
    graph = Graph().parse(data=body, format=services.RDF_FORMATS[media_type])
    assert (URIRef(INNOVATION[SOS]), None, None) in graph


def test_answers_are_cached_per_dataset_version(store):
    assert services.innovation_profile(store, SOS) is services.innovation_profile(store, SOS)


def _findings_csv_as_built_before(store) -> str:
    """The findings CSV as carekg built it before it streamed (every finding as an Evidence dataclass
    first, then each row from the per-resource tables of the services): the reference the streamed
    CSV must equal."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in all_evidence(store):
        subdomain, domain = placement_of(store, e.factor.iri)
        authored = e.source.developer_authored
        writer.writerow([
            e.id, e.innovation.id if e.innovation else "", e.innovation.label if e.innovation else "",
            str(e.general).lower(), e.factor.id, e.factor.label, subdomain.code if subdomain else "",
            domain.code if domain else "", e.direction, e.provenance or "", e.source.id, e.source.kind,
            e.source.citation, e.source.design or "", e.source.year or "",
            "" if authored is None else str(authored).lower(), e.locator or "", e.paraphrase or "",
        ])
    return out.getvalue()


def test_findings_csv_streams_the_same_rows_as_the_evidence_tables(store):
    """Row for row what the evidence tables say (rows in the store's order, so compared sorted), and
    more than one chunk of them, so the rows are streamed."""
    chunks = list(services.findings_csv(store, rows_per_chunk=50))
    streamed, before = "".join(chunks).splitlines(), _findings_csv_as_built_before(store).splitlines()
    assert streamed[0] == before[0] == ",".join(CSV_COLUMNS)
    assert sorted(streamed[1:]) == sorted(before[1:])
    assert len(streamed) - 1 == services.overview(store).findings > 50
    assert len(chunks) == -(-(len(streamed) - 1) // 50)  # chunks of 50 rows, the header in the first
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    assert {row["direction"] for row in rows} <= set(services.DIRECTIONS)
    assert all(row["nasss_subdomain"] and row["citation"] for row in rows)


def _store_quads(store) -> Counter:
    """Every statement of the exported graphs as it is in the store, read straight from the engine."""
    rows = store.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    graphs = set(dataset_graphs(store))
    return _masked((r["s"], r["p"], r["o"], r["g"]) for r in rows if r["g"] in graphs)


def _masked(quads) -> Counter:
    """Statements with blank nodes reduced to "_" (a remote server may relabel them, and rows name them
    "_:b", "b" or Virtuoso's "nodeID://b"), counted."""
    def term(value: str) -> str:
        return "_" if value.startswith(("_:", "nodeID://")) or ":" not in value else value

    return Counter((term(s), p, term(o), g) for s, p, o, g in quads)


def _parsed(body: bytes, fmt: ox.RdfFormat) -> Counter:
    def text(term) -> str:
        return "_:" + term.value if isinstance(term, ox.BlankNode) else term.value

    return _masked((text(q.subject), q.predicate.value, text(q.object),
                    q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "")
                   for q in ox.parse(body, format=fmt))


@pytest.mark.parametrize(("media_type", "fmt"), [
    ("application/n-quads", ox.RdfFormat.N_QUADS), ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES), ("text/turtle", ox.RdfFormat.TURTLE)])
def test_streamed_export_holds_exactly_the_stores_statements(store, media_type, fmt):
    exported = _parsed(b"".join(services.export_dataset(store, media_type)), fmt)
    expected = _store_quads(store)
    if fmt in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE):  # merged into one graph
        merged: Counter = Counter()
        for (s, p, o, _), n in expected.items():
            merged[(s, p, o, "")] += n
        expected = merged
    assert exported == expected and exported.total() > 1000


def test_export_is_sent_in_chunks_of_bounded_size(store, monkeypatch):
    if not isinstance(store, OxigraphStore):
        pytest.skip("the chunk size is the embedded adapter's")
    monkeypatch.setattr("carekg.store.streaming.CHUNK_BYTES", 8192)
    for media_type in ("application/n-quads", "text/turtle", "application/ld+json"):
        chunks = [c for c in services.export_dataset(store, media_type) if c]
        # a chunk is cut once 8 KB are in, at the engine's next 8 KB write; N-Quads add graph names
        assert len(chunks) > 10 and max(map(len, chunks)) < 3 * 8192 * 2, media_type


@pytest.mark.parametrize("media_type", ["application/n-quads", "text/turtle", "application/ld+json",
                                        "application/n-triples"])
def test_an_exports_first_chunk_holds_statements_and_turtle_names_its_prefixes_once(store, media_type):
    """The route reads the first chunk before it sends a status, so that chunk must have asked the store;
    and it is a small one, so the download starts without waiting for a whole chunk."""
    chunks = [c for c in services.export_dataset(store, media_type) if c]
    if media_type == "application/ld+json":  # the context, the first graph, then its first nodes
        assert chunks[0].decode().split('"@graph": [', 2)[2].lstrip().startswith('{"@id":')
    else:
        fmt = {"application/n-quads": ox.RdfFormat.N_QUADS, "text/turtle": ox.RdfFormat.TURTLE,
               "application/n-triples": ox.RdfFormat.N_TRIPLES}[media_type]
        assert len(list(ox.parse(chunks[0], format=fmt))) > 0
    if media_type == "text/turtle":
        body = b"".join(chunks).decode()
        assert body.count("@prefix ckg: ") == 1 and body.startswith("@prefix ")


def test_findings_csv_sends_a_small_first_chunk(store):
    chunks = list(services.findings_csv(store, rows_per_chunk=50, first_rows=10))
    assert len(chunks[0].splitlines()) == 1 + 10 and len(chunks[1].splitlines()) == 50


def test_export_in_an_unknown_format_is_refused(store):
    with pytest.raises(services.InvalidArgument):
        services.export_dataset(store, "application/rdf+xml")


def test_search_indexes_every_resource_on_every_back_end(store):
    """The search index is read with SPARQL only (search_*.rq), so every back-end gives it the same
    documents: as many of each kind as the other services count; a remote store's index is in memory."""
    from carekg.search import documents, index_file, index_for
    from carekg.services.search import search

    kinds = Counter(document.kind for document in documents(store))
    overview = services.overview(store)
    assert kinds == {"finding": overview.findings, "factor": len(services.list_factors(store)),
                     "innovation": overview.innovations, "source": len(services.list_studies(store)),
                     "organisation": overview.organisations}
    if store.name == "sparql":
        assert index_file(store, store.dataset_version()) is None
    assert index_for(store).size() == sum(kinds.values())
    found = search(store, "liaison workers", kind="finding")
    assert found.count == found.counts["finding"] > 0
    assert all("liaison" in result.snippet.lower() for result in found.data)


def test_graph_sizes_are_recorded_at_load_and_equal_a_count(store):
    """The home page, /version, VoID and the service description read the triples per graph recorded
    at load time (counting them takes seconds at a million triples); they are the engine's count."""
    recorded = store.recorded_triple_counts()
    graphs = dataset_graphs(store)
    assert set(recorded) == set(graphs)
    for graph in graphs:
        counted = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } }",
                               {"graph": graph})
        assert recorded[graph] == int(counted[0]["n"]) > 0, graph
    assert sum(services.overview(store).triples.values()) == sum(recorded.values())


def test_gap_map_cells_equal_the_findings_on_every_backend(store):
    """The gap map reads its cells as the rules materialised them, bound to a page's innovations: on every
    back-end, each innovation's findings per NASSS sub-domain and direction are those of the findings CSV
    (another code path), counted by hand, whole and a page at a time."""
    expected: Counter = Counter()
    for row in csv.DictReader(io.StringIO("".join(services.findings_csv(store)))):
        if row["innovation"] and row["nasss_subdomain"]:
            expected[(row["innovation"], row["nasss_subdomain"], row["direction"])] += 1
    assert expected
    whole = gap_map(store, limit=None)
    pages = [gap_map(store, limit=4, offset=offset) for offset in range(0, whole.total, 4)]
    for rows in ([r for page in pages for r in page.rows], whole.rows):
        got = Counter({(row.id, cell.subdomain.code, direction): getattr(cell, direction)
                       for row in rows for cell in row.cells for direction in ("enabler", "barrier", "mixed")
                       if getattr(cell, direction)})
        assert got == expected
