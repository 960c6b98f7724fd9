"""Dependencies shared by the routes: the store, the settings, the query runner, pagination.

They are ``async def`` although they never wait: FastAPI runs a plain ``def`` dependency in its thread
pool, a thread hand-over per dependency per request (three on /sparql: ~1 ms of CPU under load, issue 14),
while an ``async def`` one is called inline on the event loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from api.config import Settings
from api.query_runner import QueryRunner
from carekg.store import GraphStore

MAX_LIMIT = 500
#: The most items a page may skip: the engines read OFFSET as a 64-bit count, and a larger one is a
#: query they refuse (a 503), not an empty page.
MAX_OFFSET = 1_000_000_000


async def get_store(request: Request) -> GraphStore:
    return request.app.state.store


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_query_runner(request: Request) -> QueryRunner:
    return request.app.state.query_runner


@dataclass(frozen=True)
class Pagination:
    limit: int
    offset: int

    def page(self, items: list) -> dict:
        """``{"data", "count", "limit", "offset"}`` for this page of ``items``."""
        return self.paged(items[self.offset:self.offset + self.limit], len(items))

    def paged(self, data: list, count: int) -> dict:
        """The same for a page the store already cut (``data``) of ``count`` items in all."""
        return {"data": data, "count": count, "limit": self.limit, "offset": self.offset}


async def get_pagination(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"items per page, at most {MAX_LIMIT}")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip")] = 0,
) -> Pagination:
    return Pagination(limit, offset)


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
QueryRunnerDep = Annotated[QueryRunner, Depends(get_query_runner)]
PaginationDep = Annotated[Pagination, Depends(get_pagination)]
