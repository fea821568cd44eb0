"""Hostile uploads through the receipts and documents routes: the content is sniffed (the name and declared
type are not trusted), decompression bombs and huge images are refused with bounded memory, PDFs with
JavaScript or encryption are refused, and object keys never carry text the user chose."""

from __future__ import annotations

import re
import resource
from collections.abc import Callable

import pytest

from tests.e2e.conftest import bearer, receipt_jpeg
from tests.e2e.uploads import (
    encrypted_pdf,
    pdf_with_javascript,
    png_bomb,
    upload,
)

RECEIPTS, DOCUMENTS = "/v1/receipts", "/v1/documents"
KEY = re.compile(
    r"^uploads/(receipts|documents)/[0-9a-f-]{36}/[0-9A-Za-z_-]{8,64}\.(jpg|png|webp|pdf|txt|md)$"
)


def _outcome(e2e, path: str, name: str, filename: str, data: bytes, content_type: str) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    """(refused?, why): refused at upload, or the background processing marked the upload failed."""
    headers = bearer(name)
    result = upload(e2e.client, path, headers, filename, data, content_type)
    if result.refused:
        return True, f"HTTP {result.status}/{result.slot_status}"
    assert e2e.runtime.wait_idle(120)
    assert result.resource_id, result.body
    resp = e2e.client.get(f"{path}/{result.resource_id}", headers=headers)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    return body.get("status") == "failed", f"status {body.get('status')}: {body.get('failure_reason')}"


def _pantry(e2e, name: str) -> list:  # type: ignore[no-untyped-def]
    return e2e.client.get("/v1/pantry/items", headers=bearer(name)).json()["items"]


HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "text file named .jpg": (
        "paragon.jpg",
        lambda: b"PARAGON FISKALNY\nMleko 3,49\nSUMA PLN 3,49\n" * 20,
        "image/jpeg",
    ),
    "html named .png": ("photo.png", lambda: b"<html><script>alert(1)</script></html>", "image/png"),
    "zip named .pdf": ("receipt.pdf", lambda: b"PK\x03\x04" + b"\x00" * 200, "application/pdf"),
    "64-megapixel PNG bomb": ("receipt.png", lambda: png_bomb(8000, 8000), "image/png"),
    "225-megapixel PNG bomb": ("receipt.png", lambda: png_bomb(15000, 15000), "image/png"),
    "PDF with JavaScript": ("receipt.pdf", pdf_with_javascript, "application/pdf"),
    "encrypted PDF": ("receipt.pdf", encrypted_pdf, "application/pdf"),
    "empty file": ("receipt.jpg", lambda: b"", "image/jpeg"),
    "truncated JPEG": ("receipt.jpg", lambda: receipt_jpeg()[:600], "image/jpeg"),
}


def _receipt_pdf_with(catalog_extra: bytes) -> bytes:
    """A real receipt PDF (text layer that parses) with an extra entry in its catalog."""
    from tests.e2e.uploads import _pdf

    lines = ["JERONIMO MARTINS POLSKA S.A.", "NIP 779-10-11-327", "2025-01-15 10:12", "PARAGON FISKALNY",
             "Mleko UHT 3,2% 1L  1 x3,49  3,49C", "Chleb zytni 500g  1 x4,99  4,99C", "SUMA PLN 8,48"]  # fmt: skip
    ops = " ".join(f"BT /F1 10 Tf 20 {400 - 14 * i} Td ({t}) Tj ET" for i, t in enumerate(lines)).encode()
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 420] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            f"<< /Length {len(ops)} >>\nstream\n".encode() + ops + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def test_a_clean_receipt_pdf_is_accepted_so_the_refusals_below_mean_something(e2e):
    refused, why = _outcome(e2e, RECEIPTS, "clean-pdf", "r.pdf", _receipt_pdf_with(b""), "application/pdf")
    assert not refused, why


@pytest.mark.parametrize(
    "catalog_extra",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> ",
        b"/Names << /JavaScript << /Names [] >> >> ",
    ],
    ids=["OpenAction", "Names tree"],
)
def test_receipt_pdf_with_javascript_is_refused_because_of_it(e2e, catalog_extra):
    refused, why = _outcome(
        e2e, RECEIPTS, "pdf-js", "r.pdf", _receipt_pdf_with(catalog_extra), "application/pdf"
    )
    assert refused and "javascript" in why.lower(), why


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_receipt_upload_is_refused_and_adds_nothing_to_the_pantry(e2e, case):
    filename, make, content_type = HOSTILE[case]
    user = f"hostile-{abs(hash(case)) % 10**8}"
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    refused, why = _outcome(e2e, RECEIPTS, user, filename, make(), content_type)
    assert refused, f"{case}: accepted ({why})"
    assert _pantry(e2e, user) == []
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mb < 300, f"{case}: peak memory grew by {grown_mb:.0f} MB"


def test_receipt_pdf_with_hex_escaped_javascript_name_is_refused(e2e):
    pdf = _receipt_pdf_with(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> ")
    refused, why = _outcome(e2e, RECEIPTS, "escaped-js", "r.pdf", pdf, "application/pdf")
    assert refused and "javascript" in why.lower(), why


DOC_HOSTILE = {
    k: HOSTILE[k] for k in ("zip named .pdf", "PDF with JavaScript", "encrypted PDF", "empty file")
}
DOC_HOSTILE["binary named .txt"] = ("notes.txt", lambda: bytes(range(256)) * 8, "text/plain")


@pytest.mark.parametrize("case", list(DOC_HOSTILE))
def test_hostile_document_upload_is_refused(e2e, case):
    filename, make, content_type = DOC_HOSTILE[case]
    refused, why = _outcome(e2e, DOCUMENTS, "doc-hostile", filename, make(), content_type)
    assert refused, f"{case}: accepted ({why})"


@pytest.mark.parametrize("path", [RECEIPTS, DOCUMENTS])
@pytest.mark.parametrize(
    "filename",
    [
        "../../../../etc/passwd.jpg",
        "..%2f..%2fescape.jpg",
        "/abs/path.jpg",
        "a\x00b.jpg",
        "ż ółw;rm -rf.jpg",
        "x" * 300 + ".jpg",
    ],
)
def test_object_keys_are_never_built_from_the_file_name(e2e, path, filename):
    data, ctype = (
        (receipt_jpeg(), "image/jpeg") if path == RECEIPTS else (b"Notatki o jedzeniu.\n", "text/plain")
    )
    if path == DOCUMENTS:
        filename = filename.replace(".jpg", ".txt")
    before = set(e2e.services.store.list("uploads/"))
    result = upload(e2e.client, path, bearer("keys"), filename, data, ctype)
    assert result.status < 500 and (result.slot_status or 200) < 500, result.body
    e2e.runtime.wait_idle(120)
    new = set(e2e.services.store.list("uploads/")) - before
    for key in new:
        assert KEY.match(key), f"object key built from user text: {key!r}"
        assert "passwd" not in key and "escape" not in key and ".." not in key
    assert not list(e2e.data_dir.parent.rglob("passwd*"))
    assert not list(e2e.data_dir.parent.rglob("escape*"))
