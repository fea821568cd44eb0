"""The BM25 table of an index version, built by the index builder and published beside the FAISS index as
`lexical.npz` (listed in the manifest with its checksum), so that a search container opens it instead of
stemming every chunk on its first query.

The file is an uncompressed NumPy archive of plain arrays (no pickled objects), memory-mapped when read:
`ids`, `lengths` (chunk id and word count per row, rows in chunk-id order), `terms` (UTF-8, one per line,
sorted), `offsets`, `rows`, `tfs` (each term's postings, compressed-row style), `idf` (per term, as the
ranking computed it) and `analyzer` (a fingerprint of the tokenizer that produced the terms). A table whose
format or fingerprint differs from this code's is not used: the ranking is then built from the chunks.
"""

from __future__ import annotations

import hashlib
import mmap
import struct
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from foodsave.vectors.chunk import embedding_text
from foodsave.vectors.embed import tokens
from foodsave.vectors.lexical import Bm25

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

LEXICAL_FILE = "lexical.npz"
TABLE_FORMAT = 1
_ARRAYS = ("format", "analyzer", "ids", "lengths", "terms", "offsets", "rows", "tfs", "idf")
# Text whose tokens change when folding, stop words or stemming change: the tokenizer's fingerprint.
_PROBE = (
    "Zupa pomidorowa z ryżem; zupy, zupę i zupami. Mleko 3,2% tłuszczu, E621 i 100 g mąki pszennej. "
    "Przechowuj w lodówce do 4 dni, nie zamrażaj ponownie! Jajka, jajko, jaj; ziemniaki gotowane, "
    "ziemniaków pieczonych. The bread keeps for two days; Łódź, źdźbło, gęślą jaźń."
)


def analyzer_fingerprint() -> str:
    """What the current tokenizer makes of a fixed text, hashed: tables built by another one do not match."""
    words = tokens(embedding_text("Przepis: pierogi ruskie", _PROBE))
    return hashlib.sha256("\n".join(words).encode()).hexdigest()[:32]


def write_table(path: Path, ranking: Bm25) -> None:
    """Save `ranking` (built over the chunks in id order) as a table file."""
    import numpy as np

    ids, lengths, postings, idf = ranking.table()
    terms = sorted(postings)
    if any("\n" in term for term in terms):
        raise ValueError("a BM25 term contains a line break")
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(postings[term]) for term in terms], dtype=np.int64)
    flat = [entry for term in terms for entry in postings[term]]
    with path.open("wb") as fh:
        np.savez(
            fh,
            format=np.asarray([TABLE_FORMAT], dtype=np.int64),
            analyzer=np.frombuffer(analyzer_fingerprint().encode(), dtype=np.uint8),
            ids=np.asarray(ids, dtype=np.int64),
            lengths=np.asarray(lengths, dtype=np.int64),
            terms=np.frombuffer("\n".join(terms).encode(), dtype=np.uint8),
            offsets=offsets,
            rows=np.asarray([row for row, _ in flat], dtype=np.int64),
            tfs=np.asarray([tf for _, tf in flat], dtype=np.int64),
            idf=np.asarray([idf[term] for term in terms], dtype=np.float64),
        )


def read_table(path: Path) -> Bm25 | None:
    """The ranking a table file holds; None when it was written in another format or by another tokenizer.
    Raises ValueError when the file is not a table."""
    arrays = _mapped_arrays(path)
    if set(arrays) != set(_ARRAYS):
        raise ValueError(f"{path.name}: expected the arrays {', '.join(_ARRAYS)}")
    if arrays["format"].tolist() != [TABLE_FORMAT]:
        return None
    if arrays["analyzer"].tobytes().decode() != analyzer_fingerprint():
        return None
    blob = arrays["terms"].tobytes().decode()
    terms = blob.split("\n") if blob else []
    offsets = arrays["offsets"]
    if len(offsets) != len(terms) + 1 or len(arrays["idf"]) != len(terms):
        raise ValueError(f"{path.name}: terms, offsets and idf disagree")
    postings = _Postings(terms, offsets, arrays["rows"], arrays["tfs"])
    idf = dict(zip(terms, arrays["idf"].tolist(), strict=True))
    return Bm25.restore(arrays["ids"].tolist(), arrays["lengths"].tolist(), postings, idf)


class _Postings(Mapping[str, Sequence[tuple[int, int]]]):
    """Each term's (row, tf) pairs, read from the mapped arrays when a query asks for the term."""

    def __init__(
        self, terms: list[str], offsets: NDArray[Any], rows: NDArray[Any], tfs: NDArray[Any]
    ) -> None:
        self._index = {term: i for i, term in enumerate(terms)}
        self._offsets = offsets.tolist()
        self._rows, self._tfs = rows, tfs

    def __getitem__(self, term: str) -> list[tuple[int, int]]:
        i = self._index[term]
        start, end = self._offsets[i], self._offsets[i + 1]
        return list(zip(self._rows[start:end].tolist(), self._tfs[start:end].tolist(), strict=True))

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def _mapped_arrays(path: Path) -> dict[str, NDArray[Any]]:
    """The arrays of an uncompressed .npz, each a read-only view of one shared memory map of the file."""
    import numpy as np

    with path.open("rb") as fh:
        with zipfile.ZipFile(fh) as archive:
            members = archive.infolist()
        if not members:
            raise ValueError(f"{path.name}: empty archive")
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        arrays: dict[str, np.ndarray[Any, Any]] = {}
        for info in members:
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"{path.name}: {info.filename} is not a stored .npy")
            start = info.header_offset
            name_len, extra_len = struct.unpack("<HH", mapped[start + 26 : start + 30])
            fh.seek(start + 30 + name_len + extra_len)
            version = np.lib.format.read_magic(fh)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
            if dtype.hasobject or fortran or len(shape) != 1:
                raise ValueError(f"{path.name}: {info.filename} is not a flat array of numbers")
            arrays[info.filename.removesuffix(".npy")] = np.frombuffer(
                mapped, dtype=dtype, count=shape[0], offset=fh.tell()
            )
    return arrays
