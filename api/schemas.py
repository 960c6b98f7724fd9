"""The REST API's own response models: a Page of a list, Health and Problem. The answers themselves are
carekg.services' dataclasses (one definition, documented there with examples), which FastAPI reads as
response models as they are."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field


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
