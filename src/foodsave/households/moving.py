"""A household's shared documents moving into another household (its only member joined that one): their
files move under the new household's key prefix and are indexed again there, and the old household's index
is dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from foodsave.db.models import Document
from foodsave.documents import owner_key, queue_index_job
from foodsave.events import DOCUMENT_ADDED_EVENT

if TYPE_CHECKING:
    from foodsave.ports import ObjectStore
    from foodsave.services import Services


@dataclass(frozen=True)
class MovedDocuments:
    """What is left to do once the move is committed: delete the old files and the old index, and ask the
    index-builder to index each moved document under the new household."""

    source: str
    target: str
    old_keys: list[str] = field(default_factory=list)
    reindex: list[str] = field(default_factory=list)


def move_document_files(session: Session, store: ObjectStore, source: str, target: str) -> MovedDocuments:
    """Copy the files of `source`'s shared documents under `target`'s prefix (as sharing a document does) and
    mark them `pending` until they are indexed there. Call before the rows themselves move."""
    moved = MovedDocuments(source, target)
    docs = session.scalars(
        select(Document).where(Document.household_id == source, Document.object_key.is_not(None))
    ).all()
    for doc in docs:
        old_key = doc.object_key
        assert old_key is not None
        if store.head(old_key) is None:
            continue  # not uploaded yet: indexed in the new household when it arrives
        doc.object_key = owner_key(old_key, target)
        store.put(doc.object_key, store.get(old_key), content_type=doc.content_type)
        doc.status, doc.failure_reason = "pending", None
        moved.old_keys.append(old_key)
        moved.reindex.append(doc.id)
    session.flush()
    return moved


def finish_move(services: Services, user_id: str, moved: MovedDocuments) -> None:
    """After the commit: the moved documents' old files are deleted, the source household's index is queued
    for deletion, and each moved document is queued for indexing under its new household."""
    from foodsave.households.membership import drop_household_index

    for key in moved.old_keys:
        services.store.delete(key)
    drop_household_index(services.queue, moved.source)
    for document_id in moved.reindex:
        queue_index_job(services, DOCUMENT_ADDED_EVENT, user_id, document_id, moved.target)
