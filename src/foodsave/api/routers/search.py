"""Search routes: `GET /v1/search` over recipes, food knowledge or the signed-in user's own documents."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query
from pydantic import BaseModel, Field

from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.api.route_table import RouteTable
from foodsave.households.membership import household_of
from foodsave.observability import record_metric, span
from foodsave.vectors.search import MAX_K, MAX_QUERY_CHARS, SearchHit

router = RouteTable(prefix="/v1", tags=["search"])
Scope = Literal["recipes", "knowledge", "documents"]


class SearchHitOut(BaseModel):
    score: float
    snippet: str
    source: str
    title: str
    document_id: str
    chunk: int


class SearchOut(BaseModel):
    query: str
    scope: Scope
    index_version: int | None
    hits: list[SearchHitOut]
    degraded: list[str] = Field(
        default_factory=list,
        description="`search_model` when the multilingual model could not load and hashed n-grams stand in",
    )


@router.get(
    "/search",
    response_model=SearchOut,
    summary="Semantic search (Polish or English) over recipes, food knowledge or your documents",
    description="Hits are chunks of the scope's published index, best first. `scope=documents` searches "
    "the caller's own documents and those shared with their household (added with `POST /v1/documents` and `ready`); `recipes` and "
    "`knowledge` are shared corpora. `index_version` says which published version answered.",
    responses={
        422: {"description": "Empty or too long query, k outside 1..50, unknown scope"},
        503: {"description": "The index is not published or cannot be loaded"},
    },  # fmt: skip
)
def search(
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_QUERY_CHARS,
            description="what to look for, in Polish or English",
            examples=["jak przechowywać chleb"],
        ),
    ],
    k: Annotated[int, Query(ge=1, le=MAX_K, description="how many hits at most")] = 10,
    scope: Annotated[Scope, Query(description="which index to search")] = "recipes",
) -> dict[str, Any]:
    service = services.search
    with span("search", scope=scope, k=k):
        household = household_of(session, user.id) if scope == "documents" else None
        keep = None
        if scope == "documents":  # the documents' model loads with the first search of documents
            from foodsave.documents import still_readable

            def keep(hits: list[SearchHit]) -> list[SearchHit]:
                return still_readable(session, hits, user.id, household)

        hits = service.search(q, k, scope, user.id, household, keep=keep)
    record_metric("SearchQueries", 1, scope=scope)
    reader = service.reader(scope, user.id)
    return {
        "query": q.strip(),
        "scope": scope,
        "index_version": reader.version if reader else None,
        "hits": [h.to_dict() for h in hits],
        "degraded": service.degraded,
    }
