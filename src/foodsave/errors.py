"""Domain exceptions with a clear message; each edge (HTTP, SQS, receipt status) maps them once."""

from __future__ import annotations

from typing import Any


class FoodSaveError(Exception):
    """Base of every error the domain raises on purpose."""

    status = 400
    title = "Bad request"

    def __init__(
        self, detail: str, *, code: str | None = None, extensions: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or type(self).__name__
        # Extra members of the problem+json body (e.g. the open review flags of a receipt).
        self.extensions = extensions or {}


class InvalidInput(FoodSaveError):
    status = 422
    title = "Invalid input"


class NotFound(FoodSaveError):
    status = 404
    title = "Not found"


class Conflict(FoodSaveError):
    status = 409
    title = "Conflict"


class Forbidden(FoodSaveError):
    """Signed in and allowed to see the object, but not to do this with it (a member managing members)."""

    status = 403
    title = "Forbidden"


class Gone(FoodSaveError):
    """The thing existed but can no longer be used (an expired or used invite)."""

    status = 410
    title = "Gone"


class Unauthorized(FoodSaveError):
    status = 401
    title = "Unauthorized"


class TooLarge(FoodSaveError):
    status = 413
    title = "Payload too large"


class UnsupportedMedia(FoodSaveError):
    status = 415
    title = "Unsupported media type"


class Unavailable(FoodSaveError):
    """A dependency (database, object store, index, engine, remote service) is down."""

    status = 503
    title = "Service unavailable"
