"""The NASSS <-> CFIR 2.0 crosswalk: an SSSOM table compiled into SKOS mapping triples.

Source: ``curation/mappings/nasss-cfir.sssom.tsv`` (SSSOM TSV: a ``#``-prefixed YAML metadata block
with a ``curie_map``, then one mapping per row). Output: ``ontology/modules/crosswalk.ttl``, where
each row is a SKOS mapping triple (``nasss:5b skos:narrowMatch cfir:iii-e``) plus an OWL axiom
annotation carrying the row's justification, author, confidence and comment, as SSSOM's own OWL
translation does.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import OWL, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from carekg.build import version as versioning
from carekg.build.turtle import new_graph
from carekg.ids import DATA_LICENSE, SEMAPV, SSSOM, module_iri

CROSSWALK_MODULE = module_iri("crosswalk")
PREDICATES = {
    "skos:closeMatch": SKOS.closeMatch,
    "skos:relatedMatch": SKOS.relatedMatch,
    "skos:broadMatch": SKOS.broadMatch,
    "skos:narrowMatch": SKOS.narrowMatch,
    "skos:exactMatch": SKOS.exactMatch,
}
REQUIRED = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label",
            "mapping_justification", "confidence", "comment")
ALLOWED_PREFIXES = {"subject": "nasss", "object": "cfir"}


class MappingError(ValueError):
    """The SSSOM table is malformed; the message names the row and what to fix."""


@dataclass(frozen=True)
class MappingSet:
    metadata: dict
    rows: list[dict[str, str]]

    def expand(self, curie: str) -> URIRef:
        prefix, _, local = curie.partition(":")
        curie_map = self.metadata.get("curie_map", {})
        if prefix not in curie_map or not local:
            raise MappingError(f"{curie!r} uses a prefix that the curie_map does not declare")
        return URIRef(curie_map[prefix] + local)


def read(path: Path) -> MappingSet:
    """Parse an SSSOM TSV file: the commented YAML header, then the table."""
    header: list[str] = []
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        (header if line.startswith("#") else body).append(line[1:] if line.startswith("#") else line)
    metadata = yaml.safe_load("\n".join(header)) or {}
    rows = [{k: (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(io.StringIO("\n".join(body) + "\n"), delimiter="\t")]
    return MappingSet(metadata, rows)


def validate(mappings: MappingSet) -> None:
    """Refuse rows a curator must fix before they reach the ontology."""
    if "curie_map" not in mappings.metadata:
        raise MappingError("the SSSOM header needs a curie_map")
    seen = set()
    for number, row in enumerate(mappings.rows, start=2):
        where = f"row {number} ({row.get('subject_id')} -> {row.get('object_id')})"
        missing = [column for column in REQUIRED if not row.get(column)]
        if missing:
            raise MappingError(f"{where}: fill in {', '.join(missing)}")
        if row["predicate_id"] not in PREDICATES:
            raise MappingError(f"{where}: predicate_id must be one of {', '.join(PREDICATES)}")
        for side, prefix in ALLOWED_PREFIXES.items():
            if not row[f"{side}_id"].startswith(f"{prefix}:"):
                raise MappingError(f"{where}: {side}_id must be a {prefix}: CURIE")
        try:
            confidence = float(row["confidence"])
        except ValueError:
            raise MappingError(f"{where}: confidence must be a number between 0 and 1") from None
        if not 0 <= confidence <= 1:
            raise MappingError(f"{where}: confidence must be between 0 and 1")
        key = (row["subject_id"], row["predicate_id"], row["object_id"])
        if key in seen:
            raise MappingError(f"{where}: the same mapping appears twice")
        seen.add(key)
        mappings.expand(row["subject_id"]), mappings.expand(row["object_id"])


def compile_table(table: Path, version: str | None = None) -> Graph:
    """The crosswalk module as a graph; raises MappingError for a row that cannot stand."""
    mappings = read(table)
    validate(mappings)
    version = version or versioning.current()
    graph = new_graph()
    graph.bind("sssom", SSSOM)
    graph.bind("semapv", SEMAPV)
    module = CROSSWALK_MODULE
    graph.add((module, RDF.type, OWL.Ontology))
    graph.add((module, DCTERMS.title, Literal("carekg NASSS to CFIR 2.0 crosswalk", lang="en")))
    description = " ".join(str(mappings.metadata.get("mapping_set_description", "")).split())
    graph.add((module, DCTERMS.description, Literal(description, lang="en")))
    graph.add((module, DCTERMS.license, URIRef(mappings.metadata.get("license", DATA_LICENSE))))
    for creator in mappings.metadata.get("creator_label", []):
        graph.add((module, DCTERMS.creator, Literal(creator)))
    graph.add((module, OWL.imports, module_iri("nasss")))
    graph.add((module, OWL.imports, module_iri("cfir")))
    graph.add((module, OWL.versionIRI, URIRef(versioning.version_iri(version, "crosswalk"))))
    graph.add((module, OWL.versionInfo, Literal(version)))
    for row in mappings.rows:
        subject, obj = mappings.expand(row["subject_id"]), mappings.expand(row["object_id"])
        predicate = PREDICATES[row["predicate_id"]]
        graph.add((subject, predicate, obj))
        # a stable blank-node label, so that `carekg build` writes the same file every time
        axiom = BNode("m" + hashlib.sha1(f"{subject} {predicate} {obj}".encode()).hexdigest()[:16])
        graph.add((axiom, RDF.type, OWL.Axiom))
        graph.add((axiom, OWL.annotatedSource, subject))
        graph.add((axiom, OWL.annotatedProperty, predicate))
        graph.add((axiom, OWL.annotatedTarget, obj))
        justification = row["mapping_justification"]
        graph.add((axiom, SSSOM.mapping_justification, mappings.expand(justification)
                   if justification.startswith("semapv:") else Literal(justification)))
        graph.add((axiom, SSSOM.confidence, Literal(row["confidence"], datatype=XSD.decimal)))
        if row.get("author_label"):
            graph.add((axiom, SSSOM.author_label, Literal(row["author_label"])))
        graph.add((axiom, RDFS.comment, Literal(" ".join(row["comment"].split()), lang="en")))
    return graph
