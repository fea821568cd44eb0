"""The spellings of an index version, built by the index builder and published beside the FAISS index as
`spellings.tsv` (listed in the manifest with its checksum): folded word TAB its most frequent spelling with
Polish letters in the version's chunks, one line per word, sorted. A search container looks words up in the
file's text (foodsave.text.sorted_lines) instead of reading every chunk on its first question typed without
Polish letters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from foodsave.text.letters import spellings
from foodsave.text.sorted_lines import SortedLines, sorted_lines_text
from foodsave.vectors.chunk import embedding_text
from foodsave.vectors.manifest import ChunkRecord

SPELLINGS_FILE = "spellings.tsv"
_HEADER = "folded word TAB its most frequent spelling with Polish letters in this version's chunks"


def chunk_spellings(records: Iterable[ChunkRecord]) -> dict[str, str]:
    """Folded word -> spelling over chunks (title and text, as embedded), in chunk-id order."""
    ordered = sorted(records, key=lambda r: r.id)
    return spellings(embedding_text(r.title, r.text) for r in ordered)


def write_spellings(path: Path, table: Mapping[str, str]) -> None:
    path.write_text(sorted_lines_text(table, header=_HEADER), encoding="utf-8")


def read_spellings(path: Path) -> SortedLines:
    """The published table; raises ValueError when the file is not UTF-8 text."""
    try:
        return SortedLines(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name}: not UTF-8 text") from exc
