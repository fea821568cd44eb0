"""One language-model interface with two implementations: the offline default (the template reply composed from
tool results) and Amazon Bedrock (adapters.aws.bedrock_llm). The model only rephrases: a guard rejects any reply
that mentions a number or price the tools did not return, and a failing model falls back to the template."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Protocol

from foodsave.observability import logger

if TYPE_CHECKING:
    from foodsave.agents.base import AgentReply, Turn


class LLMUnavailable(Exception):
    """The model did not answer in time or answered with an error."""


class ChatLLM(Protocol):
    name: str

    def rephrase(self, *, lang: str, message: str, draft: AgentReply, history: list[Turn]) -> str: ...


class OfflineLLM:
    """No model: the reply is the agent's template, in the user's language, built only from tool results."""

    name = "offline"

    def rephrase(self, *, lang: str, message: str, draft: AgentReply, history: list[Turn]) -> str:
        return draft.text


_NUMBER = re.compile(r"(?<![\w.])\d+(?:[ \u00a0]\d{3})*(?:[.,]\d+)?")


def numbers_in(text: str) -> set[Decimal]:
    """Every number a text states, normalised (`12,50` == `12.5`, `1 200` == `1200`)."""
    found: set[Decimal] = set()
    for raw in _NUMBER.findall(text):
        cleaned = raw.replace(" ", "").replace("\u00a0", "").replace(",", ".")
        try:
            found.add(Decimal(cleaned).normalize())
        except InvalidOperation:
            continue
    return found


def grounded(reply: str, draft: AgentReply, message: str) -> bool:
    """True when every number in `reply` appears in the tool results, the template reply or the user's message."""
    allowed = numbers_in(draft.text) | numbers_in(message)
    for fact in draft.facts:
        allowed |= numbers_in(fact)
    return numbers_in(reply) <= allowed


@dataclass(frozen=True)
class Composed:
    text: str
    degraded: tuple[str, ...] = ()
    used_llm: bool = False


def compose(llm: ChatLLM, *, lang: str, message: str, draft: AgentReply, history: list[Turn]) -> Composed:
    """The final reply: the model's rephrasing when it is grounded, otherwise the template reply."""
    if isinstance(llm, OfflineLLM):
        return Composed(draft.text)
    try:
        text = llm.rephrase(lang=lang, message=message, draft=draft, history=history).strip()
    except LLMUnavailable as exc:
        logger.warning("llm unavailable, template reply used", extra={"llm": llm.name, "error": str(exc)})
        return Composed(draft.text, ("llm",))
    if not text or not grounded(text, draft, message):
        logger.warning("llm reply not grounded in tool results, template reply used", extra={"llm": llm.name})
        return Composed(draft.text)
    return Composed(text, used_llm=True)
