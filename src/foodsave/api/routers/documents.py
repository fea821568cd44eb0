"""Document routes: upload slots (or, locally, direct multipart uploads), listing and deletion of a user's
own txt/md/pdf documents and those shared with their household.
Indexing happens in the index-builder; these routes only store and queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from starlette.concurrency import run_in_threadpool

from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.api.etags import (
    LOCATION_HEADER,
    READ_RESPONSES,
    IfMatch,
    check_if_match,
    locked_view,
    patch_route,
    tagged,
)
from foodsave.api.forms import read_form
from foodsave.api.problems import parse_body
from foodsave.api.query import ORDER_QUERY, Q_QUERY, Order
from foodsave.api.route_table import RouteTable
from foodsave.db.models import Document, User
from foodsave.db.search import contains_folded, folded, sorted_by
from foodsave.documents import (
    after_move,
    create_document,
    index_owner,
    move_to,
    queue_index_job,
    remove_document,
    visible,
)
from foodsave.errors import Conflict, Forbidden, InvalidInput, NotFound, TooLarge, UnsupportedMedia
from foodsave.events import DOCUMENT_ADDED_EVENT, DOCUMENT_DELETED_EVENT
from foodsave.households.membership import household_of
from foodsave.observability import record_metric
from foodsave.services import Services
from foodsave.vectors.extract import DOCUMENT_TYPES, sniff_media_type

router = RouteTable(prefix="/v1/documents", tags=["documents"])
ContentType = Literal["text/plain", "text/markdown", "application/pdf"]
DocumentStatus = Literal["pending", "processing", "ready", "failed"]
Share = Literal["personal", "household"]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such document for this user"}}


class DocumentIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"title": "Przechowywanie warzyw", "content_type": "application/pdf"}]
        }
    )
    title: Annotated[str, Field(min_length=1, max_length=300)]
    content_type: ContentType
    share: Share = Field(
        default="personal", description="`household`: every member of your household can read and search it"
    )


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    content_type: str | None
    household_id: str | None = Field(description="set when the document is shared with this household")
    status: DocumentStatus = Field(description="`pending` until the index-builder picks it up, then `ready`")
    chunks: int
    failure_reason: str | None
    created_at: datetime


class DocumentShareIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"share": "household"}]})
    share: Share = Field(
        description="`household`: every member of your household can read and search it; `personal`: only you"
    )


class DocumentUploadSlot(BaseModel):
    url: str
    fields: dict[str, str]
    expires_at: datetime
    max_bytes: int


class DocumentCreated(BaseModel):
    document: DocumentOut
    upload: DocumentUploadSlot | None = None


class DocumentPage(BaseModel):
    items: list[DocumentOut]
    total: int
    limit: int
    offset: int


class DocumentDeleted(BaseModel):
    """The document and its file are gone; its chunks leave the user's index when the builder runs."""

    id: str
    status: Literal["deleted"] = "deleted"
    index_update: Literal["queued"] = "queued"


UPLOAD_FLOW = """Two ways to add a txt, md or pdf document (at most `max_bytes`, 10 MB by default):

1. **Upload slot** (the app's way, in AWS and locally): send JSON `{"title", "content_type"}`. The answer
   (201) holds `document` (status `pending`) and `upload`: POST a `multipart/form-data` form to `upload.url`
   with every entry of `upload.fields` as form fields, then the file as the last field, named `file`, before
   `upload.expires_at`. The store answers 204. No token is sent to the upload URL; the fields carry the grant.
2. **Direct multipart** (scripts, the local runtime): send the file as the multipart field `file` (and an
   optional `title`); it is stored at once and the answer (201) has no `upload`.

Then poll `GET /v1/documents/{id}` (every 2-5 s; indexing takes seconds) until `status` is `ready` (its
`chunks` are searchable with `GET /v1/search?scope=documents`) or `failed` (`failure_reason` says why).
Send an `Idempotency-Key` so a retried request does not create two documents."""


def _create(session: Session, user: User, title: str, media: str, prefix: str, share: Share) -> Document:
    household_id = household_of(session, user.id) if share == "household" else None
    return create_document(session, user.id, household_id, title, media, prefix, DOCUMENT_TYPES[media])


def _upload_slot(services: Services, session: Session, user: User, body: DocumentIn) -> DocumentCreated:
    settings = services.settings
    doc = _create(session, user, body.title, body.content_type, "uploads/documents", body.share)
    assert doc.object_key is not None
    slot = services.store.presigned_post(
        doc.object_key, (body.content_type,), settings.max_upload_bytes, settings.presign_expires_seconds
    )
    session.flush()
    return DocumentCreated(
        document=DocumentOut.model_validate(doc),
        upload=DocumentUploadSlot(
            url=slot.url, fields=slot.fields, expires_at=slot.expires_at, max_bytes=slot.max_bytes
        ),
    )


def _direct_upload(
    services: Services, session: Session, user: User, title: str, filename: str, data: bytes, share: Share
) -> DocumentCreated:
    if not data:
        raise InvalidInput("the file is empty")
    media = sniff_media_type(data, filename)
    if media not in DOCUMENT_TYPES:
        raise UnsupportedMedia("only txt, md and pdf documents are supported")
    name = title or filename.rsplit(".", 1)[0] or "dokument"
    doc = _create(session, user, name, media, "documents", share)
    assert doc.object_key is not None
    services.store.put(doc.object_key, data, content_type=media)
    created = DocumentCreated(document=DocumentOut.model_validate(doc))
    owner = index_owner(doc)
    session.commit()  # the builder must find the row, so it is committed before the job is queued
    queue_index_job(services, DOCUMENT_ADDED_EVENT, user.id, doc.id, owner)
    return created


@router.post(
    "",
    response_model=DocumentCreated,
    status_code=201,
    summary="Add a document: JSON asks for a presigned upload slot; multipart uploads the file directly",
    description=UPLOAD_FLOW,
    responses={
        201: {"headers": LOCATION_HEADER},
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
                            "share": {"type": "string", "enum": ["personal", "household"]},
                        },
                    }
                },
            },
        }
    },
)
async def add_document(
    request: Request, response: Response, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> DocumentCreated:
    max_bytes = services.settings.max_upload_bytes
    media_type = request.headers.get("content-type", "")
    if media_type.startswith("multipart/form-data"):
        declared = int(request.headers.get("content-length") or 0)
        if declared > max_bytes + 64 * 1024:
            raise TooLarge(f"file is larger than {max_bytes} bytes")
        form = await read_form(request, max_files=1, max_fields=4)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("multipart upload needs a `file` part")
        data = await upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise TooLarge(f"file is larger than {max_bytes} bytes")
        title = str(form.get("title") or "")[:300]
        share: Share = "household" if form.get("share") == "household" else "personal"
        if form.get("share") not in (None, "", "personal", "household"):
            raise InvalidInput("`share` is `personal` or `household`")
        created = await run_in_threadpool(
            _direct_upload, services, session, user, title, upload.filename or "", data, share
        )
    else:
        body = parse_body(DocumentIn, await request.body())
        created = await run_in_threadpool(_upload_slot, services, session, user, body)
    record_metric("DocumentsAdded", 1)
    response.headers["Location"] = f"{router.prefix}/{created.document.id}"
    return created


@router.get(
    "",
    response_model=DocumentPage,
    summary="List your documents and those shared with your household, newest first",
    description="`q` matches titles ignoring case and Polish accents; page with `limit` and `offset`.",
)
def list_documents(
    user: CurrentUser,
    session: SessionDep,
    status: Annotated[DocumentStatus | None, Query(description="only documents in this state")] = None,
    q: Annotated[str | None, Q_QUERY] = None,
    sort: Annotated[Literal["created_at", "title"], Query(description="the field to sort by")] = "created_at",
    order: Annotated[Order, ORDER_QUERY] = "desc",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DocumentPage:
    query = select(Document).where(_visible(session, user))
    if status:
        query = query.where(Document.status == status)
    if q:
        query = query.where(contains_folded(Document.title, q))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    column = folded(Document.title) if sort == "title" else Document.created_at
    rows = session.scalars(query.order_by(*sorted_by(column, order, Document.id)).limit(limit).offset(offset))
    return DocumentPage(
        items=[DocumentOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


def _visible(session: Session, user: User) -> ColumnElement[bool]:
    """The user's personal documents and their household's shared ones."""
    return visible(user.id, household_of(session, user.id))


def _owned(session: Session, user: User, document_id: str) -> Document:
    doc = session.scalar(select(Document).where(Document.id == document_id, _visible(session, user)))
    if doc is None:
        raise NotFound(f"document {document_id} not found")
    return doc


@router.get(
    "/{document_id}",
    response_model=DocumentOut,
    responses={**NOT_FOUND, **READ_RESPONSES},
    summary="One document: poll `status` after an upload until `ready` or `failed`",
)
def get_document(document_id: str, response: Response, user: CurrentUser, session: SessionDep) -> DocumentOut:
    return tagged(response, DocumentOut.model_validate(_owned(session, user, document_id)))


@router.patch(
    "/{document_id}",
    response_model=DocumentOut,
    summary="Share a document with your household, or make it personal again",
    **patch_route(
        {
            **NOT_FOUND,
            403: {"description": "Only the member who uploaded a document changes its sharing"},
            409: {"description": "The document is still waiting for its file or being indexed"},
        },
        "someone else changed the document",
        lead="Its file and index entries move to the household's or to yours; `status` is `pending` until the "
        "index-builder has indexed it again. ",
    ),
)
def share_document(
    document_id: str,
    body: DocumentShareIn,
    response: Response,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    if_match: IfMatch = None,
) -> DocumentOut:
    doc = _owned(session, user, document_id)
    current = check_if_match(session, if_match, doc, DocumentOut)
    target = household_of(session, user.id) if body.share == "household" else None
    if doc.household_id == target:
        return tagged(response, current)
    if doc.user_id != user.id:
        raise Forbidden("only the member who uploaded this document changes its sharing", code="NotUploader")
    if doc.status in ("pending", "processing") or not doc.object_key:
        raise Conflict(
            "the document is still being uploaded or indexed: change its sharing when it is ready",
            code="DocumentNotReady",
            extensions={"current": current.model_dump(mode="json")},
        )
    before = index_owner(doc)
    old_key = move_to(services, session, doc, target)
    changed, after = DocumentOut.model_validate(doc), index_owner(doc)
    session.commit()  # the builder must find the row as changed before the jobs are queued
    after_move(services, user.id, doc.id, old_key, before, after)
    return tagged(response, changed)


@router.delete(
    "/{document_id}",
    status_code=202,
    response_model=DocumentDeleted,
    responses=NOT_FOUND,
    summary="Delete a document (any member may delete one shared with the household); its index entries "
    "are removed in the background",
)
def delete_document(
    document_id: str, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> DocumentDeleted:
    # The row is held first, so that a sharing change either commits before (its new file and index owner are
    # the ones removed here) or finds the row gone; it is read again as this user may see it now.
    locked_view(session, _owned(session, user, document_id), DocumentOut)
    owner = remove_document(services, session, _owned(session, user, document_id))
    session.commit()  # the builder drops the chunks of a row already gone
    queue_index_job(services, DOCUMENT_DELETED_EVENT, user.id, document_id, owner)
    return DocumentDeleted(id=document_id)
