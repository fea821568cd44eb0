"""Retrieval quality per embedder and ranking (dense, BM25, hybrid): recall@5 and MRR at document level, per
query language, on two labelled sets:

- `eval`: short Polish food documents with near-topic distractors (benchmarks/data/retrieval_eval_docs.jsonl)
  and paraphrased questions, some in English, in a dev split (used to choose the ranking and its weights) and a
  held-out split (never used for choosing; reported as is);
- `knowledge`: the bundled knowledge corpus with benchmarks/data/retrieval_queries.jsonl.

Documents are chunked and indexed exactly as in production (IndexBuilder, exact Flat index) and queried
through SearchService; a query's rank is that of the first chunk from a relevant document. Baseline in the same
run: plain word overlap (unstemmed). Query latency is the median of 5 timed passes over all queries.

    python benchmarks/retrieval.py                    # hashing and e5
    python benchmarks/retrieval.py --embedders e5
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.record import timed, write
from foodsave.adapters.local import LocalObjectStore, SystemClock
from foodsave.bootstrap import build_embedder
from foodsave.vectors import search as search_module
from foodsave.vectors.builder import IndexBuilder, SourceDocument
from foodsave.vectors.corpus import load_knowledge
from foodsave.vectors.embed import Embedder
from foodsave.vectors.manifest import user_index_name
from foodsave.vectors.publish import IndexPublisher
from foodsave.vectors.search import SearchService

DATA = Path(__file__).parent / "data"
GOAL = {"recall_at_5": 0.97, "mrr": 0.93}
# (label, lexical weight in the fusion); 0 is dense only. BM25 alone is reported separately.
RANKINGS = (("dense", 0.0), ("hybrid_w0.5", 0.5), ("hybrid_w1", 1.0), ("hybrid_w2", 2.0))


def progress(msg: str) -> None:
    print(f"[retrieval] {msg}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class QuerySet:
    name: str
    corpus: str
    rows: list[dict[str, object]]


# The evaluation documents are searched as one user's documents; the knowledge corpus as the shared index.
EVAL_USER = "eval"
SCOPES = {"eval": ("documents", EVAL_USER), "knowledge": ("knowledge", None)}


def index_name(corpus: str) -> str:
    return user_index_name(EVAL_USER) if corpus == "eval" else corpus


def run_query(service: SearchService, query: str, corpus: str) -> list[str]:
    scope, user = SCOPES[corpus]
    return [h.document_id for h in service.search(query, 30, scope, user)]


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def eval_documents() -> list[SourceDocument]:
    return [
        SourceDocument(str(r["id"]), str(r["title"]), str(r["text"]), "eval")
        for r in read_jsonl(DATA / "retrieval_eval_docs.jsonl")
    ]


def score(ranked: list[list[str]], relevant: list[set[str]], k: int = 5) -> dict[str, float]:
    recall, rr = [], []
    for docs, rel in zip(ranked, relevant, strict=True):
        unique = list(dict.fromkeys(docs))
        recall.append(len(set(unique[:k]) & rel) / min(len(rel), k))
        rr.append(next((1.0 / (i + 1) for i, d in enumerate(unique) if d in rel), 0.0))
    return {"recall_at_5": round(float(np.mean(recall)), 4), "mrr": round(float(np.mean(rr)), 4)}


def by_language(rows: list[dict[str, object]], ranked: list[list[str]]) -> dict[str, dict[str, float]]:
    relevant = [set(map(str, r["relevant"])) for r in rows]  # type: ignore[call-overload]
    out: dict[str, dict[str, float]] = {"all": score(ranked, relevant) | {"queries": len(rows)}}
    for lang in sorted({str(r.get("lang", "pl")) for r in rows}):
        idx = [i for i, r in enumerate(rows) if r.get("lang", "pl") == lang]
        out[lang] = score([ranked[i] for i in idx], [relevant[i] for i in idx]) | {"queries": len(idx)}
    return out


def word_overlap_ranking(docs: list[SourceDocument], queries: list[str]) -> list[list[str]]:
    words = [set(re.findall(r"\w+", (d.title + " " + d.text).lower())) for d in docs]
    out = []
    for q in queries:
        qw = set(re.findall(r"\w+", q.lower()))
        scores = [len(qw & w) / (len(w) ** 0.5 or 1) for w in words]
        out.append([docs[i].document_id for i in np.argsort(-np.array(scores), kind="stable")])
    return out


class QueryCache:
    """Embeds each query once per embedder, so rankings are compared on identical vectors."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim, self.version = inner, inner.name, inner.dim, inner.version
        self._seen: dict[str, np.ndarray] = {}

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        if text not in self._seen:
            self._seen[text] = self.inner.embed_query(text)
        return self._seen[text]


def evaluate_embedder(
    kind: str, corpora: dict[str, list[SourceDocument]], sets: list[QuerySet], tmp: Path
) -> dict[str, object]:
    embedder = QueryCache(build_embedder(kind))
    store = LocalObjectStore(tmp / kind / "objects", "bench")
    builder = IndexBuilder(IndexPublisher(store, clock=SystemClock()), embedder)
    for name, docs in corpora.items():
        builder.rebuild(index_name(name), docs)
    report: dict[str, object] = {"embedder": embedder.name, "version": embedder.version}
    for label, weight in RANKINGS:
        service = SearchService(store, embedder, tmp / kind / "cache", lexical_weight=weight)
        per_set: dict[str, object] = {}
        for qs in sets:
            queries = [str(r["query"]) for r in qs.rows]
            ranked = [run_query(service, q, qs.corpus) for q in queries]
            per_set[qs.name] = by_language(qs.rows, ranked)
        all_queries = [(str(r["query"]), qs.corpus) for qs in sets for r in qs.rows]
        seconds = timed(
            lambda svc=service, qs=all_queries: [run_query(svc, q, c) for q, c in qs], runs=5, warmup=1
        )
        per_set["query_ms"] = {
            key: round(float(value) / len(all_queries) * 1000, 3) if key != "runs" else value
            for key, value in seconds.items()
        }
        report[label] = per_set
        progress(f"{kind} {label}: {json.dumps({k: v for k, v in per_set.items() if k != 'query_ms'})}")
    return report


def bm25_only(corpora: dict[str, list[SourceDocument]], sets: list[QuerySet], tmp: Path) -> dict[str, object]:
    """BM25 alone, over the same chunks (the hashing embedder only builds the index files)."""
    store = LocalObjectStore(tmp / "bm25" / "objects", "bench")
    embedder = build_embedder("hashing")
    builder = IndexBuilder(IndexPublisher(store, clock=SystemClock()), embedder)
    for name, docs in corpora.items():
        builder.rebuild(index_name(name), docs)
    service = SearchService(store, embedder, tmp / "bm25" / "cache")
    out: dict[str, object] = {}
    for qs in sets:
        loaded = service.reader(*SCOPES[qs.corpus]).current()
        bm25 = loaded.lexical()
        ranked = []
        for r in qs.rows:
            ids = [i for i, _ in bm25.search(str(r["query"]), 30)]
            records = loaded.meta.get_many(ids)
            ranked.append([records[i].document_id for i in ids if i in records])
        out[qs.name] = by_language(qs.rows, ranked)
    return out


def choose(results: dict[str, dict[str, object]]) -> dict[str, object]:
    """The (embedder, ranking) with the best worst-language recall@5 + MRR on the dev split."""
    best: tuple[float, str, str] | None = None
    for kind, report in results.items():
        for label, _ in RANKINGS:
            dev = report[label]["eval_dev"]  # type: ignore[index]
            worst = min(dev[lang]["recall_at_5"] + dev[lang]["mrr"] for lang in ("pl", "en"))
            if best is None or worst > best[0]:
                best = (worst, kind, label)
    assert best is not None
    _, kind, label = best
    return {"embedder": kind, "ranking": label, "heldout": results[kind][label]["eval_heldout"]}  # type: ignore[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedders", default="hashing,e5")
    args = parser.parse_args()
    corpora = {"eval": eval_documents(), "knowledge": load_knowledge()}
    sets = [
        QuerySet("eval_dev", "eval", read_jsonl(DATA / "retrieval_eval_dev.jsonl")),
        QuerySet("eval_heldout", "eval", read_jsonl(DATA / "retrieval_eval_heldout.jsonl")),
        QuerySet("knowledge", "knowledge", read_jsonl(DATA / "retrieval_queries.jsonl")),
    ]
    baseline = {
        qs.name: by_language(
            qs.rows, word_overlap_ranking(corpora[qs.corpus], [str(r["query"]) for r in qs.rows])
        )
        for qs in sets
    }
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        lexical = bm25_only(corpora, sets, Path(tmp))
        for kind in [e for e in args.embedders.split(",") if e]:
            results[kind] = evaluate_embedder(kind, corpora, sets, Path(tmp))
    default_label = next(label for label, w in RANKINGS if w == search_module.LEXICAL_WEIGHT)
    defaults = {"embedder": "e5", "ranking": default_label, "lexical_weight": search_module.LEXICAL_WEIGHT}
    if "e5" in results:
        defaults["heldout"] = results["e5"][default_label]["eval_heldout"]  # type: ignore[index]
        defaults["dev"] = results["e5"][default_label]["eval_dev"]  # type: ignore[index]
    write(
        "retrieval",
        {
            "documents": {name: len(docs) for name, docs in corpora.items()},
            "queries": {qs.name: len(qs.rows) for qs in sets},
            "goal_per_language": GOAL,
            "defaults": defaults,
            "chosen_on_dev": choose(results),
            "word_overlap_baseline": baseline,
            "bm25_only": lexical,
            "results": results,
        },
    )


if __name__ == "__main__":
    main()
