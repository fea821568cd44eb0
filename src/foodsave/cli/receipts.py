"""CLI commands of the receipts area: `receipt parse FILE...` and `categorize NAME...` (no database)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any


def _item_json(item: Any) -> dict[str, Any]:
    return {
        "name_raw": item.name_raw,
        "name": item.name,
        "quantity": str(item.quantity),
        "unit": item.unit,
        "unit_price": str(item.unit_price),
        "discount": str(item.discount),
        "total": str(item.total),
        "vat_letter": item.vat_letter,
        "category": item.category,
        "confidence": item.confidence,
    }


def receipt_json(file: str, result: Any) -> dict[str, Any]:
    """The JSON line for one parsed file."""
    r = result.receipt
    return {
        "file": file,
        "merchant": r.merchant,
        "date": r.date.isoformat() if r.date else None,
        "time": r.time.isoformat() if r.time else None,
        "total": str(r.total) if r.total is not None else None,
        "currency": r.currency,
        "items": [_item_json(i) for i in r.items],
        "receipt_discounts": [{"label": d.label, "amount": str(d.amount)} for d in r.receipt_discounts],
        "vat_summary": {
            k: {
                "rate": str(v.rate) if v.rate is not None else None,
                "taxable": str(v.taxable) if v.taxable is not None else None,
                "tax": str(v.tax) if v.tax is not None else None,
            }
            for k, v in r.vat_summary.items()
        },
        "needs_review": r.needs_review,
        "status": r.status,
        "flags": [{"code": f.code, "line": f.line, "message": f.message} for f in r.flags],
        "warnings": r.warnings,
        "ocr_engine": result.ocr_engine,
        "timings": result.timings,
    }


def _parse_cmd(args: argparse.Namespace) -> int:
    from foodsave.errors import FoodSaveError
    from foodsave.receipts.pipeline import ReceiptPipeline

    pipeline = ReceiptPipeline(engine_name=args.engine, allow_text=True)
    failures = 0
    for file in args.files:
        try:
            data = Path(file).read_bytes()
            out = receipt_json(file, pipeline.process(data))
        except (FoodSaveError, OSError) as exc:
            failures += 1
            out = {"file": file, "error": getattr(exc, "detail", None) or str(exc)}
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
            failures += 1
            out = {"file": file, "error": f"{type(exc).__name__}: {exc}"}
        if args.json:
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            _print_human(out)
    return 1 if failures and failures == len(args.files) else 0


def _print_human(out: dict[str, Any]) -> None:
    if "error" in out:
        print(f"{out['file']}: error: {out['error']}")
        return
    print(f"{out['file']}: {out['merchant']} {out['date']} total {out['total']} {out['currency']}")
    for item in out["items"]:
        print(
            f"  {item['name_raw']:<28} {item['quantity']:>6} x {item['unit_price']:>7} {item['total']:>8}  {item['category']}"
        )
    for w in out["warnings"]:
        print(f"  ! {w}")


def _categorize_cmd(args: argparse.Namespace) -> int:
    from foodsave.categories.categorize import Categorizer

    names = args.names or [line.strip() for line in sys.stdin if line.strip()]
    categorizer = Categorizer()
    for name in names:
        category, confidence = categorizer.categorize(name)
        if args.json:
            print(
                json.dumps({"name": name, "category": category, "confidence": confidence}, ensure_ascii=False)
            )
        else:
            print(f"{name}\t{category}\t{confidence:.2f}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    receipt = subparsers.add_parser("receipt", help="receipt tools (no database)")
    rsub = receipt.add_subparsers(dest="receipt_command", required=True)
    parse = rsub.add_parser("parse", help="OCR and parse receipt images, PDFs or text files")
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.add_argument("--json", action="store_true", help="one JSON object per line per file")
    parse.add_argument(
        "--engine",
        default=os.environ.get("FOODSAVE_OCR_ENGINE", "auto"),
        choices=("auto", "tesserocr", "pytesseract"),
    )
    parse.set_defaults(func=_parse_cmd)

    cat = subparsers.add_parser("categorize", help="categorise product names (arguments or stdin lines)")
    cat.add_argument("names", nargs="*", metavar="NAME")
    cat.add_argument("--json", action="store_true", help="one JSON object per line")
    cat.set_defaults(func=_categorize_cmd)
