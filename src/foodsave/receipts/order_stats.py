"""Order statistics of pixel arrays, equal to the bit to NumPy's, without loading `numpy.ma`: `np.percentile`
and `np.median` import NumPy's masked arrays on first use (to check their input for masks), about 7 ms of an
OCR cold start for a module the receipts never use."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Any


def percentiles(values: Any, qs: Sequence[float]) -> list[float]:
    """`np.percentile(values, qs)` with its default linear interpolation, for a non-empty array without NaN
    and a sequence of percentiles in [0, 100] (for an integer array, also what one scalar q gives)."""
    import numpy as np

    flat = np.ravel(values)
    n = int(flat.size)
    if n == 0:
        raise ValueError("percentiles of an empty array")
    virtual = [(n - 1) * (q / 100) for q in qs]
    below = [min(math.floor(v), n - 1) for v in virtual]
    part = np.partition(flat, sorted({*below, *(min(i + 1, n - 1) for i in below)}))
    out = []
    for v, i in zip(virtual, below, strict=True):
        if v >= n - 1:
            out.append(float(part[n - 1]))
            continue
        a, b = part[i : i + 1], part[i + 1 : i + 2]
        t = np.array([v - i], dtype=np.float64)
        diff = b - a
        # NumPy's `_lerp`: from the lower neighbour below half way, from the upper one from half way on.
        out.append(float((a + diff * t if v - i < 0.5 else b - diff * (1 - t))[0]))
    return out


def median(values: Sequence[int]) -> float:
    """`np.median` of whole numbers: the middle one, or the mean of the two middle ones."""
    return float(statistics.median(values))
