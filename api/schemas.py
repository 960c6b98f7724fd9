"""The REST API's own response models: a Page of a list, Health, Problem, and the SHACL report a refused
write answers with. The answers themselves are carekg.services' dataclasses (and a write's, carekg.writes'
WriteResult: one definition, documented there), which FastAPI reads as response models as they are."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from carekg.ids import FINDING
from carekg.namespaces import CKG


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Health(Schema):
    status: str = Field(examples=["ok"])
    dataset_version: str | None = Field(examples=["5a80447b9159d671"])


class Problem(Schema):
    """An error: what went wrong, in words."""

    detail: str = Field(examples=["no innovation with id 'x'"])


Item = TypeVar("Item")


class Page(Schema, Generic[Item]):
    """One page of a list: ``count`` is the total number of items, whatever the page."""

    data: list[Item]
    count: int = Field(examples=[13])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])


class ValidationResult(Schema):
    """One SHACL result of a refused write (carekg.shacl's ``to_dict``): where and why it fails."""

    focus_node: str | None = Field(None, examples=[str(FINDING["sub-fdac-99"])])
    path: str | None = Field(None, examples=[str(CKG.direction)])
    message: str = Field("does not conform", examples=[
        "A finding needs exactly one direction: ckg:Enabler, ckg:Barrier or ckg:Mixed."])
    value: str | None = None
    severity: str | None = Field(None, examples=["Violation"])
    shape: str | None = None


class ValidationReport(Schema):
    """A write refused by SHACL (or OWL consistency): nothing was changed."""

    detail: str = Field(examples=["the change does not conform: 1 problem(s)"])
    results: list[ValidationResult]
