"""The local runtime's stand-in for S3 presigned POST: verifies the signed policy, checks the slot still
belongs to a pending receipt or document of a live user, sniffs and stores the file."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from foodsave.adapters.local.objects import LocalObjectStore
from foodsave.api.deps import ServicesDep
from foodsave.api.route_table import RouteTable
from foodsave.db.models import Document, Receipt
from foodsave.errors import Conflict, InvalidInput, NotFound, TooLarge, Unavailable, UnsupportedMedia
from foodsave.uploads import sniff_media_type
from foodsave.wiring import Services

router = RouteTable(tags=["local"], include_in_schema=False)


@router.post("/local-uploads", status_code=204)
async def local_upload(
    services: ServicesDep,
    key: Annotated[str, Form()],
    policy: Annotated[str, Form()],
    signature: Annotated[str, Form()],
    file: UploadFile,
) -> Response:
    store = services.store
    if not isinstance(store, LocalObjectStore):
        raise Unavailable("local uploads exist only in the local runtime")
    terms = store.verify_policy(policy, signature)
    if terms["key"] != key:
        raise InvalidInput("the key does not match the upload policy")
    await run_in_threadpool(_check_slot_open, services, key)
    max_bytes = int(terms["max_bytes"])  # type: ignore[call-overload]
    data = await file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(f"file is larger than {max_bytes} bytes")
    if not data:
        raise InvalidInput("file is empty")
    media = sniff_media_type(data)
    if media not in terms["content_types"]:  # type: ignore[operator]
        raise UnsupportedMedia(f"content is {media or 'unknown'}, not one of {terms['content_types']}")
    store.put(key, data, content_type=media)
    return Response(status_code=204)


def _check_slot_open(services: Services, key: str) -> None:
    """A slot writes only for a receipt or document that still exists (its user too: erasing a user removes
    them) and is still waiting for its file; a replay after processing or confirmation is refused."""
    model: type[Receipt] | type[Document] = Receipt if key.startswith("uploads/receipts/") else Document
    with services.db.session() as session:
        status = session.scalar(select(model.status).where(model.object_key == key))
    if status is None:
        raise NotFound("this upload slot's receipt or document no longer exists")
    if status != "pending":
        raise Conflict(f"this upload slot was already used (the upload is {status})")
