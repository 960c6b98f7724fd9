"""ontology/catalog-v001.xml: Protégé resolves every owl:imports of the ontology to the local file that
declares that ontology, so the w3id imports open without the network."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from rdflib import OWL, RDF, Graph, URIRef

from carekg import paths

CATALOG = paths.ONTOLOGY_DIR / "catalog-v001.xml"
NS = {"c": "urn:oasis:names:tc:entity:xmlns:xml:catalog"}


def test_every_import_resolves_to_the_file_declaring_that_ontology():
    entries = {e.get("name"): CATALOG.parent / e.get("uri")
               for e in ET.parse(CATALOG).getroot().findall("c:uri", NS)}
    sources = [f for f in sorted(paths.ONTOLOGY_DIR.rglob("*.ttl")) if "release" not in f.parts]
    imported = set()
    for source in sources:
        imported |= {str(o) for o in Graph().parse(source).objects(None, OWL.imports)}
    assert len(imported) >= 10, "the aggregator imports the modules"
    assert sorted(imported - entries.keys()) == []
    for iri, path in entries.items():
        assert path.is_file(), iri
        assert (URIRef(iri), RDF.type, OWL.Ontology) in Graph().parse(path), iri
