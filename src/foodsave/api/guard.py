"""The HTTP edge's own checks, before any route runs: bodies are counted as they stream in and stopped at
the limit (413), NUL is refused in paths, query strings and JSON bodies (422), and responses carrying user
data are never sniffed or cached (`X-Content-Type-Options: nosniff`, `Cache-Control: no-store`)."""

from __future__ import annotations

import re

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON_LIMIT = 1024 * 1024
UPLOAD_PATHS = ("/v1/receipts", "/v1/documents", "/local-uploads")
MULTIPART_OVERHEAD = 64 * 1024
# A NUL sent raw or as a JSON escape that is not itself an escaped backslash.
JSON_NUL = re.compile(rb"\x00|(?<!\\)(?:\\\\)*\\u0000")
PUBLIC = ("/health", "/docs", "/redoc", "/openapi.json")


class BodyRefused(HTTPException):
    """A body over the limit or with a NUL: the routes' handlers render it, and so does the guard when a
    middleware reading the whole body (idempotency) meets it first."""


class EdgeGuard:
    """Pure ASGI middleware (a `BaseHTTPMiddleware` would buffer the body it is meant to cap)."""

    def __init__(self, app: ASGIApp, *, upload_limit: int, json_limit: int = JSON_LIMIT) -> None:
        self.app = app
        self.upload_limit = upload_limit + MULTIPART_OVERHEAD
        self.json_limit = json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        raw_path: bytes = scope.get("raw_path") or path.encode()
        query: bytes = scope.get("query_string", b"")
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        limit = (
            self.upload_limit
            if path.startswith(UPLOAD_PATHS) and "multipart/" in content_type
            else self.json_limit
        )
        refusal = self._refusal(path, raw_path, query, headers.get(b"content-length"), limit)
        if refusal is not None:
            from foodsave.api.problems import problem

            await problem(*refusal)(scope, receive, send)
            return
        scan = "json" in content_type
        seen = 0
        tail = b""

        async def guarded_receive() -> Message:
            nonlocal seen, tail
            message = await receive()
            if message["type"] == "http.request":
                chunk: bytes = message.get("body", b"")
                seen += len(chunk)
                if seen > limit:
                    raise BodyRefused(413, f"The request body is larger than {limit} bytes.")
                if scan and JSON_NUL.search(tail + chunk):
                    raise BodyRefused(422, "Text must not contain NUL characters.")
                tail = (tail + chunk)[-16:]
            return message

        user_data = not path.startswith(PUBLIC)
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = [(b"x-content-type-options", b"nosniff")]
                if user_data:
                    extra.append((b"cache-control", b"no-store"))
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [*message.get("headers", []), *(h for h in extra if h[0] not in names)],
                }
            await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except BodyRefused as refused:  # read by a middleware outside the routes' exception handlers
            if started:
                raise
            from foodsave.api.problems import problem

            await problem(refused.status_code, str(refused.detail))(scope, receive, send)

    @staticmethod
    def _refusal(
        path: str, raw_path: bytes, query: bytes, length: bytes | None, limit: int
    ) -> tuple[int, str] | None:
        if "\x00" in path or b"%00" in raw_path or b"%00" in query or b"\x00" in query:
            return 422, "The address must not contain NUL characters."
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                return 400, "Content-Length is not a number."
            if declared > limit:
                return 413, f"The request body is larger than {limit} bytes."
        return None
