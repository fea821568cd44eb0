"""Vector index benchmark: recall@10, QPS, latency, memory and open time against exact baselines in one run.

Data: clustered, L2-normalised 384-dim vectors (a Gaussian mixture; queries are fresh draws from it).
Baselines (single thread, one query at a time like a Lambda request): NumPy brute force and faiss IndexFlatIP.
Our index: whatever `VectorIndex.build(kind="auto")` picks, published through IndexPublisher and opened
memory-mapped from the reader's cache exactly as vector-search does.

    python benchmarks/vector_search.py                 # 10k and 100k
    python benchmarks/vector_search.py --with-1m       # adds 1M (several minutes, ~4 GB RAM)
"""

from __future__ import annotations

import os

# Single-thread baselines: set before numpy/faiss load their thread pools.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import faiss  # noqa: E402
import numpy as np  # noqa: E402

from foodsave.adapters.local import LocalObjectStore  # noqa: E402
from foodsave.vectors.index import VectorIndex  # noqa: E402
from foodsave.vectors.store import ChunkRecord, IndexContents, IndexPublisher, load_version  # noqa: E402

RESULTS = Path(__file__).parent / "results"
TARGETS = {"recall_at_10": 0.95, "speedup_vs_numpy": 10.0, "speedup_vs_faiss_flat": 3.0,
           "memory_ratio_vs_flat": 0.15, "open_ms": 50.0}  # fmt: skip


def progress(msg: str) -> None:
    print(f"[vector_search] {msg}", file=sys.stderr, flush=True)


def clustered(
    n: int, dim: int, clusters: int, noise: float, rng: np.random.Generator, centres: np.ndarray
) -> np.ndarray:
    out = np.empty((n, dim), dtype=np.float32)
    step = 50_000
    for start in range(0, n, step):
        m = min(step, n - start)
        labels = rng.integers(0, clusters, m)
        block = centres[labels] + noise * rng.standard_normal((m, dim), dtype=np.float32) / np.sqrt(dim)
        out[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def exact_topk(base: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    result = np.empty((len(queries), k), dtype=np.int64)
    for start in range(0, len(queries), 100):
        scores = queries[start : start + 100] @ base.T
        part = np.argpartition(-scores, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1)
        result[start : start + 100] = np.take_along_axis(part, order, axis=1)
    return result


def timed_per_query(fn, queries: np.ndarray) -> tuple[float, np.ndarray]:  # type: ignore[no-untyped-def]
    lat = np.empty(len(queries))
    for i, q in enumerate(queries):
        t = time.perf_counter()
        fn(q)
        lat[i] = time.perf_counter() - t
    return len(queries) / lat.sum(), lat


MEMORY_PROBE = textwrap.dedent(
    """
    import json, os, sys
    os.environ["OMP_NUM_THREADS"] = "1"
    import numpy as np, faiss
    from foodsave.vectors.index import VectorIndex, IvfPqParams
    def status():
        out = {}
        for line in open("/proc/self/status"):
            if line.startswith(("RssAnon", "RssFile", "VmRSS")):
                key, value = line.split(":")
                out[key] = int(value.split()[0]) * 1024
        return out
    def mapped(folder):
        out, current = {}, None
        for line in open("/proc/self/smaps"):
            parts = line.split()
            if len(parts) >= 6 and "-" in parts[0]:
                current = parts[5] if parts[5].startswith(folder) else None
            elif current and line.startswith("Rss:"):
                name = os.path.basename(current)
                out[name] = out.get(name, 0) + int(parts[1]) * 1024
        return out
    folder, kind, params, qpath = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
    queries = np.load(qpath)
    before = status()
    index = VectorIndex.open(__import__("pathlib").Path(folder), kind, IvfPqParams(**params) if params else None)
    opened = status()
    for q in queries:
        index.search(q, 10)
    after = status()
    print(json.dumps({"before": before, "opened": opened, "after": after, "mapped_after": mapped(folder)}))
    """
)


def run_size(n: int, args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    rng = np.random.default_rng(args.seed)
    clusters = max(10, n // args.points_per_cluster)
    centres = rng.standard_normal((clusters, args.dim), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    progress(f"n={n}: generating {clusters} clusters")
    base = clustered(n, args.dim, clusters, args.noise, rng, centres)
    queries = clustered(args.queries, args.dim, clusters, args.noise, rng, centres)
    ids = (np.arange(n, dtype=np.int64) << 16) | 7  # chunk-style ids, not 0..n-1
    progress(f"n={n}: exact ground truth")
    truth = ids[exact_topk(base, queries, 10)]

    n_base = min(len(queries), args.baseline_queries if n <= 200_000 else max(20, args.baseline_queries // 5))
    progress(f"n={n}: numpy brute force on {n_base} queries")
    numpy_qps, numpy_lat = timed_per_query(lambda q: np.argpartition(-(base @ q), 10)[:10], queries[:n_base])
    flat = faiss.IndexFlatIP(args.dim)
    flat.add(base)
    progress(f"n={n}: faiss IndexFlatIP on {n_base} queries")
    flat_qps, flat_lat = timed_per_query(lambda q: flat.search(q[None, :], 10), queries[:n_base])
    flat_batch_t = time.perf_counter()
    flat.search(queries, 10)
    flat_batch_qps = len(queries) / (time.perf_counter() - flat_batch_t)
    flat.reset()

    progress(f"n={n}: building")
    t = time.perf_counter()
    built = VectorIndex.build(base, ids)
    build_s = time.perf_counter() - t
    records = {int(i): ChunkRecord(int(i), f"doc{int(i) >> 16}", 0, "") for i in ids}
    store = LocalObjectStore(workdir / f"objects-{n}", "bench")
    progress(f"n={n}: publishing")
    t = time.perf_counter()
    manifest = IndexPublisher(store).publish(
        f"bench-{n}", IndexContents(index=built, records=records, embedder="synthetic", dim=args.dim)
    )
    publish_s = time.perf_counter() - t
    del built, records
    pointer = json.loads(store.get(f"indexes/bench-{n}/latest.json"))
    t = time.perf_counter()
    loaded = load_version(store, pointer, workdir / f"cache-{n}")
    cold_start_s = time.perf_counter() - t  # download + sha256 verify + mmap open
    folder = loaded.folder
    opens = []
    for _ in range(7):
        t = time.perf_counter()
        VectorIndex.open(folder, loaded.index.kind, loaded.index.params)
        opens.append(time.perf_counter() - t)
    index = loaded.index

    progress(f"n={n}: searching ({index.kind})")
    index.search(queries[:20], 10)  # touch the mapping once
    ours_qps, lat = timed_per_query(lambda q: index.search(q, 10), queries)
    found = [[nb.id for nb in index.search(q, 10)[0]] for q in queries]
    recall = float(np.mean([len(set(f) & set(t_)) / 10 for f, t_ in zip(found, truth, strict=True)]))
    t = time.perf_counter()
    index.search(queries, 10)
    ours_batch_qps = len(queries) / (time.perf_counter() - t)

    qpath = workdir / f"queries-{n}.npy"
    np.save(qpath, queries)
    probe = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            MEMORY_PROBE,
            str(folder),
            index.kind,
            json.dumps(manifest.params),
            str(qpath),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    mem = json.loads(probe.stdout.strip().splitlines()[-1])
    flat_bytes = n * args.dim * 4
    sizes = {name: info["bytes"] for name, info in manifest.files.items()}
    structure_bytes = sizes["index.faiss"] + sizes["ids.npy"]  # what the ANN search itself reads
    anon_delta = mem["after"]["RssAnon"] - mem["before"]["RssAnon"]
    resident_structure = (
        anon_delta + mem["mapped_after"].get("index.faiss", 0) + mem["mapped_after"].get("ids.npy", 0)
    )
    loaded.close()
    return {
        "n": n,
        "dim": args.dim,
        "clusters": clusters,
        "index_type": index.kind,
        "params": manifest.params,
        "build_s": round(build_s, 2),
        "publish_s": round(publish_s, 2),
        "file_bytes": sizes,
        "cold_start_download_verify_open_ms": round(cold_start_s * 1000, 1),
        "open_ms_median": round(float(np.median(opens)) * 1000, 2),
        "recall_at_10": round(recall, 4),
        "qps": round(ours_qps, 1),
        "qps_batch": round(ours_batch_qps, 1),
        "latency_ms_p50": round(float(np.percentile(lat, 50)) * 1000, 3),
        "latency_ms_p99": round(float(np.percentile(lat, 99)) * 1000, 3),
        "baseline_numpy_qps": round(numpy_qps, 1),
        "baseline_faiss_flat_qps": round(flat_qps, 1),
        "baseline_faiss_flat_batch_qps": round(flat_batch_qps, 1),
        "speedup_vs_numpy": round(ours_qps / numpy_qps, 1),
        "speedup_vs_faiss_flat": round(ours_qps / flat_qps, 1),
        # medians resist the preemption spikes of a shared 2-core machine; both are reported
        "baseline_numpy_latency_ms_p50": round(float(np.median(numpy_lat)) * 1000, 3),
        "baseline_faiss_flat_latency_ms_p50": round(float(np.median(flat_lat)) * 1000, 3),
        "speedup_vs_numpy_p50": round(float(np.median(numpy_lat) / np.median(lat)), 1),
        "speedup_vs_faiss_flat_p50": round(float(np.median(flat_lat) / np.median(lat)), 1),
        "flat_float32_bytes": flat_bytes,
        "memory": {
            "structure_bytes_on_disk": structure_bytes,
            "structure_ratio_vs_flat": round(structure_bytes / flat_bytes, 4),
            "rss_anon_delta_bytes": anon_delta,
            "resident_structure_bytes_after_queries": resident_structure,
            "resident_ratio_vs_flat": round(resident_structure / flat_bytes, 4),
            "rerank_vectors_resident_bytes_after_queries": mem["mapped_after"].get("vectors.npy", 0),
            "queries_in_probe": len(queries),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--with-1m", action="store_true", help="add the 1M-vector row (slow)")
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--baseline-queries", type=int, default=200)
    parser.add_argument("--points-per-cluster", type=int, default=300)
    parser.add_argument(
        "--noise", type=float, default=1.4, help="noise norm relative to the unit cluster centre"
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    faiss.omp_set_num_threads(1)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.with_1m and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    rows = []
    with tempfile.TemporaryDirectory(prefix="foodsave-bench-") as tmp:
        for n in sizes:
            rows.append(run_size(n, args, Path(tmp)))
            progress(
                json.dumps({k: rows[-1][k] for k in ("n", "recall_at_10", "qps", "speedup_vs_faiss_flat")})
            )
    headline = next((r for r in rows if r["n"] == 100_000), rows[-1])
    checks = {  # plain bools: numpy bools are not JSON
        "recall_at_10": bool(headline["recall_at_10"] >= TARGETS["recall_at_10"]),
        "speedup_vs_numpy": bool(headline["speedup_vs_numpy"] >= TARGETS["speedup_vs_numpy"]),
        "speedup_vs_faiss_flat": bool(headline["speedup_vs_faiss_flat"] >= TARGETS["speedup_vs_faiss_flat"]),
        "memory_ratio_vs_flat": bool(
            headline["memory"]["resident_ratio_vs_flat"] <= TARGETS["memory_ratio_vs_flat"]
        ),  # type: ignore[index]
        "open_ms": bool(headline["open_ms_median"] <= TARGETS["open_ms"]),
    }
    result = {
        "benchmark": "vector_search",
        "data": f"gaussian mixture, {args.points_per_cluster} points per cluster, noise {args.noise}, seed {args.seed}",
        "threads": 1,
        "faiss": faiss.__version__,
        "targets": TARGETS,
        "headline_n": headline["n"],
        "meets_targets": checks,
        "scaling": rows,
        "notes": [
            "qps and latency are one query per call (as vector-search serves), single thread, including exact re-ranking",
            "memory ratio = anonymous RSS growth + resident pages of index.faiss and ids.npy after all queries, over n*dim*4",
            "vectors.npy (float32, used only to re-rank 16*k candidates) stays on disk, memory-mapped; its resident "
            "pages are reported separately and are reclaimable page cache",
        ],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "vector_search.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
