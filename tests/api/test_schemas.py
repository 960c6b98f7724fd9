"""The published answer schemas (api/schemas.py) are carekg.services' dataclasses (#13)."""

from __future__ import annotations


def test_answer_types_have_one_definition(client):
    """The JSON answers are carekg.services' dataclasses themselves: api.schemas defines none of them
    again, and the published schema of each has exactly the dataclass's fields (#13)."""
    import dataclasses

    from api import schemas
    from carekg import services

    answer_types = {name: obj for name, obj in vars(services).items() if dataclasses.is_dataclass(obj)}
    assert len(answer_types) >= 30
    assert not set(answer_types) & {name for name, obj in vars(schemas).items() if isinstance(obj, type)}
    components = client.get("/openapi.json").json()["components"]["schemas"]
    published = [name for name in answer_types if name in components]
    assert len(published) >= 30
    for name in published:
        fields = [field.name for field in dataclasses.fields(answer_types[name])]
        assert list(components[name]["properties"]) == fields, name
        assert set(components[name]["required"]) == set(fields), name
