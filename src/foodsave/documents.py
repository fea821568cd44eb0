"""A user's documents (txt/md/pdf), personal or shared with their household: where each one's file lives,
whose index holds it, and the index-builder jobs that keep that index in step when a document is added,
changes hands or is deleted. The HTTP routes of documents and of households both go through here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from foodsave.db.models import Document
from foodsave.errors import NotFound
from foodsave.events import DOCUMENT_ADDED_EVENT, DOCUMENT_DELETED_EVENT, Event
from foodsave.observability import TRACE_HEADER, inject_trace

if TYPE_CHECKING:
    from foodsave.services import Services


class _Hit(Protocol):
    @property
    def document_id(self) -> str: ...


HitT = TypeVar("HitT", bound=_Hit)


def owned_by(owner: str) -> ColumnElement[bool]:
    """Documents held by the index of `owner`: a household's shared ones, or a user's personal ones."""
    return or_(
        Document.household_id == owner, and_(Document.user_id == owner, Document.household_id.is_(None))
    )


def visible(user_id: str, household_id: str | None) -> ColumnElement[bool]:
    """The documents `user_id` may read: their personal ones and those shared with their household."""
    personal = and_(Document.user_id == user_id, Document.household_id.is_(None))
    return or_(personal, Document.household_id == household_id) if household_id else personal


def still_readable(
    session: Session, hits: Sequence[HitT], user_id: str, household_id: str | None
) -> list[HitT]:
    """The search hits whose document the user may still read. A deleted (or unshared) document leaves its
    index only when the index-builder has run; until then its chunks are not shown."""
    ids = {h.document_id for h in hits}
    if not ids:
        return list(hits)
    kept = set(
        session.scalars(select(Document.id).where(Document.id.in_(ids), visible(user_id, household_id)))
    )
    return [h for h in hits if h.document_id in kept]


def index_owner(doc: Document) -> str:
    """Whose documents index holds `doc`: its household's when shared, else its uploader's."""
    owner = doc.household_id or doc.user_id
    assert owner is not None
    return owner


def owner_key(key: str, owner: str) -> str:
    """`key` (`{prefix}/{owner}/{file}`) moved under another owner: a file lives under its index owner, so that
    erasing a user or a household removes it with their prefix."""
    prefix, _owner, filename = key.rsplit("/", 2)
    return f"{prefix}/{owner}/{filename}"


def queue_index_job(services: Services, event_type: str, user_id: str, document_id: str, owner: str) -> None:
    """Ask the index-builder to add `document_id` to, or drop it from, the index of `owner` (call after the
    commit: the builder reads the row as committed)."""
    trace = inject_trace()
    event = Event(
        type=event_type,
        user_id=user_id,
        data={"user_id": user_id, "document_id": document_id, "index_owner": owner},
        trace=trace,
        occurred_at=services.clock.now().isoformat(),
    )
    attributes = {"AWSTraceHeader": trace[TRACE_HEADER]} if TRACE_HEADER in trace else None
    services.queue.send(event.to_dict(), attributes=attributes)


def create_document(
    session: Session,
    user_id: str,
    household_id: str | None,
    title: str,
    media: str,
    prefix: str,
    extension: str,
) -> Document:
    """A `pending` document row, shared with `household_id` if set, its object key under its index owner's
    part of `prefix`."""
    doc = Document(
        user_id=user_id, household_id=household_id, title=title.strip(), content_type=media, status="pending"
    )
    session.add(doc)
    session.flush()
    doc.object_key = f"{prefix}/{index_owner(doc)}/{doc.id}.{extension}"
    return doc


def move_to(services: Services, session: Session, doc: Document, household_id: str | None) -> str:
    """Share `doc` with `household_id` (None: make it personal again): its file is copied under the new owner
    and the row is `pending` until indexed there. Returns the old key, to delete once this is committed."""
    old_key = doc.object_key
    assert old_key is not None
    doc.household_id, doc.status, doc.failure_reason = household_id, "pending", None
    doc.object_key = owner_key(old_key, index_owner(doc))
    services.store.put(doc.object_key, services.store.get(old_key), content_type=doc.content_type)
    session.flush()
    return old_key


def after_move(services: Services, user_id: str, doc_id: str, old_key: str, before: str, after: str) -> None:
    """Once a move is committed: the old file goes, and the document leaves one index for the other."""
    services.store.delete(old_key)
    queue_index_job(services, DOCUMENT_DELETED_EVENT, user_id, doc_id, before)
    queue_index_job(services, DOCUMENT_ADDED_EVENT, user_id, doc_id, after)


def remove_document(services: Services, session: Session, doc: Document) -> str:
    """Delete `doc` (held by the caller) and its file. Returns its index owner, whose index the document leaves
    once this is committed (`queue_index_job(..., DOCUMENT_DELETED_EVENT, ...)`). Decided by the row deleted:
    of two deletes at once, the second raises NotFound."""
    owner, key, document_id = index_owner(doc), doc.object_key, doc.id
    if session.execute(delete(Document).where(Document.id == document_id)).rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound(f"document {document_id} not found")
    session.expunge(doc)
    if key:
        services.store.delete(key)
    return owner
