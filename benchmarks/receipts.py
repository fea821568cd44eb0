"""Receipt pipeline benchmark on generated receipts (devkit.receiptgen, which shares no code with the parser).

Sets: the classic paragon layouts (degraded scans), today's shop-app e-receipts (Biedronka, Kaufland,
Auchan PDFs, Lidl Plus screenshot) and 12-MP phone photos of Lidl and Dino paper receipts. Reported per
kind (classic, e-receipt, photo) and per layout: total exact, date, merchant, item F1, the share flagged
for review and the share wrong yet not flagged ("silent errors"). Beside every figure, in the same run, the
pipeline of the baseline commit (its preprocessing and parser, loaded from git) on the same files.
Speed: the pipeline on one 12-MP photo against one raw Tesseract pass on the same decoded image (same
warm-up, one thread), and the peak-memory delta that photo adds in a fresh process.

    .venv/bin/python benchmarks/receipts.py [--classic 40] [--ereceipts 40] [--photos 40] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # devkit/ and benchmarks/ live in the checkout, not in the package

from rapidfuzz import fuzz  # noqa: E402

from benchmarks.record import timed, write  # noqa: E402
from devkit.receiptgen import SynthSample, generate_dataset, layout_dataset  # noqa: E402
from foodsave.receipts.pipeline import ReceiptPipeline  # noqa: E402
from foodsave.text import normalize_name  # noqa: E402

BASELINE_COMMIT = "14d25bc"  # the last commit with the layout-list parser and the old preprocessing
CACHE = ROOT / "benchmarks" / ".cache" / "receipts"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def item_counts(parsed: Any, truth: dict[str, Any]) -> tuple[int, int, int]:
    """(matched, predicted, expected): same total and a similar normalised name (token-set ratio >= 70)."""
    expected = truth["items"]
    if parsed is None:
        return 0, 0, len(expected)
    unmatched = list(parsed.items)
    tp = 0
    for gold in expected:
        gold_name = normalize_name(gold["name_raw"])
        for cand in unmatched:
            if (
                str(cand.total) == gold["total"]
                and fuzz.token_set_ratio(normalize_name(cand.name_raw), gold_name) >= 70
            ):
                unmatched.remove(cand)
                tp += 1
                break
    return tp, len(parsed.items), len(expected)


def score(parsed: Any, truth: dict[str, Any], error: str | None) -> dict[str, Any]:
    tp, pred, exp = item_counts(parsed, truth)
    ok = parsed is not None
    row = {
        "total_ok": ok and str(parsed.total) == truth["total"],
        "date_ok": ok and parsed.date is not None and parsed.date.isoformat() == truth["date"],
        "merchant_ok": ok and parsed.merchant == truth["merchant"],
        "flagged": not ok or parsed.needs_review,
        "tp": tp,
        "pred": pred,
        "exp": exp,
        "error": error,
    }
    right = row["total_ok"] and row["date_ok"] and row["merchant_ok"] and tp == exp == pred
    row["silent_error"] = not right and not row["flagged"]
    return row


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    tp, pred, exp = (sum(r[k] for r in rows) for k in ("tp", "pred", "exp"))
    precision, recall = (tp / pred if pred else 0.0), (tp / exp if exp else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    share = lambda key: round(sum(bool(r[key]) for r in rows) / n, 4)  # noqa: E731
    return {
        "receipts": n,
        "total_exact": share("total_ok"),
        "date": share("date_ok"),
        "merchant": share("merchant_ok"),
        "item_f1": round(f1, 4),
        "flagged_for_review": share("flagged"),
        "silent_errors": share("silent_error"),
        "failed": sum(1 for r in rows if r["error"]),
    }


def grouped(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r[key], []).append(r)
    return {k: summarise(g) for k, g in sorted(groups.items())}


def run(process: Callable[[bytes], Any], samples: list[SynthSample], label: str) -> list[dict[str, Any]]:
    rows = []
    for k, s in enumerate(samples):
        parsed, error = None, None
        try:
            parsed = process(s.data)
        except Exception as exc:  # noqa: BLE001 - a refused or failed file is a data point
            error = f"{type(exc).__name__}: {exc}"
        kind = s.truth["kind"] if "layout" in s.truth else "classic"
        layout = s.truth.get("layout", f"classic_{s.truth.get('style')}")
        rows.append(score(parsed, s.truth, error) | {"file": s.name, "kind": kind, "layout": layout})
        if (k + 1) % 20 == 0:
            log(f"  {label}: {k + 1}/{len(samples)}")
    return rows


def baseline_process() -> Callable[[bytes], Any]:
    """The baseline commit's preprocessing and parser (loaded from git), with today's OCR engine and PDF reader."""
    modules = {}
    for name in ("parser", "preprocess"):
        source = subprocess.run(
            ["git", "show", f"{BASELINE_COMMIT}:src/foodsave/receipts/{name}.py"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        module = types.ModuleType(f"baseline_{name}")
        sys.modules[module.__name__] = module  # dataclasses look their module up
        exec(compile(source, f"{BASELINE_COMMIT}:{name}.py", "exec"), module.__dict__)  # noqa: S102
        modules[name] = module
    from foodsave.receipts.ocr import get_engine
    from foodsave.receipts.pdf import read_pdf
    from foodsave.receipts.preprocess import load_image

    parser, engine = modules["parser"].ReceiptParser(), get_engine("tesserocr")

    def process(data: bytes) -> Any:
        images = read_pdf(data).images if data[:4] == b"%PDF" else [load_image(data)]
        text = "\n".join(engine.image_to_text(modules["preprocess"].prepare_for_ocr(i)) for i in images)
        return parser.parse(text)

    return process


MEMORY_PROBE = r"""
import json, os, sys
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
from foodsave.receipts.pipeline import ReceiptPipeline
pipeline = ReceiptPipeline(engine_name="tesserocr")
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
pipeline.process(open(sys.argv[2], "rb").read())  # warm: the engine and its Polish model are loaded
data = open(sys.argv[1], "rb").read()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the peak (VmHWM) to the current resident size
before = status("VmRSS")
pipeline.process(data)
peak = status("VmHWM")
print(json.dumps({"rss_before_mb": round(before, 1), "peak_rss_mb": round(peak, 1), "delta_mb": round(peak - before, 1)}))
"""


def speed_and_memory(photos: list[SynthSample], warm: SynthSample, runs: int) -> dict[str, Any]:
    """Per 12-MP photo: the pipeline against one raw Tesseract pass on the same decoded image (both warmed
    once, `runs` timed runs each); the memory delta of the first photo in a fresh process."""
    import json
    import statistics

    from foodsave.receipts.ocr import get_engine
    from foodsave.receipts.preprocess import load_image

    pipeline, engine = ReceiptPipeline(engine_name="tesserocr"), get_engine("tesserocr")
    per_photo = []
    for photo in photos:
        image = load_image(photo.data)
        pipe = timed(lambda photo=photo: pipeline.process(photo.data), runs=runs, warmup=1)
        raw = timed(lambda image=image: engine.image_to_text(image), runs=runs, warmup=1)
        ratio = round(pipe["median"] / raw["median"], 2)
        per_photo.append(
            {"photo": photo.name, "pipeline_seconds": pipe, "raw_tesseract_seconds": raw, "ratio": ratio}
        )
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "photo.jpg").write_bytes(photos[0].data)
    (CACHE / "warm.jpg").write_bytes(warm.data)
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(CACHE / "photo.jpg"), str(CACHE / "warm.jpg")],
        capture_output=True, text=True, timeout=600, check=False, env=env,
    )  # fmt: skip
    memory = (
        json.loads(out.stdout.strip().splitlines()[-1])
        if out.returncode == 0
        else {"error": out.stderr[-400:]}
    )
    return {
        "photos": per_photo,
        "ratio_median_over_photos": statistics.median(p["ratio"] for p in per_photo),
        "ratio_max": max(p["ratio"] for p in per_photo),
        "memory_12mp": memory,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--classic", type=int, default=40)
    ap.add_argument("--ereceipts", type=int, default=40)
    ap.add_argument("--photos", type=int, default=40)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--speed-only", action="store_true", help="only the 12-MP photo timing and memory")
    args = ap.parse_args()
    if args.speed_only:
        # The same first three photos as the full run (the e-receipts are drawn first from the same seed).
        photos = [s for s in layout_dataset(args.ereceipts, 3, seed=args.seed) if s.truth["kind"] == "photo"]
        write("receipts_photo_speed", speed_and_memory(photos, photos[-1], args.runs))
        return 0

    log("generating receipts")
    samples = generate_dataset(args.classic, seed=7) + layout_dataset(
        args.ereceipts, args.photos, seed=args.seed
    )
    pipeline = ReceiptPipeline(engine_name="tesserocr")
    pipeline.process(samples[0].data)  # warm, as a warm Lambda container would be
    log("pipeline")
    new = run(lambda d: pipeline.process(d).receipt, samples, "pipeline")
    log(f"baseline ({BASELINE_COMMIT})")
    old = run(baseline_process(), samples, "baseline")
    photos = [s for s in samples if s.truth.get("kind") == "photo"]
    report: dict[str, Any] = {
        "dataset": {
            "receipts": len(samples),
            "classic": args.classic,
            "ereceipts": args.ereceipts,
            "photos": args.photos,
        },
        "baseline": f"commit {BASELINE_COMMIT}: its preprocessing and parser, today's OCR engine, same files",
        "overall": {"pipeline": summarise(new), "baseline": summarise(old)},
        "by_kind": {"pipeline": grouped(new, "kind"), "baseline": grouped(old, "kind")},
        "by_layout": {"pipeline": grouped(new, "layout"), "baseline": grouped(old, "layout")},
        "not_right": [
            {k: r[k] for k in ("file", "total_ok", "date_ok", "merchant_ok", "flagged", "error")}
            for r in new
            if not (r["total_ok"] and r["date_ok"] and r["merchant_ok"])
        ],
    }
    if photos:
        log("speed and memory on 12-MP photos")
        report["photo_12mp"] = speed_and_memory(photos[:3], samples[0], args.runs)
    write("receipts", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
