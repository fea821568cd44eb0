"""Index jobs consumed by the index-builder: document added/deleted, corpus rebuild, index rebuild (after an
embedder change: a shared corpus from its sources, a user's index from their stored documents), user deleted,
household deleted (its index under both names).

A message body is one of: an S3 ObjectCreated notification for `uploads/documents/{user}/{doc}.{ext}`,
an event envelope (`DocumentAdded`/`DocumentDeleted`), or a plain job `{"type": "corpus_rebuild", ...}`.
Bad documents (no text, wrong type) end as a failed Document row, not a retried message; malformed
messages raise PoisonMessage so the batch reports them and SQS dead-letters them after the retries.

A job's `user_id` names the index owner: the uploader for a personal document, the household for a shared
one (`uploads/documents/{household}/{doc}.{ext}`, or `index_owner` in the event data). A user's documents are
indexed under `user-{id}`, a household's under `household-{id}`; a household index still published under the
legacy `user-{household}` name is rebuilt under its own name by the first job that touches it.
The database models load with the first job that reads documents: a corpus rebuild never does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from sqlalchemy import select

from foodsave.errors import FoodSaveError, InvalidInput, Unavailable, UnsupportedMedia
from foodsave.events import DOCUMENT_ADDED_EVENT, DOCUMENT_DELETED_EVENT
from foodsave.observability import logger, record_metric, span

if TYPE_CHECKING:
    from foodsave.services import Services
    from foodsave.vectors.builder import IndexBuilder

DOCUMENT_ADDED = "document_added"
DOCUMENT_DELETED = "document_deleted"
CORPUS_REBUILD = "corpus_rebuild"
USER_DELETED = "user_deleted"
HOUSEHOLD_DELETED = "household_deleted"
INDEX_REBUILD = "index_rebuild"
_ENVELOPE_TYPES = {DOCUMENT_ADDED_EVENT: DOCUMENT_ADDED, DOCUMENT_DELETED_EVENT: DOCUMENT_DELETED}
_UPLOAD_KEY = re.compile(
    r"^(?:uploads/)?documents/(?P<user>[A-Za-z0-9-]{1,64})/(?P<doc>[A-Za-z0-9-]{1,64})\.(txt|md|pdf)$"
)


def rebuild_job(name: str) -> dict[str, Any]:
    """The message asking the index-builder to rebuild index `name` with its own embedder."""
    return {"type": INDEX_REBUILD, "name": name}


class PoisonMessage(InvalidInput):
    """A message that no retry can process."""


@dataclass(frozen=True)
class IndexJob:
    type: str
    document_id: str | None = None
    user_id: str | None = None
    name: str | None = None
    force: bool = False
    object_key: str | None = None  # the uploaded file of an S3 notification


def parse_job(body: str) -> list[IndexJob]:
    """The jobs a message body asks for (an S3 notification may carry several records)."""
    try:
        raw = json.loads(body)
    except ValueError as exc:
        raise PoisonMessage(f"message body is not JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise PoisonMessage("message body is not a JSON object")
    if raw.get("Event") == "s3:TestEvent":
        return []
    if "Records" in raw:
        jobs = []
        for record in raw["Records"] or []:
            try:
                key = unquote_plus(record["s3"]["object"]["key"])
            except (KeyError, TypeError) as exc:
                raise PoisonMessage("S3 notification without an object key") from exc
            match = _UPLOAD_KEY.match(key)
            if not match:
                raise PoisonMessage(f"object {key!r} is not a document upload")
            jobs.append(
                IndexJob(DOCUMENT_ADDED, document_id=match["doc"], user_id=match["user"], object_key=key)
            )
        return jobs
    kind = _ENVELOPE_TYPES.get(str(raw.get("type")), str(raw.get("type")))
    nested = raw.get("data")
    data: dict[str, Any] = nested if isinstance(nested, dict) else raw
    user_id = raw.get("user_id") or data.get("user_id")
    if kind in (DOCUMENT_ADDED, DOCUMENT_DELETED):
        user_id = data.get("index_owner") or user_id
        document_id = data.get("document_id")
        if not isinstance(document_id, str) or not document_id or not isinstance(user_id, str) or not user_id:
            raise PoisonMessage(f"{kind} needs document_id and user_id")
        return [IndexJob(kind, document_id=document_id, user_id=user_id)]
    if kind == CORPUS_REBUILD:
        from foodsave.vectors.corpus import CORPUS_NAMES

        name = data.get("name") or "all"
        if name != "all" and name not in CORPUS_NAMES:
            raise PoisonMessage(f"unknown corpus {name!r}")
        names = CORPUS_NAMES if name == "all" else (name,)
        return [IndexJob(CORPUS_REBUILD, name=n, force=bool(data.get("force"))) for n in names]
    if kind == INDEX_REBUILD:
        return [_index_rebuild(data.get("name"))]
    if kind == USER_DELETED:
        if not isinstance(user_id, str) or not user_id:
            raise PoisonMessage("user_deleted needs user_id")
        return [IndexJob(USER_DELETED, user_id=user_id)]
    if kind == HOUSEHOLD_DELETED:
        household_id = data.get("household_id")
        if not isinstance(household_id, str) or not household_id:
            raise PoisonMessage("household_deleted needs household_id")
        return [IndexJob(HOUSEHOLD_DELETED, user_id=household_id)]
    raise PoisonMessage(f"unknown job type {raw.get('type')!r}")


def _index_rebuild(name: object) -> IndexJob:
    from foodsave.vectors.corpus import CORPUS_NAMES
    from foodsave.vectors.manifest import household_index_name, user_index_name

    if isinstance(name, str) and name in CORPUS_NAMES:
        return IndexJob(CORPUS_REBUILD, name=name)
    for prefix, index_name in (("user-", user_index_name), ("household-", household_index_name)):
        owner = name[len(prefix) :] if isinstance(name, str) and name.startswith(prefix) else ""
        try:
            if owner and index_name(owner) == name:
                return IndexJob(INDEX_REBUILD, name=name, user_id=owner)
        except InvalidInput:
            pass
    raise PoisonMessage(f"index_rebuild names no known index: {name!r}")


class IndexJobRunner:
    """Runs jobs against the services of this container (DB rows, object store, published indexes)."""

    def __init__(self, services: Services, builder: IndexBuilder | None = None) -> None:
        from foodsave.vectors.builder import IndexBuilder
        from foodsave.vectors.publish import IndexPublisher

        self.services = services
        self.builder = builder or IndexBuilder(
            IndexPublisher(services.store, efs_dir=services.settings.efs_index_dir, clock=services.clock),
            services.embedder,
        )

    def run_body(self, body: str) -> None:
        for job in parse_job(body):
            self.run(job)

    def run(self, job: IndexJob) -> None:
        with span("index.job", job=job.type, document_id=job.document_id, index=job.name):
            if job.type == DOCUMENT_ADDED:
                self._document_added(job)
            elif job.type == DOCUMENT_DELETED:
                self._document_deleted(job)
            elif job.type == CORPUS_REBUILD:
                from foodsave.vectors.corpus import build_corpus_index

                assert job.name is not None
                manifest = build_corpus_index(
                    job.name,
                    store=self.services.store,
                    embedder=self.builder.embedder,
                    clock=self.services.clock,
                    force=job.force,
                )
                if manifest is not None:
                    record_metric("IndexPublished", 1, index="corpus")
            elif job.type == INDEX_REBUILD:
                assert job.user_id and job.name
                self._rebuild(job.name, job.user_id)
                self._drop_legacy(job.name, job.user_id)
            elif job.type == USER_DELETED:
                from foodsave.vectors.manifest import user_index_name

                assert job.user_id is not None
                self.services.store.delete_prefix(f"indexes/{user_index_name(job.user_id)}/")
            elif job.type == HOUSEHOLD_DELETED:
                from foodsave.vectors.manifest import household_index_name, user_index_name

                assert job.user_id is not None
                for name in (household_index_name(job.user_id), user_index_name(job.user_id)):
                    self.services.store.delete_prefix(f"indexes/{name}/")

    def _index_name(self, owner: str) -> str:
        """The index of `owner`'s documents: a household's shared index, or a user's private one. A household
        index found under the legacy name is first rebuilt under its own."""
        from foodsave.db.models import Household
        from foodsave.vectors.manifest import POINTER_FILE, household_index_name, user_index_name

        with self.services.db.session() as session:
            household = session.get(Household, owner) is not None
        if not household:
            return user_index_name(owner)
        name = household_index_name(owner)
        if self.services.store.head(f"indexes/{user_index_name(owner)}/{POINTER_FILE}") is not None:
            self._rebuild(name, owner)
            self._drop_legacy(name, owner)
        return name

    def _drop_legacy(self, name: str, owner: str) -> None:
        from foodsave.vectors.manifest import household_index_name, user_index_name

        if name == household_index_name(owner):
            self.services.store.delete_prefix(f"indexes/{user_index_name(owner)}/")

    def _document_added(self, job: IndexJob) -> None:
        from foodsave.vectors.builder import SourceDocument
        from foodsave.vectors.extract import extract_text, sniff_media_type

        assert job.document_id and job.user_id
        claimed = self._claim(job)
        if claimed is None:
            logger.info(
                "document gone before indexing; nothing to do", extra={"document_id": job.document_id}
            )
            return
        owner, object_key, title = claimed
        try:
            data = self.services.store.get(object_key)
            media = sniff_media_type(data, object_key)
            text = extract_text(data, media)
            self.services.holds.hold("document.index")
            manifest = self.builder.add_document(
                self._index_name(owner),
                SourceDocument(document_id=job.document_id, title=title, text=text, source="documents"),
            )
        except (InvalidInput, UnsupportedMedia) as exc:
            self._finish(job.document_id, owner, status="failed", reason=exc.detail)
            record_metric("DocumentIndexFailed", 1)
            return
        except FoodSaveError as exc:
            self._finish(job.document_id, owner, status="pending", reason=exc.detail)
            raise
        chunks = manifest.documents[job.document_id]["chunks"] if manifest else None
        self._settle(job.document_id, owner, chunks)
        record_metric("DocumentIndexed", 1)

    def _claim(self, job: IndexJob) -> tuple[str, str, str] | None:
        """The document to index, marked `processing`: its index owner, file and title; None when it is gone.
        An uploaded file is matched by its key, which was granted to that one row: the document may have moved
        to another household since its upload slot was issued (its file stays at that key, which erasure
        deletes by the row), and it is indexed where its row now belongs."""
        from foodsave.db.models import Document
        from foodsave.documents import index_owner, owned_by

        assert job.document_id and job.user_id
        mine = Document.object_key == job.object_key if job.object_key else owned_by(job.user_id)
        with self.services.db.session() as session:
            doc = session.scalar(select(Document).where(Document.id == job.document_id, mine))
            if doc is None or doc.status == "deleted" or not doc.object_key:
                return None
            doc.status = "processing"
            return index_owner(doc), doc.object_key, doc.title

    def _finish(
        self,
        document_id: str,
        owner: str,
        *,
        status: str,
        reason: str | None = None,
        chunks: int | None = None,
    ) -> None:
        from foodsave.db.models import Document
        from foodsave.documents import owned_by

        with self.services.db.session() as session:
            doc = session.scalar(select(Document).where(Document.id == document_id, owned_by(owner)))
            if doc is None:
                return
            doc.status = status
            doc.failure_reason = reason
            if chunks is not None:
                doc.chunks = int(chunks)

    def _settle(self, document_id: str, owner: str, chunks: int | None) -> None:
        """Mark the document `ready` now that the index of `owner` holds it. One deleted while it was being
        indexed leaves that index again; one that changed hands meanwhile (its household joined another) leaves
        it, goes back to `pending` and the message is retried, to index it where its row now belongs."""
        from foodsave.db.models import Document
        from foodsave.documents import index_owner

        with self.services.db.session() as session:
            doc = session.get(Document, document_id)
            now = index_owner(doc) if doc is not None else None
            if doc is not None and now == owner:
                doc.status, doc.failure_reason = "ready", None
                if chunks is not None:
                    doc.chunks = int(chunks)
                return
            if doc is not None:
                doc.status = "pending"
        self.builder.delete_document(self._index_name(owner), document_id)
        if now is not None:
            raise Unavailable(
                f"document {document_id} changed hands while it was indexed; it is indexed again"
            )

    def _rebuild(self, name: str, owner: str) -> None:
        """Re-embed every ready document of one owner into index `name` (built by another embedder, or
        published under a legacy name)."""
        from foodsave.db.models import Document
        from foodsave.documents import owned_by
        from foodsave.vectors.builder import SourceDocument
        from foodsave.vectors.extract import extract_text, sniff_media_type

        with self.services.db.session() as session:
            rows = session.execute(
                select(Document.id, Document.title, Document.object_key).where(
                    owned_by(owner), Document.status == "ready"
                )
            ).all()
        docs = []
        for document_id, title, object_key in rows:
            if not object_key:
                continue
            try:
                data = self.services.store.get(object_key)
                text = extract_text(data, sniff_media_type(data, object_key))
            except (InvalidInput, UnsupportedMedia) as exc:
                logger.warning("document left out of the rebuild", extra={"reason": exc.detail})
                continue
            docs.append(SourceDocument(document_id=document_id, title=title, text=text, source="documents"))
        if not docs:
            self.services.store.delete_prefix(f"indexes/{name}/")
            return
        if self.builder.rebuild(name, docs) is not None:
            record_metric("IndexPublished", 1, index="user")

    def _document_deleted(self, job: IndexJob) -> None:
        assert job.document_id and job.user_id
        self.builder.delete_document(self._index_name(job.user_id), job.document_id)
