"""`foodsave demo`: runs the story in `devkit.demo` (a development checkout only; not part of the package)."""

from __future__ import annotations

import argparse
import sys


def _demo(args: argparse.Namespace) -> int:
    try:
        from devkit.demo import main
    except ImportError:
        print(
            "foodsave demo needs the development checkout (devkit/): run it from the repository root",
            file=sys.stderr,
        )
        return 2
    return main(args)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = subparsers.add_parser("demo", help="run the whole story over HTTP against a local runtime")
    demo.add_argument(
        "--demo-data-dir",
        help="keep the demo's data here (default: $FOODSAVE_DATA_DIR/demo when set, else a temp folder)",
    )
    demo.add_argument("--verbose", action="store_true", help="also print the handlers' JSON logs")
    demo.set_defaults(func=_demo)
