"""Real embeddings for the vector benchmark: a text collection embedded with the default model, cached on disk.

The collection, in this order (deterministic, exact duplicates dropped, each text cut to 500 characters):
  1. the bundled recipe and knowledge corpora, chunked and titled exactly as the index-builder does;
  2. the Polish, then English, then other languages' messages of the gettext catalogs that Debian packages
     install under /usr/share/locale (coreutils, apt, dpkg, git, glib, iso-codes, ...: real sentences written
     by translators, 650k+ distinct strings of 30..1000 characters on a stock image). Each catalog is under its
     package's licence (GPL, LGPL and the like: /usr/share/doc/<package>/copyright); the texts are only
     embedded on this machine, never stored in the repository or published.

Embedding runs at 7 to 30 short texts a second on the shared 2-core machine, depending on what else runs (100k
texts took about two hours at a 14 texts/s average): the cache is filled in shards of 512 and a run resumes where
the last one stopped (`--minutes` bounds one run; measure the rate with a short run first). Vectors land in
benchmarks/.cache/ (git-ignored): `e5-shard-NNNNN.npy` plus `e5-texts.jsonl` naming the source of every row.

    python benchmarks/real_vectors.py --limit 100000 --minutes 60
"""

from __future__ import annotations

import argparse
import gettext
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

CACHE = Path(__file__).parent / ".cache"
LOCALES = Path("/usr/share/locale")
SHARD = 512
MAX_CHARS = 500
FIRST_LANGUAGES = ("pl", "en")


def progress(msg: str) -> None:
    print(f"[real_vectors] {msg}", file=sys.stderr, flush=True)


def corpus_texts() -> Iterator[tuple[str, str]]:
    from foodsave.vectors.builder import embedding_text
    from foodsave.vectors.chunk import chunk_text
    from foodsave.vectors.corpus import load_knowledge, load_recipes

    for doc in [*load_knowledge(), *load_recipes()]:
        for chunk in chunk_text(doc.document_id, doc.text):
            yield f"corpus:{doc.source}", embedding_text(doc.title, chunk.text)


def _catalog(path: Path) -> dict[object, object]:
    try:
        with path.open("rb") as fh:
            return dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return {}


def catalog_texts() -> Iterator[tuple[str, str]]:
    """Translator-written messages: Polish first, English source strings next, then other languages."""
    languages = sorted(p.name for p in LOCALES.iterdir() if (p / "LC_MESSAGES").is_dir())
    ordered = [lang for lang in FIRST_LANGUAGES if lang in languages] + [
        lang for lang in languages if lang not in FIRST_LANGUAGES
    ]
    english: list[str] = []
    for lang in ordered:
        if lang == "en":
            yield from (("gettext:en", s) for s in english)
            continue
        for mo in sorted((LOCALES / lang / "LC_MESSAGES").glob("*.mo")):
            for key, value in _catalog(mo).items():
                if isinstance(value, str):
                    yield f"gettext:{lang}", value
                if lang == "pl" and isinstance(key, str):
                    english.append(key)


def collection(limit: int) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for source, text in [*corpus_texts(), *catalog_texts()]:
        text = " ".join(text.split())[:MAX_CHARS]
        if len(text) < 30 or text in seen:
            continue
        seen.add(text)
        out.append((source, text))
        if len(out) >= limit:
            break
    return out


def cached_vectors(limit: int | None = None) -> np.ndarray:
    """The real vectors embedded so far (rows in collection order), at most `limit`."""
    shards = sorted(CACHE.glob("e5-shard-*.npy"))
    if not shards:
        raise FileNotFoundError("no cached embeddings: run benchmarks/real_vectors.py first")
    matrix = np.concatenate([np.load(p) for p in shards])
    return matrix[:limit] if limit else matrix


def cached_sources(n: int) -> dict[str, int]:
    """How many of the first `n` cached vectors come from each source (`corpus:knowledge`, `gettext:pl`, ...)."""
    lines = (CACHE / "e5-texts.jsonl").read_text(encoding="utf-8").splitlines()[:n]
    counts: dict[str, int] = {}
    for line in lines:
        source = json.loads(line)["source"]
        counts[source] = counts.get(source, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=100_000)
    parser.add_argument("--minutes", type=float, default=60.0)
    args = parser.parse_args()
    from foodsave.vectors.embed import E5SmallEmbedder

    CACHE.mkdir(exist_ok=True)
    texts = collection(args.limit)
    (CACHE / "e5-texts.jsonl").write_text(
        "".join(json.dumps({"source": s, "text": t}, ensure_ascii=False) + "\n" for s, t in texts)
    )
    embedder = E5SmallEmbedder()
    deadline = time.monotonic() + args.minutes * 60
    started, done = time.perf_counter(), 0
    for first in range(0, len(texts), SHARD):
        path = CACHE / f"e5-shard-{first // SHARD:05d}.npy"
        if path.is_file():
            continue
        if time.monotonic() > deadline:
            progress("time budget spent; run again to continue")
            break
        batch = [t for _, t in texts[first : first + SHARD]]
        np.save(path, embedder.embed_documents(batch).astype(np.float32))
        done += len(batch)
        rate = done / (time.perf_counter() - started)
        progress(f"{first + len(batch)}/{len(texts)} embedded ({rate:.1f} texts/s)")


if __name__ == "__main__":
    main()
