"""`foodsave` subcommands of the vectors area."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """No subcommands yet."""
