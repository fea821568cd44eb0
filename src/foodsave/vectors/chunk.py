"""Paragraph- and sentence-aware chunking with overlap; each chunk keeps its document id, position and text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from foodsave.errors import InvalidInput

DEFAULT_MAX_CHARS = 800
DEFAULT_OVERLAP_CHARS = 150

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# A sentence ends at . ! ? … followed by space and an upper-case letter or an opening quote/bracket;
# "np. mleko" or "ok. 5 dni" do not end a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZĄĆĘŁŃÓŚŹŻ\"„“'(\[])")
# Lines that stand on their own: markdown headings, list items, table rows.
_STANDALONE_LINE = re.compile(r"^\s*(#{1,6}\s|[-*+•]\s|\d+[.)]\s|\|)")
_SPACES = re.compile(r"[ \t\r\f\v]+")


@dataclass(frozen=True)
class Chunk:
    document_id: str
    position: int
    text: str


@dataclass(frozen=True)
class _Unit:
    paragraph: int
    text: str


def split_paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, stripped, empty ones dropped."""
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text.replace("\r\n", "\n")) if p.strip()]


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph; headings and list items count as sentences of their own."""
    sentences: list[str] = []
    running: list[str] = []

    def flush() -> None:
        if running:
            joined = _SPACES.sub(" ", " ".join(running)).strip()
            sentences.extend(s.strip() for s in _SENTENCE_END.split(joined) if s.strip())
            running.clear()

    for line in paragraph.split("\n"):
        if not line.strip():
            continue
        if _STANDALONE_LINE.match(line):
            flush()
            running.append(line.strip())
            flush()
        else:
            running.append(line.strip())
    flush()
    return sentences


def _split_long(sentence: str, max_chars: int) -> list[str]:
    """Pieces of at most max_chars, cut at spaces where possible."""
    pieces: list[str] = []
    rest = sentence
    while len(rest) > max_chars:
        cut = rest.rfind(" ", 0, max_chars + 1)
        if cut <= 0:
            cut = max_chars
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return [p for p in pieces if p]


def _units(text: str, max_chars: int) -> list[_Unit]:
    units: list[_Unit] = []
    for index, paragraph in enumerate(split_paragraphs(text)):
        for sentence in split_sentences(paragraph):
            units.extend(_Unit(index, piece) for piece in _split_long(sentence, max_chars))
    return units


def _render(units: list[_Unit]) -> str:
    out: list[str] = []
    for i, unit in enumerate(units):
        if i:
            out.append("\n\n" if unit.paragraph != units[i - 1].paragraph else " ")
        out.append(unit.text)
    return "".join(out)


def chunk_text(
    document_id: str,
    text: str,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    overlap_chars: int = DEFAULT_OVERLAP_CHARS,
) -> list[Chunk]:
    """Greedy packing of whole sentences into chunks of at most `max_chars`.

    A chunk closes at a paragraph boundary once it is at least half full, or when the next sentence would
    not fit. When a chunk closes in the middle of a paragraph, the next one repeats its last sentences
    (at most `overlap_chars`) so that a fact split across the boundary is still found whole.
    """
    if max_chars < 20:
        raise InvalidInput("max_chars must be at least 20")
    if not 0 <= overlap_chars < max_chars:
        raise InvalidInput("overlap_chars must be between 0 and max_chars")
    chunks: list[Chunk] = []
    current: list[_Unit] = []
    length = 0  # len(_render(current)), kept incrementally
    fresh = 0  # units in `current` that are not overlap from the previous chunk

    def joined_length(units: list[_Unit], unit: _Unit, base: int) -> int:
        if not units:
            return len(unit.text)
        return base + (2 if unit.paragraph != units[-1].paragraph else 1) + len(unit.text)

    for unit in _units(text, max_chars):
        if current:
            new_paragraph = unit.paragraph != current[-1].paragraph
            too_long = joined_length(current, unit, length) > max_chars
            if too_long or (new_paragraph and length >= max_chars // 2):
                chunks.append(Chunk(document_id=document_id, position=len(chunks), text=_render(current)))
                overlap: list[_Unit] = []
                if not new_paragraph and overlap_chars:
                    for prev in reversed(current[-fresh:]):
                        candidate = [prev, *overlap]
                        if len(_render(candidate)) > overlap_chars:
                            break
                        overlap = candidate
                    while overlap and len(_render([*overlap, unit])) > max_chars:
                        overlap.pop(0)
                current = overlap
                length = len(_render(current)) if current else 0
                fresh = 0
        length = joined_length(current, unit, length)
        current.append(unit)
        fresh += 1
    if current and fresh:
        chunks.append(Chunk(document_id=document_id, position=len(chunks), text=_render(current)))
    return chunks


def embedding_text(title: str, text: str) -> str:
    """What gets embedded (and indexed for BM25) for a chunk: its document title gives short chunks their topic."""
    return f"{title}\n{text}" if title else text
