"""Multipart forms read at the edge: every text field, and the file name of every file part, is refused with
422 problem+json naming the field when it holds NUL or another control character, before anything is stored."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.datastructures import FormData
from starlette.requests import Request

from foodsave.inputs import has_control_characters

CONTROL_CHARACTERS = "control_characters"


async def read_form(request: Request, *, max_files: int, max_fields: int) -> FormData:
    """The request's multipart form, its text checked; RequestValidationError (422) lists the bad fields."""
    form = await request.form(max_files=max_files, max_fields=max_fields)
    errors: list[dict[str, Any]] = []
    for name, value in form.multi_items():
        text, what = (value, "text") if isinstance(value, str) else (value.filename or "", "file name")
        if has_control_characters(text):
            where = ("body",) if has_control_characters(name) else ("body", name)
            errors.append(
                {
                    "loc": where,
                    "msg": f"the {what} holds NUL or control characters",
                    "type": CONTROL_CHARACTERS,
                }
            )
    if errors:
        await form.close()
        raise RequestValidationError(errors)
    return form
