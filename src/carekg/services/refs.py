"""What every resource page shares: references to resources (Ref, Concept, SourceRef), evidence
Counts, and the whole-table lookups (labels, concepts, factors, innovations, organisations, sources)
they are built from, each computed once per dataset version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, overload

from pydantic import ConfigDict, Field

from carekg.ids import DOI_RESOLVER, GRAPH_ONTOLOGY, KINDS, is_slug, mint, slug_of, split
from carekg.services.answer_cache import cached
from carekg.services.errors import NotFound
from carekg.services.rows import as_bool, as_int, select
from carekg.services.vocabulary import MATCHES, code, code_or_none
from carekg.store.base import GraphStore, Row

if TYPE_CHECKING:  # evidence.py builds on these references
    from carekg.services.evidence import Evidence


def iri_of(kind: str, slug: str) -> str:
    """An instance IRI as text: for the examples in the answer types' documentation."""
    return str(mint(kind, slug))


@dataclass(frozen=True)
class Ref:
    """A resource named by its id (the slug of its IRI), IRI and label."""

    id: Annotated[str, Field(examples=["signs-of-safety"])]
    iri: Annotated[str, Field(examples=[iri_of("innovation", "signs-of-safety")])]
    label: Annotated[str, Field(examples=["Signs of Safety"])]


@dataclass(frozen=True)
class Concept:
    """A NASSS or CFIR 2.0 concept: ``code`` is its notation, e.g. ``5B`` or ``III.A.3``."""

    id: Annotated[str, Field(examples=["5b"])]
    iri: Annotated[str, Field(examples=[iri_of("nasss", "5b")])]
    code: Annotated[str, Field(examples=["5B"])]
    label: Annotated[str, Field(examples=["Readiness for this technology/change"])]


def concept_examples(kind: str, slug: str, code: str, label: str) -> ConfigDict:
    """The published examples of a Concept subclass whose concepts are not sub-domains (Concept's)."""
    examples = {"id": slug, "iri": iri_of(kind, slug), "code": code, "label": label}

    def set_examples(schema: dict) -> None:
        for name, value in examples.items():
            schema["properties"][name]["examples"] = [value]

    return ConfigDict(json_schema_extra=set_examples)


@dataclass(frozen=True)
class Counts:
    """How much evidence: findings, the distinct sources they come from, and findings per direction."""

    # Always present in an answer, so required in the response schema despite the defaults.
    __pydantic_config__ = ConfigDict(json_schema_serialization_defaults_required=True)

    findings: Annotated[int, Field(examples=[10])] = 0
    sources: Annotated[int, Field(examples=[8])] = 0
    enabler: Annotated[int, Field(examples=[7])] = 0
    barrier: Annotated[int, Field(examples=[2])] = 0
    mixed: Annotated[int, Field(examples=[1])] = 0

    @classmethod
    def of(cls, evidence: Iterable[Evidence]) -> Counts:
        evidence = list(evidence)
        directions = [e.direction for e in evidence]
        return cls(len(evidence), len({e.source.iri for e in evidence}), directions.count("enabler"),
                   directions.count("barrier"), directions.count("mixed"))

    @property
    def effect(self) -> str | None:
        """``supports`` (only enabler findings), ``hinders`` (only barrier) or ``both``."""
        if not self.findings:
            return None
        if self.enabler == self.findings:
            return "supports"
        if self.barrier == self.findings:
            return "hinders"
        return "both"


@dataclass(frozen=True)
class SourceRef:
    """A source as cited by a finding: ``kind`` is ``study`` or ``source`` (a non-study document)."""

    id: Annotated[str, Field(examples=["ott-2020-mockingbird-programme-evaluation"])]
    iri: Annotated[str, Field(examples=[iri_of("study", "ott-2020-mockingbird-programme-evaluation")])]
    kind: Annotated[str, Field(examples=["study"])]
    citation: Annotated[str, Field(examples=["Mockingbird programme evaluation: Rees Centre, Oxford (2020)"])]
    year: Annotated[int | None, Field(examples=[2020])]
    design: Annotated[str | None, Field(examples=["mixed-methods-evaluation"])]
    design_label: Annotated[str | None, Field(examples=["mixed-methods evaluation"])]
    developer_authored: Annotated[bool | None, Field(examples=[False])]
    url: Annotated[str | None, Field(examples=[f"{DOI_RESOLVER}10.1000/example"])]


def resource_iri(kind: str, id: str) -> str:
    """The IRI of the ``kind`` resource with id ``id``; NotFound for an id outside the ID policy."""
    if kind not in KINDS or not is_slug(id):
        raise NotFound(kind, id)
    return str(mint(kind, id))


@cached
def term_labels(store: GraphStore) -> dict[str, str]:
    """Term IRI -> label, for the vocabulary's terms (api_term_labels.rq: a third of the cost of the
    ontology document's api_vocabulary_terms.rq, read cold by almost every page)."""
    rows = select(store, "api_term_labels", ontology=GRAPH_ONTOLOGY)
    return {row["term"]: row["label"] for row in rows}


@overload
def label_of(labels: dict[str, str], iri: str) -> str: ...
@overload
def label_of(labels: dict[str, str], iri: str | None) -> str | None: ...
def label_of(labels: dict[str, str], iri: str | None) -> str | None:
    return None if iri is None else labels.get(iri, code(iri))


@cached
def concept_rows(store: GraphStore) -> dict[str, Row]:
    return {row["concept"]: row for row in select(store, "api_framework_concepts")}


def concept_of(concepts: dict[str, Row], iri: str | None) -> Concept | None:
    row = concepts.get(iri or "")
    if row is None:
        return None
    return Concept(slug_of(row["concept"]), row["concept"], row.get("notation", ""), row["label"])


@cached
def factor_rows(store: GraphStore) -> dict[str, Row]:
    return {row["factor"]: row for row in select(store, "api_factors")}


@cached
def factor_mappings(store: GraphStore) -> dict[str, list[tuple[str, str]]]:
    """Factor IRI -> [(match, concept IRI)], match being broader, close or related."""
    mappings: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in select(store, "api_factor_mappings"):
        mappings[row["factor"]].append((MATCHES[row["match"]], row["concept"]))
    return dict(mappings)


def placement_of(store: GraphStore, factor_iri: str) -> tuple[Concept | None, Concept | None]:
    """A factor's NASSS sub-domain and domain."""
    concepts = concept_rows(store)
    subdomain = next((c for m, c in factor_mappings(store).get(factor_iri, []) if m == "broader"), None)
    domain = concepts.get(subdomain or "", {}).get("broader")
    return concept_of(concepts, subdomain), concept_of(concepts, domain)


def ref_in(rows: dict[str, Row], iri: str) -> Ref:
    """The Ref of ``iri``, labelled from its row in ``rows`` (by its id when it has none)."""
    row = rows.get(iri) or {}
    return Ref(slug_of(iri), iri, row.get("label") or slug_of(iri))


def factor_ref(store: GraphStore, iri: str) -> Ref:
    return ref_in(factor_rows(store), iri)


@cached
def innovation_rows(store: GraphStore) -> dict[str, Row]:
    return {row["innovation"]: row for row in select(store, "api_innovations")}


@cached
def innovation_labels(store: GraphStore) -> dict[str, Row]:
    """Innovation IRI -> its row of api_innovation_labels.rq: what a Ref shows, a cheaper table to read
    cold than :func:`innovation_rows`."""
    return {row["innovation"]: row for row in select(store, "api_innovation_labels")}


@cached
def organisation_labels(store: GraphStore) -> dict[str, Row]:
    """Organisation IRI -> its row of api_organisation_labels.rq."""
    return {row["organisation"]: row for row in select(store, "api_organisation_labels")}


def by_label(rows: Mapping[str, Row]) -> list[str]:
    """The IRIs of ``rows`` (IRI -> a row with its label) by label, case folded as SPARQL's
    ``ORDER BY LCASE(STR(?label))`` sorts them, then by IRI."""
    return sorted(rows, key=lambda iri: (rows[iri]["label"].lower(), iri))


def innovation_ref(store: GraphStore, iri: str) -> Ref:
    return ref_in(innovation_labels(store), iri)


@cached
def source_rows(store: GraphStore) -> dict[str, Row]:
    return {row["source"]: row for row in select(store, "api_sources")}


@cached
def source_refs(store: GraphStore) -> dict[str, SourceRef]:
    labels = term_labels(store)
    return {iri: source_ref_of(labels, iri, row) for iri, row in source_rows(store).items()}


def source_ref_of(labels: dict[str, str], iri: str, row: Row) -> SourceRef:
    kind, slug = split(iri) or ("source", iri)
    urls = (row.get("urls") or "").split()
    url = f"{DOI_RESOLVER}{row['doi']}" if row.get("doi") else next(iter(urls), None)
    return SourceRef(slug, iri, kind, row.get("citation") or slug, as_int(row.get("year")),
                     code_or_none(row.get("design")), label_of(labels, row.get("design")),
                     as_bool(row.get("developerAuthored")), url)


def cited_source_refs(store: GraphStore, iris: tuple[str, ...]) -> dict[str, SourceRef]:
    """The sources ``iris`` as findings cite them, by one query bound to them (api_source_refs.rq); a
    source the store does not type as a source is left out (callers fall back to bare_source_ref)."""
    if not iris:
        return {}
    labels = term_labels(store)
    return {row["source"]: source_ref_of(labels, row["source"], row)
            for row in select(store, "api_source_refs", source=iris)}


def bare_source_ref(iri: str) -> SourceRef:
    """A source the store says nothing more about than its IRI."""
    kind, slug = split(iri) or ("source", iri)
    return SourceRef(slug, iri, kind, slug, None, None, None, None, None)


def source_ref(store: GraphStore, iri: str) -> SourceRef:
    return source_refs(store).get(iri) or bare_source_ref(iri)


def one_source_ref(store: GraphStore, iri: str) -> SourceRef:
    """As source_ref, by one query bound to the source."""
    rows = select(store, "api_sources", source=iri)
    return source_ref_of(term_labels(store), iri, rows[0]) if rows else bare_source_ref(iri)
