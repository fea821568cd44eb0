"""Multipart uploads: a text field or file name holding NUL or another control character is refused with 422
problem+json naming the field, and nothing is stored; ordinary titles in any script are kept."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from foodsave.db.models import Document, Receipt

PROBLEM = "application/problem+json"
NOTE = ("notatka.txt", b"Mleko trzymaj w lodowce.\n", "text/plain")
CONTROLS = st.sampled_from([chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85]])
TITLES = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)


def _stored(services, model) -> int:  # type: ignore[no-untyped-def]
    with services.db.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=TITLES, control=CONTROLS, data=st.data())
def test_a_document_title_with_a_control_character_is_422_naming_the_title(
    client, auth, services, title, control, data
):
    at = data.draw(st.integers(min_value=0, max_value=len(title)))
    bad = title[:at] + control + title[at:]

    resp = client.post("/v1/documents", files={"file": NOTE}, data={"title": bad}, headers=auth())

    assert resp.status_code == 422 and resp.headers["content-type"] == PROBLEM
    body = resp.json()
    assert body["type"] == "urn:foodsave:problem:ValidationFailed"
    assert [e["loc"] for e in body["errors"]] == [["body", "title"]]
    assert bad not in resp.text
    assert _stored(services, Document) == 0


def test_a_receipt_upload_with_nul_in_a_text_field_is_422_and_stores_nothing(client, auth, services):
    photo = ("paragon.jpg", b"\xff\xd8\xff photo", "image/jpeg")

    resp = client.post("/v1/receipts", files={"file": photo}, data={"note": "a\x00b"}, headers=auth())

    assert resp.status_code == 422
    assert [e["loc"] for e in resp.json()["errors"]] == [["body", "note"]]
    assert _stored(services, Receipt) == 0


def test_a_file_name_with_a_control_character_is_422_naming_the_file_part(client, auth, services):
    resp = client.post(
        "/v1/documents", files={"file": ("nota\x1btka.txt", NOTE[1], "text/plain")}, headers=auth()
    )

    assert resp.status_code == 422
    assert [e["loc"] for e in resp.json()["errors"]] == [["body", "file"]]
    assert _stored(services, Document) == 0


def test_a_title_with_line_breaks_and_any_script_is_accepted(client, auth):
    title = "Przepisy babci\nZupa pomidorowa — 番茄汤"

    resp = client.post("/v1/documents", files={"file": NOTE}, data={"title": title}, headers=auth())

    assert resp.status_code == 201
    assert resp.json()["document"]["title"] == title
