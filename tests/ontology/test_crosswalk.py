"""The NASSS <-> CFIR 2.0 crosswalk as data (issue 8): an SSSOM table with a justification per row,
compiled to SKOS mapping triples in ontology/modules/crosswalk.ttl."""

from carekg import paths
from carekg.build import crosswalk

TABLE = paths.CURATION_DIR / "mappings" / "nasss-cfir.sssom.tsv"
MAPPINGS = crosswalk.read(TABLE)
#: the NASSS sub-domains the founding review's abstract says its studies covered
REVIEW_COVERED = {"4a", "4c", "5a", "5b", "5c", "5d", "5e", "6a", "6b", "6c", "6d"}
PREFIX = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"


def test_header_is_sssom_metadata_with_a_curie_map():
    meta = MAPPINGS.metadata
    assert {"nasss", "cfir", "skos", "semapv"} <= set(meta["curie_map"])
    assert meta["mapping_set_id"] == "https://w3id.org/carekg/def/crosswalk"
    assert "curator's judgement" in " ".join(meta["mapping_set_description"].split())


def test_every_row_is_a_justified_manual_curation():
    assert len(MAPPINGS.rows) >= 40
    for row in MAPPINGS.rows:
        assert row["predicate_id"] in {"skos:closeMatch", "skos:relatedMatch", "skos:broadMatch", "skos:narrowMatch"}
        assert row["mapping_justification"] == "semapv:ManualMappingCuration"
        assert row["author_label"] and len(row["comment"]) > 40, row
        assert 0 < float(row["confidence"]) <= 1


def test_every_subdomain_the_review_covered_is_mapped():
    mapped = {row["subject_id"].split(":")[1] for row in MAPPINGS.rows}
    assert REVIEW_COVERED <= mapped
    assert len(mapped) >= 18


def test_the_domain_notes_examples_are_present():
    rows = {(r["subject_id"], r["object_id"]) for r in MAPPINGS.rows}
    # NASSS 5B readiness ~ Tension for Change + Relative Priority + Available Resources
    assert {("nasss:5b", "cfir:iii-e"), ("nasss:5b", "cfir:iii-g"), ("nasss:5b", "cfir:iii-j")} <= rows
    # NASSS 6A/6B ~ Policies & Laws / Financing
    assert {("nasss:6a", "cfir:ii-e"), ("nasss:6b", "cfir:ii-e"), ("nasss:6a", "cfir:ii-f")} <= rows


def test_labels_in_the_table_match_the_ontology(store):
    for row in MAPPINGS.rows:
        for side in ("subject", "object"):
            iri = MAPPINGS.expand(row[f"{side}_id"])
            labels = {r["l"] for r in store.select(PREFIX + "SELECT ?c ?l { ?c skos:prefLabel ?l }", {"c": str(iri)})}
            assert row[f"{side}_label"] in labels, (row[f"{side}_id"], labels)


def test_each_row_is_one_skos_mapping_triple_with_its_justification(store):
    rows = store.select(PREFIX + """SELECT (COUNT(*) AS ?n) { GRAPH <https://w3id.org/carekg/graph/ontology> {
        ?s ?p ?o . VALUES ?p { skos:closeMatch skos:relatedMatch skos:broadMatch skos:narrowMatch }
        ?s a <https://w3id.org/carekg/def#NasssSubdomain> } }""")
    assert int(rows[0]["n"]) == len(MAPPINGS.rows)
    justified = store.select(PREFIX + """SELECT (COUNT(*) AS ?n) {
        ?a a <http://www.w3.org/2002/07/owl#Axiom> ; <http://www.w3.org/2000/01/rdf-schema#comment> ?c ;
           <https://w3id.org/sssom/mapping_justification> <https://w3id.org/semapv/vocab/ManualMappingCuration> }""")
    assert int(justified[0]["n"]) == len(MAPPINGS.rows)


def test_barriers_coded_in_nasss_reach_cfir(store):
    """A NASSS-coded factor reaches CFIR constructs (and so ERIC strategies) through the crosswalk."""
    rows = store.select(PREFIX + """SELECT DISTINCT ?c { <https://w3id.org/carekg/id/factor/competing-priorities-and-organisational-change>
        skos:broader ?s . ?s skos:narrowMatch|skos:closeMatch|skos:relatedMatch|skos:broadMatch ?c }""")
    assert "https://w3id.org/carekg/id/cfir/iii-e" in {r["c"] for r in rows}
