"""Documents agent: answers from the user's own uploaded documents and those shared with their household
(semantic search over both indexes) with numbered citations; when the index is missing or down it says so and lists `documents_index` as degraded."""

from __future__ import annotations

import re

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.text import fold

SERVICE = "documents_index"
TOP_K = 3
LIST_DOCUMENTS = re.compile(
    r"\b(jakie|ktore|lista|list|which|what) (dokument\w*|plik\w*|documents?|files?)\b"
)


def handle(ctx: AgentContext) -> AgentReply:
    from sqlalchemy import select

    if "knowledge" in ctx.route.flags:
        from foodsave.agents import knowledge

        return knowledge.handle(ctx)

    from foodsave.db.models import Document
    from foodsave.documents import owned_by, still_readable
    from foodsave.households.membership import household_of

    household = household_of(ctx.session, ctx.user.id)
    documents = ctx.session.scalars(
        select(Document)
        .where(owned_by(ctx.user.id) | owned_by(household))
        .order_by(Document.created_at.desc())
        .limit(100)
    ).all()
    if not documents:
        return AgentReply(
            ctx.say(
                "Nie masz jeszcze wgranych dokumentów. Dodaj PDF lub notatkę w aplikacji, a będę odpowiadać na ich "
                "podstawie.",
                "You have not uploaded any documents yet. Add a PDF or a note in the app and I will answer from them.",
            ),
            facts=["documents: 0"],
        )
    if LIST_DOCUMENTS.search(fold(ctx.message)):
        lines = [f"- {d.title} ({d.status})" for d in documents[:20]]
        return AgentReply(
            ctx.say("Twoje dokumenty ({n}):", "Your documents ({n}):", n=len(documents))
            + "\n"
            + "\n".join(lines),
            facts=lines,
            sources=[{"type": "document", "id": d.id, "title": d.title} for d in documents[:20]],
        )
    try:
        service = ctx.search()
        if not service.documents_published(ctx.user.id, household):
            return _unavailable(ctx, missing=True)
        # A document deleted while the index-builder lags is not shown (more hits are fetched in its place).
        hits = service.search(
            ctx.message[:2000],
            k=TOP_K,
            scope="documents",
            user_id=ctx.user.id,
            household_id=household,
            keep=lambda found: still_readable(ctx.session, found, ctx.user.id, household),
        )
    except Exception:  # noqa: BLE001 - any index failure is an honest "unavailable", never a 500
        from foodsave.observability import logger

        logger.exception("documents search failed")
        return _unavailable(ctx, missing=False)
    # Below the embedder's relevance floor the nearest chunk is not an answer (e5 cosines are never near 0).
    hits = [h for h in hits if h.relevance >= service.relevance_floor]
    if not hits:
        return AgentReply(
            ctx.say(
                "W Twoich dokumentach nie znalazłem nic na ten temat.",
                "I found nothing about that in your documents.",
            ),
            facts=["document hits: 0"],
        )
    lines = [f"[{n}] {h.title}: {h.snippet}" for n, h in enumerate(hits, start=1)]
    text = ctx.say("Z Twoich dokumentów:", "From your documents:") + "\n" + "\n".join(lines)
    sources = [
        {
            "type": "document",
            "n": n,
            "id": h.document_id,
            "title": h.title,
            "chunk": h.chunk,
            "score": round(h.score, 4),
        }
        for n, h in enumerate(hits, start=1)
    ]
    return AgentReply(text, facts=lines, sources=sources, degraded=list(service.degraded))


def _unavailable(ctx: AgentContext, *, missing: bool) -> AgentReply:
    if missing:
        text = ctx.say(
            "Indeks Twoich dokumentów jeszcze nie istnieje (dokumenty mogą być w trakcie indeksowania), więc nie "
            "mogę w nich teraz szukać.",
            "The index of your documents does not exist yet (they may still be indexing), so I cannot search them "
            "right now.",
        )
    else:
        text = ctx.say(
            "Wyszukiwanie w Twoich dokumentach jest teraz niedostępne. Spróbuj później.",
            "Searching your documents is unavailable right now. Please try again later.",
        )
    return AgentReply(text, degraded=[SERVICE])
