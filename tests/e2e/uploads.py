"""Upload the way the mobile app does, whatever shape the route has: multipart straight to the route, or
a JSON request for a presigned POST followed by the file sent to the slot (the local S3 stand-in)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from foodsave.api.export import openapi_document
from tests.e2e.spec_walk import Operation, SchemaExamples, iter_ids, operations


@dataclass
class UploadResult:
    status: int
    body: Any
    slot_status: int | None = None
    resource_id: str | None = None

    @property
    def refused(self) -> bool:
        return self.status >= 400 or (self.slot_status is not None and self.slot_status >= 400)


def upload_operation(path: str) -> Operation | None:
    for op in operations(openapi_document()):
        if op.method == "post" and op.path == path:
            return op
    return None


def _json_request(op: Operation, filename: str, content_type: str) -> dict[str, Any]:
    spec = openapi_document()
    examples = SchemaExamples(spec, "upload")
    body = examples.example(op.body_schema()) or {}
    schema = examples.resolve(op.body_schema() or {})
    for name, prop in schema.get("properties", {}).items():
        prop = examples.resolve(prop)
        if name in ("filename", "file_name", "name", "title"):
            body[name] = filename
        elif "type" in name or name in ("media_type", "mime"):
            body[name] = content_type
        elif name in ("size", "content_length", "bytes"):
            body[name] = 1000
    return body


def upload(
    client, path: str, headers: dict[str, str], filename: str, data: bytes, content_type: str
) -> UploadResult:  # type: ignore[no-untyped-def]
    op = upload_operation(path)
    if op is None:
        raise LookupError(path)
    media = op.media_type() or ""
    if media.startswith("multipart/"):
        spec = openapi_document()
        schema = SchemaExamples(spec, "upload").resolve(op.body_schema() or {})
        field = next(
            (
                n
                for n, p in schema.get("properties", {}).items()
                if SchemaExamples(spec, "").resolve(p).get("format") == "binary"
                or "contentMediaType" in SchemaExamples(spec, "").resolve(p)
            ),  # fmt: skip
            "file",
        )
        resp = client.post(path, files={field: (filename, data, content_type)}, headers=headers)
        body = resp.json() if resp.content else None
        return UploadResult(resp.status_code, body, resource_id=_first_id(body))
    resp = client.post(path, json=_json_request(op, filename, content_type), headers=headers)
    body = resp.json() if resp.content else None
    result = UploadResult(resp.status_code, body, resource_id=_first_id(body))
    if resp.status_code >= 400:
        return result
    slot = _slot(body)
    assert slot is not None, f"{path} answered neither a resource nor an upload slot: {body}"
    target = "/" + slot["url"].split("://", 1)[-1].split("/", 1)[-1]
    sent = client.post(target, data=slot["fields"], files={"file": (filename, data, content_type)})
    result.slot_status = sent.status_code
    return result


def _slot(body: Any) -> dict[str, Any] | None:
    if not isinstance(body, dict):
        return None
    for candidate in [body, *[v for v in body.values() if isinstance(v, dict)]]:
        if isinstance(candidate.get("url"), str) and isinstance(candidate.get("fields"), dict):
            return candidate
    return None


def _first_id(body: Any) -> str | None:
    for key, value in iter_ids(body):
        if key in ("id", "receipt_id", "document_id"):
            return value
    return None


# -- hostile files -------------------------------------------------------------------------------------------
def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return len(payload).to_bytes(4, "big") + kind + payload + zlib.crc32(kind + payload).to_bytes(4, "big")


def png_bomb(width: int = 8000, height: int = 8000) -> bytes:
    """A valid grayscale PNG of `width` x `height` that is a few hundred KB on disk (compressed zeros)."""
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    row = b"\x00" * (width + 1)
    comp = zlib.compressobj(9)
    chunks = [comp.compress(row) for _ in range(height)]
    idat = b"".join(chunks) + comp.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode() + trailer_extra + b">>\n"
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _text_page_objects(extra_catalog: bytes = b"") -> list[bytes]:
    stream = b"BT /F1 12 Tf 20 100 Td (PARAGON FISKALNY Mleko 3,49 SUMA PLN 3,49) Tj ET"
    return [
        b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def pdf_with_javascript() -> bytes:
    return _pdf(_text_page_objects(b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> "))


def pdf_with_escaped_javascript_name() -> bytes:
    """`/J#61vaScript` is the name /JavaScript written with a PDF hex escape (ISO 32000-1, 7.3.5)."""
    return _pdf(_text_page_objects(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> "))


def encrypted_pdf() -> bytes:
    """A PDF whose trailer declares standard-security encryption (RC4, user password unknown)."""
    objects = _text_page_objects()
    objects.append(
        b"<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) "
        b"/U (0123456789abcdef0123456789abcdef) /P -4 >>"
    )
    return _pdf(
        objects,
        b"/Encrypt 6 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] ",
    )


def plain_pdf() -> bytes:
    return _pdf(_text_page_objects())
