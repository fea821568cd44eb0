"""Scripted and encrypted PDFs are refused however their names are escaped or compressed."""

from __future__ import annotations

import io
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from foodsave.errors import UnsupportedMedia
from foodsave.pdf_safety import check_pdf_bytes


def clean_pdf() -> bytes:
    buf = io.BytesIO()
    Image.new("L", (60, 40), 255).save(buf, "PDF")
    return buf.getvalue()


def test_a_plain_pdf_passes():
    check_pdf_bytes(clean_pdf())


@pytest.mark.parametrize(
    "payload",
    [
        b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        b"<< /OpenAction << /S /J#61vaScript /J#53 (x) >> >>",
        b"<< /AA << /O << /S /Launch /F (calc.exe) >> >> >>",
    ],
)
def test_scripts_and_launch_actions_are_refused_in_plain_or_escaped_names(payload):
    with pytest.raises(UnsupportedMedia):
        check_pdf_bytes(clean_pdf() + payload)


def test_scripts_hidden_in_a_compressed_object_stream_are_refused():
    hidden = b"1 0 obj << /Length 99 /Filter /FlateDecode >>\nstream\n"
    hidden += zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>") + b"\nendstream\nendobj\n"
    with pytest.raises(UnsupportedMedia):
        check_pdf_bytes(clean_pdf() + hidden)


def test_encrypted_pdfs_are_refused():
    with pytest.raises(UnsupportedMedia):
        check_pdf_bytes(clean_pdf() + b"trailer << /Encrypt 5 0 R >>")


@given(
    st.sampled_from(["JavaScript", "JS", "Launch"]),
    st.sets(st.integers(min_value=0, max_value=9), max_size=3),
)
def test_any_hex_escaping_of_a_forbidden_name_is_refused(name, positions):
    escaped = "".join(f"#{ord(c):02X}" if i in positions else c for i, c in enumerate(name))
    with pytest.raises(UnsupportedMedia):
        check_pdf_bytes(b"%PDF-1.4\n<< /S /" + escaped.encode() + b" >>")


def test_names_that_merely_start_like_js_are_not_refused():
    check_pdf_bytes(b"%PDF-1.4\n<< /JSONData (x) /Launcher 1 >>")
