"""Chat routes: `POST /v1/chat` (one turn with the multi-agent assistant) and the user's conversations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Query, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator

from foodsave.api.chat_models import ChatAction, ChatSource
from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.api.query import ORDER_QUERY, Q_QUERY, Order
from foodsave.api.route_table import RouteTable

router = RouteTable(prefix="/v1", tags=["chat"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such conversation for this user"}}
MAX_MESSAGE_CHARS = 4000


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, description="The user's message")
    conversation_id: str | None = Field(default=None, max_length=64, description="Continue this conversation")

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.replace("\x00", "").strip():
            raise ValueError("message must not be blank")
        return value


class ChatOut(BaseModel):
    conversation_id: str
    reply: str
    intent: str
    agent: str
    lang: str
    sources: list[ChatSource] = Field(description="What the reply is based on, discriminated by `type`")
    actions: list[ChatAction] = Field(
        description="What the assistant changed (pantry, shopping list) or proposes (`suggest`), by `type`"
    )
    degraded: list[str] = Field(description="Services that could not answer (e.g. weather, search, llm)")


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    role: str
    content: str
    intent: str | None
    agent: str | None
    sources: list[Any] | None
    created_at: datetime


class ConversationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    title: str
    summary: str
    created_at: datetime
    updated_at: datetime


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]


class ConversationPage(BaseModel):
    items: list[ConversationOut]
    total: int
    limit: int
    offset: int


@router.post(
    "/chat",
    response_model=ChatOut,
    summary="Send a message to the assistant",
    description="One turn with the multi-agent assistant (pantry, shopping list, recipes, meal plans, receipts, "
    "documents, weather, web). Pass the returned `conversation_id` to continue a conversation. Actions "
    "already happened when the answer arrives (e.g. `pantry.consume`); `suggest` is a one-tap reply to offer. "
    "`degraded` lists services that could not answer; the reply still comes.",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "examples": {
                        "eat": {"summary": "Eat something", "value": {"message": "zjadłem jogurt"}},
                        "cook": {
                            "summary": "Ask for a recipe",
                            "value": {"message": "co ugotować z tego co mam?"},
                        },
                    }
                }
            }
        }
    },
)
def chat(body: ChatIn, user: CurrentUser, session: SessionDep, services: ServicesDep) -> ChatOut:
    from foodsave.agents.orchestrator import handle_message

    result = handle_message(services, session, user, body.message, body.conversation_id)
    return ChatOut(**result.to_dict())


@router.get(
    "/conversations", response_model=ConversationPage, summary="The user's conversations, newest first"
)
def list_conversations(
    user: CurrentUser,
    session: SessionDep,
    q: Annotated[str | None, Q_QUERY] = None,
    order: Annotated[Order, ORDER_QUERY] = "desc",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ConversationPage:
    from foodsave.agents.memory import list_conversations as listing

    rows, total = listing(session, user.id, limit=limit, offset=offset, q=q, order=order)
    return ConversationPage(
        items=[ConversationOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.get(
    "/conversations/{conversation_id}",
    response_model=ConversationDetailOut,
    responses=NOT_FOUND,
    summary="One conversation with its messages, oldest first",
)
def get_conversation(conversation_id: str, user: CurrentUser, session: SessionDep) -> ConversationDetailOut:
    from foodsave.agents.memory import conversation_messages, get_conversation

    conversation = get_conversation(session, user.id, conversation_id)
    messages = conversation_messages(session, conversation)
    return ConversationDetailOut(
        **ConversationOut.model_validate(conversation).model_dump(),
        messages=[MessageOut.model_validate(m) for m in messages],
    )


@router.delete(
    "/conversations/{conversation_id}",
    status_code=204,
    responses=NOT_FOUND,
    summary="Delete a conversation and its messages",
)
def delete_conversation(conversation_id: str, user: CurrentUser, session: SessionDep) -> Response:
    from foodsave.agents.memory import delete_conversation as remove

    remove(session, user.id, conversation_id)
    return Response(status_code=204)
