"""The briefing's JSON as linked data: the JSON-LD context of GET /innovations/{id}/briefing.

Each member that states something about the graph's resources maps to a term the ontology defines
(ckg:citation, ckg:independentStudyCount ...) or to a term of a published vocabulary: the briefing is a
report (schema.org) about its innovation, whose parts are about factors, sub-domains and sources and
mention consensus results, rules and strategies; it was created on a date (Dublin Core). Every other
member (counts, codes, sentences written for a reader) is the page's, not the graph's: it maps to null,
so a JSON-LD processor leaves it out rather than minting an undefined carekg term for it
(tests/services/test_briefing_context.py checks every IRI the context yields is defined).
"""

from __future__ import annotations

from functools import cache

from pydantic import TypeAdapter

from carekg.ids import PREFIXES, SCHEMA_ORG
from carekg.services.briefing import Briefing

SCHEMA = SCHEMA_ORG

#: What a member of the briefing means where it stands, as a term of a defined vocabulary.
_LINKED: dict[str, object] = {
    "iri": "@id",
    "label": "rdfs:label",
    "description": "dcterms:description",
    "produced_on": {"@id": "dcterms:created", "@type": "xsd:date"},
    "innovation": "schema:about",
    # The sections of the report: one per factor shown, one per source. In a section, "sources" is a
    # count and a strategy's "source" is the text of its basis: neither is a resource.
    "enablers": {"@id": "schema:hasPart", "@context": {"sources": None}},
    "barriers": {"@id": "schema:hasPart", "@context": {"sources": None}},
    "sources": "schema:hasPart",
    "factor": "schema:about",
    "subdomain": "schema:about",
    "source": "schema:about",
    "consensus": "schema:mentions",
    "strategies": {"@id": "schema:mentions", "@context": {"source": None}},
    "consensus_rule": "schema:mentions",
    "confidence_rule": "schema:mentions",
    "independent_study_count": "ckg:independentStudyCount",
    "contrary_study_count": "ckg:contraryStudyCount",
    "version": "ckg:ruleVersion",
    "code": "skos:notation",
    "notation": "skos:notation",
    "citation": "ckg:citation",
    "year": "ckg:publicationYear",
    "url": {"@id": "ckg:url", "@type": "xsd:anyURI"},
    "developer_authored": "ckg:developerAuthored",
}


@cache
def briefing_jsonld_context() -> dict[str, object]:
    """The ``@context`` of a briefing: the prefixes, the members above, every other member null."""
    names = _member_names(TypeAdapter(Briefing).json_schema(mode="serialization"))
    return {"@version": 1.1, **PREFIXES, "schema": SCHEMA,
            **{name: None for name in sorted(names - _LINKED.keys())}, **_LINKED}


def _member_names(schema: dict) -> set[str]:
    names: set[str] = set()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        names |= set(definition.get("properties", {}))
    return names
