"""Document routes: upload slots (or, locally, direct multipart uploads), listing and deletion of a user's
own txt/md/pdf documents. Indexing happens in the index-builder; these routes only store and queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.db.models import Document, User
from foodsave.errors import InvalidInput, NotFound, TooLarge, UnsupportedMedia
from foodsave.events import Event
from foodsave.observability import TRACE_HEADER, inject_trace, record_metric
from foodsave.services import Services
from foodsave.vectors.extract import DOCUMENT_TYPES, sniff_media_type

router = APIRouter(prefix="/v1/documents", tags=["documents"])
ContentType = Literal["text/plain", "text/markdown", "application/pdf"]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such document for this user"}}


class DocumentIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    content_type: ContentType


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    content_type: str | None
    status: str
    chunks: int
    failure_reason: str | None
    created_at: datetime


class UploadOut(BaseModel):
    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int


class DocumentCreated(BaseModel):
    document: DocumentOut
    upload: UploadOut | None = None


class DocumentList(BaseModel):
    items: list[DocumentOut]


def _queue_job(services: Services, event_type: str, user_id: str, data: dict[str, Any]) -> None:
    trace = inject_trace()
    event = Event(
        type=event_type,
        user_id=user_id,
        data={"user_id": user_id, **data},
        trace=trace,
        occurred_at=services.clock.now().isoformat(),
    )
    attributes = {"AWSTraceHeader": trace[TRACE_HEADER]} if TRACE_HEADER in trace else None
    services.queue.send(event.to_dict(), attributes=attributes)


def _create(session: Session, user: User, title: str, media: str, prefix: str) -> Document:
    doc = Document(user_id=user.id, title=title.strip(), content_type=media, status="pending")
    session.add(doc)
    session.flush()
    doc.object_key = f"{prefix}/{user.id}/{doc.id}.{DOCUMENT_TYPES[media]}"
    return doc


def _upload_slot(services: Services, session: Session, user: User, body: DocumentIn) -> DocumentCreated:
    settings = services.settings
    doc = _create(session, user, body.title, body.content_type, "uploads/documents")
    assert doc.object_key is not None
    slot = services.store.presigned_post(
        doc.object_key, (body.content_type,), settings.max_upload_bytes, settings.presign_expires_seconds
    )
    session.flush()
    return DocumentCreated(
        document=DocumentOut.model_validate(doc),
        upload=UploadOut(
            url=slot.url, fields=slot.fields, expires_at=slot.expires_at, max_bytes=slot.max_bytes
        ),
    )


def _direct_upload(
    services: Services, session: Session, user: User, title: str, filename: str, data: bytes
) -> DocumentCreated:
    if not data:
        raise InvalidInput("the file is empty")
    media = sniff_media_type(data, filename)
    if media not in DOCUMENT_TYPES:
        raise UnsupportedMedia("only txt, md and pdf documents are supported")
    doc = _create(session, user, title or filename.rsplit(".", 1)[0] or "dokument", media, "documents")
    assert doc.object_key is not None
    services.store.put(doc.object_key, data, content_type=media)
    created = DocumentCreated(document=DocumentOut.model_validate(doc))
    session.commit()  # the builder must find the row, so it is committed before the job is queued
    _queue_job(services, "DocumentAdded", user.id, {"document_id": created.document.id})
    return created


@router.post(
    "",
    response_model=DocumentCreated,
    status_code=201,
    summary="Add a document: JSON asks for a presigned upload slot; multipart uploads the file directly",
    responses={
        413: {"description": "File larger than the limit"},
        415: {"description": "Not txt, md or pdf"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": DocumentIn.model_json_schema()},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "title": {"type": "string"},
                        },
                    }
                },
            },
        }
    },
)
async def add_document(
    request: Request, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> DocumentCreated:
    max_bytes = services.settings.max_upload_bytes
    media_type = request.headers.get("content-type", "")
    if media_type.startswith("multipart/form-data"):
        declared = int(request.headers.get("content-length") or 0)
        if declared > max_bytes + 64 * 1024:
            raise TooLarge(f"file is larger than {max_bytes} bytes")
        form = await request.form(max_files=1, max_fields=4)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("multipart upload needs a `file` part")
        data = await upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise TooLarge(f"file is larger than {max_bytes} bytes")
        title = str(form.get("title") or "")[:300]
        created = await run_in_threadpool(
            _direct_upload, services, session, user, title, upload.filename or "", data
        )
    else:
        try:
            body = DocumentIn.model_validate_json(await request.body())
        except ValueError as exc:
            raise InvalidInput(f"expected JSON {{title, content_type}} or a multipart file: {exc}") from exc
        created = await run_in_threadpool(_upload_slot, services, session, user, body)
    record_metric("DocumentsAdded", 1)
    return created


@router.get("", response_model=DocumentList, summary="List your documents, newest first")
def list_documents(user: CurrentUser, session: SessionDep) -> DocumentList:
    rows = session.scalars(
        select(Document).where(Document.user_id == user.id).order_by(Document.created_at.desc())
    ).all()
    return DocumentList(items=[DocumentOut.model_validate(r) for r in rows])


def _owned(session: Session, user: User, document_id: str) -> Document:
    doc = session.scalar(select(Document).where(Document.id == document_id, Document.user_id == user.id))
    if doc is None:
        raise NotFound(f"document {document_id} not found")
    return doc


@router.get("/{document_id}", response_model=DocumentOut, responses=NOT_FOUND)
def get_document(document_id: str, user: CurrentUser, session: SessionDep) -> DocumentOut:
    return DocumentOut.model_validate(_owned(session, user, document_id))


@router.delete(
    "/{document_id}", status_code=202, responses=NOT_FOUND, summary="Delete a document and its index entries"
)
def delete_document(
    document_id: str, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> Response:
    doc = _owned(session, user, document_id)
    if doc.object_key:
        services.store.delete(doc.object_key)
    session.delete(doc)
    session.commit()
    _queue_job(services, "DocumentDeleted", user.id, {"document_id": document_id})
    return Response(status_code=202)
