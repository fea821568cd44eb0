"""Receipt routes: upload slots (or direct multipart uploads locally), listing, review edits, confirmation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from foodsave.api import etags
from foodsave.api.deps import CurrentUser, ServicesDep, SessionDep
from foodsave.api.etags import LOCATION_HEADER, IfMatch
from foodsave.api.forms import read_form
from foodsave.api.problems import parse_body
from foodsave.api.route_table import RouteTable
from foodsave.errors import InvalidInput
from foodsave.pantry.schemas import Page, PantryItemOut
from foodsave.receipts.review import ReceiptReview
from foodsave.receipts.schemas import (
    ConfirmIn,
    ConfirmOut,
    ReceiptLineIn,
    ReceiptLineOut,
    ReceiptLinePatch,
    ReceiptOut,
    ReceiptPatch,
    ReceiptStatus,
    UploadOut,
    UploadRequest,
    UploadSlotOut,
)
from foodsave.receipts.service import ReceiptService
from foodsave.services import Services

router = RouteTable(prefix="/v1/receipts", tags=["receipts"])
UPLOAD_FLOW = """From a photo to pantry items:

1. `POST /v1/receipts` with JSON `{"content_type": "image/jpeg"}` (or png, webp, pdf). The answer (201) holds
   `receipt` (status `pending`) and `upload`.
2. POST a `multipart/form-data` form to `upload.url`: every entry of `upload.fields` as a form field, then
   the photo as the last field, named `file`, at most `upload.max_bytes`, before `upload.expires_at`. The
   store answers 204. Send no Authorization header there; the signed fields are the grant.
3. OCR starts by itself. Poll `GET /v1/receipts/{id}` until `status` leaves `pending`/`processing`.
4. `parsed` or `needs_review`: show the lines, correct them with
   `PATCH /v1/receipts/{id}/lines/{line_id}`, then `POST /v1/receipts/{id}/confirm` moves the food lines
   into the pantry (confirming twice does not add them twice). `failed`: `failure_reason` says why.

Locally (scripts, the local runtime) the photo may instead be sent here directly as the multipart field
`file`: it is stored at once and the answer is 202 with no `upload`. Send an `Idempotency-Key` so a retried
request does not start two receipts."""
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such receipt for this user"}}


def _service(session: SessionDep, user: CurrentUser, services: Services) -> ReceiptService:
    return ReceiptService(
        session,
        user.id,
        store=services.store,
        clock=services.clock,
        max_bytes=services.settings.max_upload_bytes,
        presign_expires_seconds=services.settings.presign_expires_seconds,
    )


def _stored_upload(service: Any, session: Any, data: bytes) -> UploadOut:
    receipt = service.upload(data)
    session.refresh(receipt)
    return UploadOut(receipt=ReceiptOut.model_validate(receipt))


@router.post(
    "",
    response_model=UploadOut,
    status_code=201,
    summary="Start a receipt: JSON gives a presigned upload slot; a multipart `file` is stored at once (local)",
    description=UPLOAD_FLOW,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": UploadRequest.model_json_schema(),
                    "examples": {"photo": {"value": {"content_type": "image/jpeg"}}},
                },
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                },
            }
        }
    },
    responses={
        201: {"headers": LOCATION_HEADER},
        202: {
            "model": UploadOut,
            "description": "Multipart upload stored; OCR is queued",
            "headers": LOCATION_HEADER,
        },
        413: {"description": "File too large"},
        415: {"description": "Not a JPEG, PNG, WebP or PDF"},
    },
)
async def create_receipt(
    request: Request, response: Response, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> Any:
    service = _service(session, user, services)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        limit = services.settings.max_upload_bytes
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit + 64 * 1024:
            from foodsave.errors import TooLarge

            raise TooLarge(f"the upload is larger than {limit} bytes")
        form = await read_form(request, max_files=1, max_fields=5)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidInput("send the receipt as a multipart field named `file`")
        data = await upload.read(limit + 1)
        # Database and store work leave the event loop: a wait there would stall every request.
        body = await run_in_threadpool(_stored_upload, service, session, data)
        location = {"Location": f"{router.prefix}/{body.receipt.id}"}
        return JSONResponse(body.model_dump(mode="json"), status_code=202, headers=location)
    raw = await request.body()
    payload = parse_body(UploadRequest, raw, empty=b"{}")
    receipt, slot = await run_in_threadpool(service.create_upload_slot, payload.content_type)
    response.headers["Location"] = f"{router.prefix}/{receipt.id}"
    return UploadOut(
        receipt=ReceiptOut.model_validate(receipt),
        upload=UploadSlotOut(
            url=slot.url,
            fields=slot.fields,
            key=slot.key,
            expires_at=slot.expires_at,
            max_bytes=slot.max_bytes,
            content_types=list(slot.content_types),
        ),
    )


@router.get("", response_model=Page[ReceiptOut], summary="List receipts, newest first")
def list_receipts(
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    status: ReceiptStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[ReceiptOut]:
    rows, total = _service(session, user, services).list(limit=limit, offset=offset, status=status)
    return Page[ReceiptOut](
        items=[ReceiptOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset
    )


@router.get(
    "/{receipt_id}",
    response_model=ReceiptOut,
    responses={**NOT_FOUND, **etags.READ_RESPONSES},
    summary="One receipt with its lines: poll it after an upload",
    description="Poll every 2-5 s after an upload (OCR takes a few seconds, up to ~30 s for a long receipt) "
    "while `status` is `pending` or `processing`. Then: `parsed` (confirm it), `needs_review` (correct lines, "
    "then confirm), `failed` (`failure_reason` says why; upload a better photo) or `confirmed`. The `ETag` "
    "sent back as `If-Match` on PATCH or confirm refuses (412) when another phone changed the receipt meanwhile.",
)
def get_receipt(
    receipt_id: str, user: CurrentUser, session: SessionDep, services: ServicesDep, response: Response
) -> ReceiptOut:
    return etags.tagged(
        response, ReceiptOut.model_validate(_service(session, user, services).get(receipt_id))
    )


@router.patch(
    "/{receipt_id}/lines/{line_id}",
    response_model=ReceiptLineOut,
    responses={**NOT_FOUND, 409: {"description": "The receipt is not in review"}},
    summary="Correct one line before confirming",
)
def patch_line(
    receipt_id: str,
    line_id: str,
    body: ReceiptLinePatch,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
) -> ReceiptLineOut:
    service = _service(session, user, services)
    line = service.patch_line(receipt_id, line_id, body.model_dump(exclude_unset=True))
    ReceiptReview(service).line_changed(receipt_id, line_id)
    return ReceiptLineOut.model_validate(line)


IN_REVIEW = {**NOT_FOUND, 409: {"description": "The receipt is not in review (pending, failed or confirmed)"}}


@router.patch(
    "/{receipt_id}",
    response_model=ReceiptOut,
    summary="Repair the total, merchant or purchase time; the checks they settle are re-run",
    **etags.patch_route(IN_REVIEW, "someone else changed the receipt"),
)
def patch_receipt(
    receipt_id: str,
    body: ReceiptPatch,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> ReceiptOut:
    service = _service(session, user, services)
    etags.check_if_match(session, if_match, service.get(receipt_id), ReceiptOut)
    receipt = ReceiptReview(service).patch_receipt(receipt_id, body.model_dump(exclude_unset=True))
    session.refresh(receipt)
    return etags.tagged(response, ReceiptOut.model_validate(receipt))


@router.post(
    "/{receipt_id}/lines",
    response_model=ReceiptLineOut,
    status_code=201,
    responses=IN_REVIEW,
    summary="Add a line the parse missed",
)
def add_line(
    receipt_id: str, body: ReceiptLineIn, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> ReceiptLineOut:
    line = ReceiptReview(_service(session, user, services)).add_line(receipt_id, body.model_dump())
    return ReceiptLineOut.model_validate(line)


@router.delete(
    "/{receipt_id}/lines/{line_id}",
    status_code=204,
    responses=IN_REVIEW,
    summary="Delete a wrong line (not a product, read twice)",
)
def delete_line(
    receipt_id: str, line_id: str, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> Response:
    ReceiptReview(_service(session, user, services)).delete_line(receipt_id, line_id)
    return Response(status_code=204)


@router.delete(
    "/{receipt_id}",
    status_code=204,
    responses=NOT_FOUND,
    summary="Delete a receipt; a confirmed one keeps its pantry items unless `delete_items=true`",
)
def delete_receipt(
    receipt_id: str,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    delete_items: bool = False,
) -> Response:
    ReceiptReview(_service(session, user, services)).delete_receipt(receipt_id, delete_items=delete_items)
    return Response(status_code=204)


@router.post(
    "/{receipt_id}/confirm",
    response_model=ConfirmOut,
    responses={
        **NOT_FOUND,
        409: {
            "description": "The receipt is not parsed yet or failed, or it is `needs_review` and "
            "`accept_warnings` was not sent (the problem's `flags` lists the open flags)"
        },
        412: etags.WRITE_RESPONSES[412],
    },
    summary="Move the food lines into the pantry (idempotent); a flagged receipt needs accept_warnings",
)
def confirm_receipt(
    receipt_id: str,
    user: CurrentUser,
    session: SessionDep,
    services: ServicesDep,
    body: ConfirmIn | None = None,
    if_match: IfMatch = None,
) -> ConfirmOut:
    from foodsave.pantry.service import local_today

    service = _service(session, user, services)
    etags.check_if_match(session, if_match, service.get(receipt_id), ReceiptOut)
    ReceiptReview(service).require_accepted(receipt_id, body is not None and body.accept_warnings)
    receipt, items = service.confirm(receipt_id)
    session.refresh(receipt)
    today = local_today(services.clock.now(), user.timezone)
    return ConfirmOut(
        receipt=ReceiptOut.model_validate(receipt),
        pantry_items=[PantryItemOut.model_validate(i) for i in items],
        past_date_item_ids=[i.id for i in items if i.expires_at is not None and i.expires_at < today],
    )
