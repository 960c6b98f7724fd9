"""carekg.services.refs: the shared parts of answers. A NASSS or CFIR 2.0 concept's fields are Concept's,
in every answer that has them, and each published example names a real concept."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import TypeAdapter
from rdflib.namespace import SKOS

from carekg import services
from carekg.services.refs import Concept

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
