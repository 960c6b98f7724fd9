"""carekg.services.refs: the shared parts of answers. A NASSS or CFIR 2.0 concept's fields are Concept's,
in every answer that has them, and each published example names a real concept. The tables pages name
terms and innovations by, read by cheaper queries than the full lists, say what the full lists say."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import TypeAdapter
from rdflib.namespace import SKOS

from carekg import services
from carekg.services.refs import Concept, innovation_labels, innovation_rows, term_labels

CONCEPT_FIELDS = [field.name for field in dataclasses.fields(Concept)]
#: the answers that are concepts with more to say
CONCEPT_ANSWERS = [obj for obj in vars(services).values()
                   if dataclasses.is_dataclass(obj) and isinstance(obj, type) and obj is not Concept
                   and [field.name for field in dataclasses.fields(obj)][:4] == CONCEPT_FIELDS]


def test_answers_that_are_concepts_take_its_fields_rather_than_repeat_them():
    assert {cls.__name__ for cls in CONCEPT_ANSWERS} >= {"SubdomainProfile", "DomainProfile",
                                                        "CfirDomainProfile"}
    assert [cls.__name__ for cls in CONCEPT_ANSWERS if not issubclass(cls, Concept)] == []


@pytest.mark.parametrize("answer", [Concept, *CONCEPT_ANSWERS], ids=lambda cls: cls.__name__)
def test_each_published_example_is_a_concept_in_the_data(store, answer):
    schema = TypeAdapter(answer).json_schema()
    if "$ref" in schema:  # a recursive answer (ConceptNode) is published as a definition
        schema = schema["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    properties = schema["properties"]
    iri, code, label, slug = (properties[name]["examples"][0] for name in ("iri", "code", "label", "id"))
    assert iri.endswith(f"/{slug}")
    rows = store.select(f"SELECT ?code ?label WHERE {{ <{iri}> <{SKOS.notation}> ?code ; "
                        f"<{SKOS.prefLabel}> ?label }}")
    assert rows == [{"code": code, "label": label}], answer.__name__


@pytest.mark.parametrize("data", ["store", "synthetic_store"])
def test_term_labels_are_the_ontology_documents(request, data):
    store = request.getfixturevalue(data)
    assert term_labels(store) == {term.iri: term.label for term in services.ontology(store).terms}


@pytest.mark.parametrize("data", ["store", "synthetic_store"])
def test_innovation_labels_are_the_innovation_lists(request, data):
    store = request.getfixturevalue(data)
    labels = {iri: row["label"] for iri, row in innovation_labels(store).items()}
    assert labels == {iri: row["label"] for iri, row in innovation_rows(store).items()} != {}
