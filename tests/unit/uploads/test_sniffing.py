"""The media type of an upload comes from its bytes, never from its name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from foodsave.uploads import looks_like_text, sniff_media_type

MAGIC = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-1.7\n": "application/pdf",
}


@given(st.sampled_from(sorted(MAGIC)), st.binary(max_size=256))
def test_magic_bytes_decide_the_type_whatever_follows(magic, rest):
    assert sniff_media_type(magic + rest) == MAGIC[magic]


@given(st.binary(min_size=4, max_size=8))
def test_webp_needs_its_riff_container(size):
    assert sniff_media_type(b"RIFF" + size[:4] + b"WEBPVP8 ") == "image/webp"


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=500)
)
def test_printable_utf8_text_is_text(text):
    data = text.encode("utf-8")
    if not any(data.startswith(m) for m in MAGIC) and b"%PDF-" not in data and not data.startswith(b"RIFF"):
        assert sniff_media_type(data) == "text/plain"


@given(st.binary(max_size=200), st.binary(max_size=200))
def test_bytes_with_a_nul_near_the_start_are_never_text(before, after):
    assert not looks_like_text(before[:100] + b"\x00" + after)


def test_empty_upload_has_no_type():
    assert sniff_media_type(b"") is None
