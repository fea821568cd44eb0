"""The relevance floor per embedder: the cosine below which the documents agent says it found nothing instead of
quoting the nearest chunk. Calibrated on dev questions only (answerable: benchmarks/data/retrieval_eval_dev.jsonl;
not answerable by the evaluation documents: relevance_unanswerable_dev.jsonl), reported on the held-out splits.

A question is *answered* when its top hit's relevance (cosine plus a share of lexical coverage, see
SearchService) is at least the floor. The floor chosen is the highest that still answers every answerable dev
question whose top hit is relevant; the report gives the share of unanswerable questions it refuses.
Baseline in the same run: the former fixed floor 0.05.

    python benchmarks/relevance_floor.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.record import write
from benchmarks.retrieval import DATA, EVAL_USER, QueryCache, eval_documents, read_jsonl
from foodsave.adapters.local import LocalObjectStore, SystemClock
from foodsave.bootstrap import build_embedder
from foodsave.vectors.builder import IndexBuilder
from foodsave.vectors.manifest import user_index_name
from foodsave.vectors.publish import IndexPublisher
from foodsave.vectors.search import RELEVANCE_FLOOR, SearchService

FORMER_FLOOR = 0.05
# Every answerable dev question answered right stays answered: dev questions share words with the glossary
# tuned on them, so their relevance runs higher than new questions' and a tighter floor refuses good answers.
KEEP = 1.0


def progress(msg: str) -> None:
    print(f"[relevance_floor] {msg}", file=sys.stderr, flush=True)


def top_hits(service: SearchService, rows: list[dict[str, object]]) -> list[tuple[float, bool]]:
    """(score of the top hit, whether it is relevant) per question; unanswerable questions have no relevant."""
    out = []
    for row in rows:
        hits = service.search(str(row["query"]), 1, "documents", EVAL_USER)
        relevant = set(map(str, row.get("relevant", [])))  # type: ignore[call-overload]
        out.append((hits[0].relevance, hits[0].document_id in relevant) if hits else (-1.0, False))
    return out


def outcome(
    answerable: list[tuple[float, bool]], unanswerable: list[tuple[float, bool]], floor: float
) -> dict:
    answered_right = float(np.mean([score >= floor and ok for score, ok in answerable]))
    refused = float(np.mean([score < floor for score, _ in unanswerable]))
    return {
        "floor": round(floor, 4),
        "answerable_answered_with_relevant_top": round(answered_right, 4),
        "answerable_answered": round(float(np.mean([s >= floor for s, _ in answerable])), 4),
        "unanswerable_refused": round(refused, 4),
        "balanced": round((answered_right + refused) / 2, 4),
    }


def calibrate(answerable: list[tuple[float, bool]]) -> float:
    """The highest floor that keeps KEEP of the answerable questions whose top hit is relevant."""
    good = np.sort([score for score, ok in answerable if ok])
    return float(good[min(int(len(good) * (1 - KEEP)), len(good) - 1)])


def evaluate(kind: str, tmp: Path) -> dict[str, object]:
    embedder = QueryCache(build_embedder(kind))
    store = LocalObjectStore(tmp / kind / "objects", "bench")
    IndexBuilder(IndexPublisher(store, clock=SystemClock()), embedder).rebuild(
        user_index_name(EVAL_USER), eval_documents()
    )
    service = SearchService(store, embedder, tmp / kind / "cache")
    split = {
        name: (
            top_hits(service, read_jsonl(DATA / f"retrieval_eval_{name}.jsonl")),
            top_hits(service, read_jsonl(DATA / f"relevance_unanswerable_{name}.jsonl")),
        )
        for name in ("dev", "heldout")
    }
    floor = calibrate(split["dev"][0])
    report: dict[str, object] = {"embedder": embedder.name, "calibrated_on_dev": round(floor, 4)}
    for name, (answerable, unanswerable) in split.items():
        report[name] = {
            "calibrated": outcome(answerable, unanswerable, floor),
            "configured": outcome(answerable, unanswerable, RELEVANCE_FLOOR.get(embedder.name, 0.0)),
            "former_0.05": outcome(answerable, unanswerable, FORMER_FLOOR),
            "top_score_quartiles": {
                "answerable": [
                    round(float(q), 4) for q in np.percentile([s for s, _ in answerable], [25, 50, 75])
                ],
                "unanswerable": [
                    round(float(q), 4) for q in np.percentile([s for s, _ in unanswerable], [25, 50, 75])
                ],
            },
        }
    progress(f"{kind}: floor {floor:.4f}, dev {report['dev']}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedders", default="hashing,e5")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {kind: evaluate(kind, Path(tmp)) for kind in args.embedders.split(",") if kind}
    write("relevance_floor", {"configured": dict(RELEVANCE_FLOOR), "results": results})


if __name__ == "__main__":
    main()
