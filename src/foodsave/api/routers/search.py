"""Search routes: `GET /v1/search` over recipes, food knowledge or the signed-in user's own documents."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from foodsave.api.deps import CurrentUser, ServicesDep
from foodsave.observability import record_metric, span

router = APIRouter(prefix="/v1", tags=["search"])


class SearchHitOut(BaseModel):
    score: float
    snippet: str
    source: str
    title: str
    document_id: str
    chunk: int


class SearchOut(BaseModel):
    query: str
    scope: Literal["recipes", "knowledge", "documents"]
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
    responses={
        422: {"description": "Empty or too long query, k outside 1..50, unknown scope"},
        503: {"description": "The index is not published or cannot be loaded"},
    },  # fmt: skip
)
def search(
    user: CurrentUser, services: ServicesDep, q: str = "", k: int = 10, scope: str = "recipes"
) -> dict[str, Any]:
    service = services.search
    with span("search", scope=scope, k=k):
        hits = service.search(q, k, scope, user.id)
    record_metric("SearchQueries", 1, scope=scope)
    reader = service.reader(scope, user.id) if scope in ("recipes", "knowledge", "documents") else None
    return {
        "query": q.strip(),
        "scope": scope,
        "index_version": reader.version if reader else None,
        "hits": [h.to_dict() for h in hits],
        "degraded": service.degraded,
    }
