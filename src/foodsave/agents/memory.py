"""Conversation memory in the database: conversations and messages reloaded on every request (a warm container
keeps no user state), a bounded context (last N messages plus a running summary) and retention by age."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.orm import Session

from foodsave.agents.base import Turn
from foodsave.db.models import Conversation, Message, new_id
from foodsave.errors import NotFound

CONTEXT_MESSAGES = 8  # the last 4 exchanges go to the agents verbatim
SUMMARY_CHARS = 1500
TITLE_CHARS = 80


def get_conversation(session: Session, user_id: str, conversation_id: str) -> Conversation:
    """The user's conversation; another user's id (or a missing one) is NotFound."""
    conversation = session.scalar(
        select(Conversation).where(Conversation.id == conversation_id, Conversation.user_id == user_id)
    )
    if conversation is None:
        raise NotFound(f"conversation {conversation_id} not found")
    return conversation


def open_conversation(
    session: Session, user_id: str, conversation_id: str | None, first_message: str, now: datetime
) -> Conversation:
    """The user's conversation, or a new one that is stored with its first exchange (`record_exchange`):
    nothing is written before the turn is answered, so a turn holds no write lock while its agent works."""
    if conversation_id:
        return get_conversation(session, user_id, conversation_id)
    title = " ".join(first_message.split())[:TITLE_CHARS]
    return Conversation(id=new_id(), user_id=user_id, title=title, summary="", created_at=now, updated_at=now)


def _is_new(conversation: Conversation) -> bool:
    return inspect(conversation).transient


def recent_turns(session: Session, conversation: Conversation, limit: int = CONTEXT_MESSAGES) -> list[Turn]:
    """The last `limit` messages, oldest first (only those are read, however long the conversation)."""
    if _is_new(conversation):
        return []
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    ).all()
    return [
        Turn(role=m.role, content=m.content, intent=m.intent, agent=m.agent, sources=m.sources)
        for m in reversed(rows)
    ]


def _summary_line(message: Message) -> str:
    text = " ".join(message.content.split())
    if message.role == "user":
        return f"U: {text[:120]}"
    return f"A[{message.intent or '-'}]: {text[:160]}"


def record_exchange(
    session: Session,
    conversation: Conversation,
    *,
    user_text: str,
    reply: str,
    intent: str,
    agent: str,
    sources: Sequence[dict[str, Any]],
    now: datetime,
    limit: int = CONTEXT_MESSAGES,
) -> None:
    """Store the user's message and the reply (strictly after the previous ones), then fold what left the
    context window into the running summary."""
    if _is_new(conversation):
        session.add(conversation)
        last = None
    else:
        last = session.scalar(
            select(func.max(Message.created_at)).where(Message.conversation_id == conversation.id)
        )
    at = now if last is None or now > last else last + timedelta(milliseconds=1)
    session.add(Message(conversation_id=conversation.id, role="user", content=user_text, created_at=at))
    session.add(
        Message(
            conversation_id=conversation.id,
            role="assistant",
            content=reply,
            intent=intent,
            agent=agent,
            sources=list(sources),
            created_at=at + timedelta(milliseconds=1),
        )
    )
    conversation.updated_at = max(now, at)
    session.flush()
    _update_summary(session, conversation, limit)


def _update_summary(session: Session, conversation: Conversation, limit: int) -> None:
    """The two messages that just dropped out of the window are appended to the summary (kept to its tail)."""
    dropped = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.created_at.desc(), Message.id.desc())
        .offset(limit)
        .limit(2)
    ).all()
    if not dropped:
        return
    lines = [_summary_line(m) for m in sorted(dropped, key=lambda m: m.created_at)]
    summary = "\n".join(filter(None, [conversation.summary, *lines]))
    conversation.summary = summary[-SUMMARY_CHARS:]


def list_conversations(
    session: Session,
    user_id: str,
    *,
    limit: int = 20,
    offset: int = 0,
    q: str | None = None,
    order: str = "desc",
) -> tuple[Sequence[Conversation], int]:
    """A page of the user's conversations by last activity; `q` matches titles ignoring case and accents."""
    from foodsave.db.search import contains_folded, sorted_by

    query = select(Conversation).where(Conversation.user_id == user_id)
    if q:
        query = query.where(contains_folded(Conversation.title, q))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordering = sorted_by(Conversation.updated_at, order, Conversation.id)
    rows = session.scalars(query.order_by(*ordering).limit(limit).offset(offset)).all()
    return rows, total


def conversation_messages(
    session: Session, conversation: Conversation, *, limit: int = 200
) -> Sequence[Message]:
    return session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.created_at, Message.id)
        .limit(limit)
    ).all()


def delete_conversation(session: Session, user_id: str, conversation_id: str) -> None:
    conversation = get_conversation(session, user_id, conversation_id)
    session.execute(delete(Message).where(Message.conversation_id == conversation.id))
    session.delete(conversation)
    session.flush()


def purge_expired_conversations(session: Session, now: datetime, days: int) -> int:
    """Delete every user's conversations untouched for more than `days` days (retention job); returns how many."""
    cutoff = now - timedelta(days=days)
    ids = session.scalars(select(Conversation.id).where(Conversation.updated_at < cutoff)).all()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(delete(Message).where(Message.conversation_id.in_(chunk)))
        session.execute(delete(Conversation).where(Conversation.id.in_(chunk)))
    session.flush()
    return len(ids)
