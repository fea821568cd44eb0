"""Receipt pipeline benchmark on generated, degraded receipt images (JPEG, PNG, image-only PDF).

Reports total/date/merchant exact match, item precision/recall/F1 (item = similar name and equal total),
seconds per receipt for the whole pipeline next to raw Tesseract on the same images (the baseline: default
page segmentation on the decoded image, no preprocessing, then the same parser), both OCR adapters' timing,
and the peak memory of processing a 12-megapixel photo in a fresh process.

    .venv/bin/python benchmarks/receipts.py [--n 60] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from rapidfuzz import fuzz  # noqa: E402

from foodsave.receipts.parser import ParsedReceipt, ReceiptParser  # noqa: E402
from foodsave.receipts.pipeline import ReceiptPipeline  # noqa: E402
from foodsave.receipts.synth import SynthSample, generate_dataset  # noqa: E402
from foodsave.text import normalize_name  # noqa: E402

HERE = Path(__file__).parent
CACHE = HERE / ".cache" / "receipts"
RESULTS = HERE / "results"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def item_scores(parsed: ParsedReceipt | None, truth: dict[str, Any]) -> tuple[int, int, int]:
    """(true positives, predicted, expected): a predicted item matches an expected one with the same
    total and a similar normalised name (token-set ratio >= 70)."""
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


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    tp = sum(r["tp"] for r in rows)
    pred = sum(r["pred"] for r in rows)
    exp = sum(r["exp"] for r in rows)
    precision = tp / pred if pred else 0.0
    recall = tp / exp if exp else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "receipts": n,
        "total_exact": round(sum(r["total_ok"] for r in rows) / n, 4),
        "date_match": round(sum(r["date_ok"] for r in rows) / n, 4),
        "merchant_match": round(sum(r["merchant_ok"] for r in rows) / n, 4),
        "item_precision": round(precision, 4),
        "item_recall": round(recall, 4),
        "item_f1": round(f1, 4),
        "needs_review_rate": round(sum(r["needs_review"] for r in rows) / n, 4),
        "failed": sum(1 for r in rows if r["error"]),
        "seconds_per_receipt_mean": round(statistics.mean(r["seconds"] for r in rows), 3),
        "seconds_per_receipt_median": round(statistics.median(r["seconds"] for r in rows), 3),
    }


def score(
    parsed: ParsedReceipt | None, truth: dict[str, Any], seconds: float, error: str | None
) -> dict[str, Any]:
    tp, pred, exp = item_scores(parsed, truth)
    return {
        "total_ok": parsed is not None and str(parsed.total) == truth["total"],
        "date_ok": parsed is not None
        and parsed.date is not None
        and parsed.date.isoformat() == truth["date"],
        "merchant_ok": parsed is not None and parsed.merchant == truth["merchant"],
        "needs_review": parsed is None or parsed.needs_review,
        "tp": tp,
        "pred": pred,
        "exp": exp,
        "seconds": seconds,
        "error": error,
    }


def run_pipeline(samples: list[SynthSample], engine: str) -> list[dict[str, Any]]:
    pipeline = ReceiptPipeline(engine_name=engine)
    pipeline.process(samples[0].data)  # warm the engine, as a warm Lambda container would be
    rows = []
    for k, s in enumerate(samples):
        t0 = time.perf_counter()
        parsed, error = None, None
        try:
            parsed = pipeline.process(s.data).receipt
        except Exception as exc:  # noqa: BLE001 - a failure is a data point
            error = f"{type(exc).__name__}: {exc}"
        rows.append(score(parsed, s.truth, time.perf_counter() - t0, error) | {"file": s.name, **_meta(s)})
        if (k + 1) % 10 == 0:
            log(f"  {engine}: {k + 1}/{len(samples)}")
    return rows


def run_raw(samples: list[SynthSample]) -> list[dict[str, Any]]:
    """Baseline: decode, Tesseract with its default page segmentation on the unprocessed image, same parser."""
    import io

    import tesserocr
    from PIL import Image

    from foodsave.receipts.ocr import find_tessdata
    from foodsave.receipts.pdf import read_pdf

    parser = ReceiptParser()
    api = tesserocr.PyTessBaseAPI(path=f"{find_tessdata()}/", lang="pol")
    rows = []
    try:
        for k, s in enumerate(samples):
            t0 = time.perf_counter()
            if s.kind == "pdf":
                image = read_pdf(s.data).images[0]
            else:
                image = Image.open(io.BytesIO(s.data))
                image.load()
            api.SetImage(image)
            text = api.GetUTF8Text()
            parsed = parser.parse(text)
            rows.append(score(parsed, s.truth, time.perf_counter() - t0, None) | {"file": s.name, **_meta(s)})
            if (k + 1) % 10 == 0:
                log(f"  raw tesseract: {k + 1}/{len(samples)}")
    finally:
        api.End()
    return rows


def _meta(s: SynthSample) -> dict[str, Any]:
    return {"kind": s.kind, "font": s.truth["font"], "style": s.truth["style"]}


MEMORY_PROBE = r"""
import json, os, resource, sys, time
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
from foodsave.receipts.pipeline import ReceiptPipeline
pipeline = ReceiptPipeline()
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
pipeline.process(open(sys.argv[2], "rb").read())  # warm: the engine and its Polish model are loaded
warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
data = open(sys.argv[1], "rb").read()
t0 = time.perf_counter()
result = pipeline.process(data)
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rss_after_imports_mb": round(baseline, 1), "rss_warm_engine_mb": round(warm, 1),
                  "peak_rss_mb": round(peak, 1), "seconds": round(elapsed, 2),
                  "total": str(result.receipt.total)}))
"""


def make_photo(path: Path) -> str:
    """A 12-MP phone photo of a receipt: the slip scaled up on a darker table, saved as a JPEG."""
    import random

    from PIL import Image

    from foodsave.receipts.synth import RenderOptions, generate_receipt, installed_fonts, render_receipt

    receipt = generate_receipt(random.Random(11), "biedronka")
    slip = render_receipt(receipt, RenderOptions(font_path=installed_fonts()[0], font_size=26)).convert("RGB")
    photo = Image.new("RGB", (4000, 3000), (90, 80, 70))
    slip = slip.resize((int(slip.width * 2800 / slip.height), 2800))
    photo.paste(slip, ((4000 - slip.width) // 2, 100))
    photo.save(path, "JPEG", quality=90)
    return str(receipt.total)


def measure_memory(warm_file: Path) -> dict[str, Any]:
    photo = CACHE / "photo_12mp.jpg"
    expected = make_photo(photo)
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(photo), str(warm_file)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if out.returncode != 0:
        return {"error": out.stderr[-500:]}
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "megapixels": 12.0,
        "jpeg_bytes": photo.stat().st_size,
        **report,
        "total_ok": report["total"] == expected,
    }


def breakdown(rows: list[dict[str, Any]], key: str) -> dict[str, Any]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(str(r[key]), []).append(r)
    return {
        k: {m: v for m, v in summarise(g).items() if m in ("receipts", "total_exact", "item_f1")}
        for k, g in sorted(groups.items())
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-pytesseract", action="store_true")
    ap.add_argument("--memory-only", action="store_true", help="only the 12-MP memory probe")
    args = ap.parse_args()

    log(f"generating {args.n} receipts (seed {args.seed}) into {CACHE}")
    samples = generate_dataset(args.n, seed=args.seed)
    CACHE.mkdir(parents=True, exist_ok=True)
    for stale in CACHE.glob("receipt_*"):
        stale.unlink()
    for s in samples:
        (CACHE / s.name).write_bytes(s.data)
        (CACHE / f"{s.name}.json").write_text(json.dumps(s.truth, ensure_ascii=False))

    if args.memory_only:
        print(json.dumps(measure_memory(CACHE / samples[0].name), indent=2))
        return 0
    log("pipeline (tesserocr)")
    main_rows = run_pipeline(samples, "tesserocr")
    log("raw tesseract baseline")
    raw_rows = run_raw(samples)
    report: dict[str, Any] = {
        "dataset": {
            "receipts": len(samples),
            "seed": args.seed,
            "kinds": dict(_count(s.kind for s in samples)),
        },
        "pipeline_tesserocr": summarise(main_rows),
        "raw_tesseract_baseline": summarise(raw_rows),
    }
    report["pipeline_vs_raw_time_ratio"] = round(
        report["pipeline_tesserocr"]["seconds_per_receipt_mean"]
        / report["raw_tesseract_baseline"]["seconds_per_receipt_mean"],
        2,
    )
    if not args.skip_pytesseract:
        log("pipeline (pytesseract)")
        py_rows = run_pipeline(samples, "pytesseract")
        report["pipeline_pytesseract"] = summarise(py_rows)
        report["adapter_time_ratio_pytesseract_vs_tesserocr"] = round(
            report["pipeline_pytesseract"]["seconds_per_receipt_mean"]
            / report["pipeline_tesserocr"]["seconds_per_receipt_mean"],
            2,
        )
    report["by_kind"] = breakdown(main_rows, "kind")
    report["by_style"] = breakdown(main_rows, "style")
    report["failures"] = [
        {k: r[k] for k in ("file", "font", "style", "error", "total_ok")}
        for r in main_rows
        if r["error"] or not r["total_ok"]
    ]
    log("memory probe: 12-MP photo in a fresh process")
    report["memory_12mp"] = measure_memory(CACHE / samples[0].name)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "receipts.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


if __name__ == "__main__":
    sys.exit(main())
