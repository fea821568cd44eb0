"""Chunking: sentences never lost, size bounds held, positions stable, overlap inside paragraphs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foodsave.errors import InvalidInput
from foodsave.vectors.chunk import chunk_text, split_paragraphs, split_sentences

words = st.text(alphabet="abcdefghijklmnoprstuwyząęłóśżź", min_size=1, max_size=14)
sentences = st.lists(words, min_size=1, max_size=25).map(
    lambda ws: ws[0].capitalize() + " " + " ".join(ws[1:]) + "."
)
paragraphs = st.lists(sentences, min_size=1, max_size=8).map(" ".join)
documents = st.lists(paragraphs, min_size=1, max_size=8).map("\n\n".join)
sizes = st.tuples(st.integers(min_value=40, max_value=600), st.integers(min_value=0, max_value=200)).filter(
    lambda t: t[1] < t[0]
)


def _normalise(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=60, deadline=None)
@given(documents, sizes)
def test_every_sentence_appears_in_some_chunk(text: str, size: tuple[int, int]) -> None:
    max_chars, overlap = size
    chunks = [_normalise(c.text) for c in chunk_text("doc", text, max_chars=max_chars, overlap_chars=overlap)]
    for paragraph in split_paragraphs(text):
        for sentence in split_sentences(paragraph):
            if len(sentence) <= max_chars:
                assert any(_normalise(sentence) in c for c in chunks), sentence


@settings(max_examples=60, deadline=None)
@given(documents, sizes)
def test_no_chunk_is_longer_than_max_chars_or_empty(text: str, size: tuple[int, int]) -> None:
    max_chars, overlap = size
    for chunk in chunk_text("doc", text, max_chars=max_chars, overlap_chars=overlap):
        assert 0 < len(chunk.text) <= max_chars
        assert chunk.text.strip() == chunk.text


@settings(max_examples=40, deadline=None)
@given(documents)
def test_positions_are_consecutive_and_chunks_keep_the_document_id(text: str) -> None:
    chunks = chunk_text("doc-7", text, max_chars=200, overlap_chars=50)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert {c.document_id for c in chunks} == {"doc-7"}


@settings(max_examples=40, deadline=None)
@given(documents, documents)
def test_appending_text_keeps_the_earlier_chunks_and_their_positions(text: str, more: str) -> None:
    before = chunk_text("doc", text, max_chars=200, overlap_chars=50)
    after = chunk_text("doc", text + "\n\n" + more, max_chars=200, overlap_chars=50)
    assert after[: len(before) - 1] == before[:-1]


@settings(max_examples=30, deadline=None)
@given(documents)
def test_chunking_is_deterministic(text: str) -> None:
    assert chunk_text("d", text) == chunk_text("d", text)


def test_a_chunk_closed_mid_paragraph_repeats_the_last_sentence_in_the_next() -> None:
    text = "Pierwsze zdanie jest tutaj. Drugie zdanie też jest. Trzecie zdanie kończy akapit."
    chunks = chunk_text("d", text, max_chars=60, overlap_chars=30)
    assert len(chunks) >= 2
    assert chunks[1].text.startswith("Drugie zdanie też jest.")


def test_a_new_paragraph_starts_a_new_chunk_without_overlap_once_half_full() -> None:
    text = "Akapit pierwszy ma dość długie zdanie o mleku.\n\nAkapit drugi mówi o chlebie."
    chunks = chunk_text("d", text, max_chars=80, overlap_chars=40)
    assert [c.text for c in chunks] == [
        "Akapit pierwszy ma dość długie zdanie o mleku.",
        "Akapit drugi mówi o chlebie.",
    ]


def test_abbreviations_do_not_end_a_sentence() -> None:
    assert split_sentences("Kup np. mleko i ok. 5 jajek. Potem wróć.") == [
        "Kup np. mleko i ok. 5 jajek.",
        "Potem wróć.",
    ]


def test_markdown_headings_and_list_items_are_sentences_of_their_own() -> None:
    assert split_sentences("## Przechowywanie\n- w lodówce\n- do 3 dni") == [
        "## Przechowywanie",
        "- w lodówce",
        "- do 3 dni",
    ]


def test_a_sentence_longer_than_a_chunk_is_cut_at_spaces() -> None:
    text = " ".join(["słowo"] * 100) + "."
    chunks = chunk_text("d", text, max_chars=50, overlap_chars=0)
    assert all(len(c.text) <= 50 for c in chunks)
    assert " ".join(c.text for c in chunks).split() == text.split()


def test_empty_text_gives_no_chunks() -> None:
    assert chunk_text("d", "  \n\n ") == []


@pytest.mark.parametrize(("max_chars", "overlap"), [(10, 0), (100, 100), (100, -1)])
def test_impossible_sizes_are_rejected(max_chars: int, overlap: int) -> None:
    with pytest.raises(InvalidInput):
        chunk_text("d", "Tekst.", max_chars=max_chars, overlap_chars=overlap)
