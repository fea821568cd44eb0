"""The local runtime's stand-in for S3 presigned POST: verifies the signed policy, sniffs and stores the file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, UploadFile
from fastapi.responses import Response

from foodsave.adapters.local.objects import LocalObjectStore
from foodsave.api.deps import ServicesDep
from foodsave.errors import InvalidInput, TooLarge, Unavailable, UnsupportedMedia
from foodsave.uploads import sniff_media_type

router = APIRouter(tags=["local"], include_in_schema=False)


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
