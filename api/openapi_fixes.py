"""Make the generated OpenAPI document say what the service really answers (checked by schemathesis,
tests/security/test_schemathesis.py):

* a 422 is either FastAPI's parameter-validation report (``detail`` a list) or a service refusal
  (``services.InvalidArgument``: ``detail`` a message);
* a redirect (303 and friends) has no body, so it declares no content;
* an operation with a path parameter may answer 404 (``services.NotFound`` is handled app-wide), and
  one with a request body 413 (the body cap, api/security.py), each with a message.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

_MESSAGE = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}


def install(app: FastAPI) -> None:
    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description,
                             routes=app.routes, license_info=app.license_info)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                answers = operation.get("responses", {})
                invalid = answers.get("422", {}).get("content", {}).get("application/json")
                if invalid and invalid.get("schema", {}).get("$ref", "").endswith("/HTTPValidationError"):
                    invalid["schema"] = {"anyOf": [invalid["schema"], _MESSAGE]}
                if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                    answers.setdefault("404", {"description": "no such resource",
                                               "content": {"application/json": {"schema": _MESSAGE}}})
                if "requestBody" in operation:
                    answers.setdefault("413", {"description": "the request body is larger than the cap",
                                               "content": {"application/json": {"schema": _MESSAGE}}})
                for status in ("301", "302", "303", "307", "308"):
                    if status in answers:
                        answers[status].pop("content", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi
