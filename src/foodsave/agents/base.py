"""What every agent receives (the request's context) and returns (a grounded draft reply with its sources)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from foodsave.agents.text import Lang

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from foodsave.agents.router import Route
    from foodsave.config import Settings
    from foodsave.db.models import User
    from foodsave.services import Services
    from foodsave.vectors.search import SearchService


@dataclass(frozen=True)
class Turn:
    role: str  # user | assistant
    content: str
    intent: str | None = None
    agent: str | None = None
    sources: list[Any] | None = None


@dataclass
class AgentContext:
    session: Session
    user: User
    message: str
    lang: Lang
    today: date
    now: datetime
    settings: Settings
    route: Route
    history: list[Turn] = field(default_factory=list)
    summary: str = ""
    services: Services | None = None

    def say(self, pl: str, en: str, **values: Any) -> str:
        """The template in the user's language, filled with tool values."""
        return (pl if self.lang == "pl" else en).format(**values)

    def search(self) -> SearchService:
        """The container's SearchService (the same one the search routes use)."""
        if self.services is None:
            raise RuntimeError("no object store to read indexes from")
        return self.services.search

    def last_user_message(self, intent: str) -> str | None:
        """The latest earlier user message answered by `intent` (follow-ups reuse its parameters)."""
        for i in range(len(self.history) - 1, 0, -1):
            turn = self.history[i]
            if turn.role == "assistant" and turn.intent == intent and self.history[i - 1].role == "user":
                return self.history[i - 1].content
        return None


@dataclass
class AgentReply:
    """A reply composed from tool results: `text` is the template answer, `facts` the tool values it rests on
    (what an LLM may rephrase, and all it may say)."""

    text: str
    facts: list[str] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    degraded: list[str] = field(default_factory=list)
