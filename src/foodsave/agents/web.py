"""Web search agent: an instant answer from the configured search API through the shared resilient HTTP client,
with its links as sources; when unreachable, a plain "unavailable" reply and `search` in degraded."""

from __future__ import annotations

import re
from typing import Any

from foodsave.agents.base import AgentContext, AgentReply
from foodsave.agents.http import ServiceUnavailable, shared_client
from foodsave.text import fold

SERVICE = "search"
COMMAND_WORDS = re.compile(
    r"\b(wyszukaj|poszukaj|szukaj|znajdz|sprawdz|wygoogluj|google|search|look up|look|find|check|online"
    r"|w internecie|w sieci|w necie|on the internet|the web|web|internet|for|mi|me|prosze|please|it|up)\b"
)


def search_query(message: str) -> str:
    text = COMMAND_WORDS.sub(" ", fold(message))
    text = re.sub(r"[^\w\s'-]", " ", text)
    return " ".join(text.split())[:300] or fold(message)[:300]


def handle(ctx: AgentContext) -> AgentReply:
    query = search_query(ctx.message)
    params = {"q": query, "format": "json", "no_html": 1, "skip_disambig": 1}
    try:
        payload = shared_client(ctx.settings.http_timeout_seconds).get_json(
            SERVICE, ctx.settings.web_search_url, params
        )
    except ServiceUnavailable:
        return AgentReply(
            ctx.say(
                "Wyszukiwanie w internecie jest teraz niedostępne, więc nie odpowiem na to z sieci. Spróbuj później.",
                "Web search is unavailable right now, so I cannot answer that from the web. Please try again later.",
            ),
            degraded=[SERVICE],
        )
    results = _results(payload if isinstance(payload, dict) else {})
    if not results:
        return AgentReply(
            ctx.say(
                "Nie znalazłem odpowiedzi w sieci na: „{q}”.",
                "I found no answer on the web for “{q}”.",
                q=query,
            ),
            facts=["web results: 0"],
        )
    lines = [f"[{n}] {r['text']}" for n, r in enumerate(results, start=1)]
    text = ctx.say("Z internetu:", "From the web:") + "\n" + "\n".join(lines)
    sources = [
        {"type": "web", "n": n, "title": r["title"], "url": r["url"]} for n, r in enumerate(results, start=1)
    ]
    return AgentReply(text, facts=lines, sources=sources)


def _results(payload: dict[str, Any]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    if payload.get("AbstractText"):
        out.append(
            {
                "text": str(payload["AbstractText"])[:500],
                "title": str(payload.get("Heading") or payload.get("AbstractSource") or ""),
                "url": str(payload.get("AbstractURL") or ""),
            }
        )
    for topic in payload.get("RelatedTopics") or []:
        if len(out) >= 3:
            break
        if isinstance(topic, dict) and topic.get("Text") and topic.get("FirstURL"):
            out.append(
                {
                    "text": str(topic["Text"])[:300],
                    "title": str(topic["Text"])[:80],
                    "url": str(topic["FirstURL"]),
                }
            )
    return out
