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
    and a sequence of percentiles in [0, 100] given as Python numbers (NumPy computes float32 or float16 ones
    in their own precision), refused outside it as NumPy refuses them (for an integer array,
    also what one scalar q gives; for a float32 array NumPy computes one scalar q in float32)."""
    import numpy as np

    if any(not 0 <= q <= 100 for q in qs):
        raise ValueError("percentiles must be in the range [0, 100]")
    flat = np.ravel(values)
    n = int(flat.size)
    if n == 0:
        raise ValueError("percentiles of an empty array")
    virtual = [(n - 1) * (q / 100) for q in qs]
    # NumPy's neighbours: a virtual index at or past the last value takes the last value (-1) on both sides.
    before = [-1 if v >= n - 1 else math.floor(v) for v in virtual]
    after = [-1 if v >= n - 1 else math.floor(v) + 1 for v in virtual]
    # Partitioned on exactly NumPy's positions, so that equal values (0.0 and -0.0) land where NumPy puts them.
    part = np.partition(flat, sorted({0, -1, *before, *after}))  # what np.unique gives NumPy
    out = []
    for v, i, j in zip(virtual, before, after, strict=True):
        a, b = part[i : i + 1 or None], part[j : j + 1 or None]
        # The weight is v less the lower neighbour's position, -1 at the last value (then it adds a signed zero
        # that turns a -0.0 there into +0.0); NumPy's `_lerp` reads from the lower neighbour below one half,
        # from the upper one from it on.
        t = np.array([v - i], dtype=np.float64)
        diff = b - a
        out.append(float((a + diff * t if t[0] < 0.5 else b - diff * (1 - t))[0]))
    return out


def median(values: Sequence[int]) -> float:
    """`np.median` of whole numbers: the middle one, or the mean of the two middle ones."""
    return float(statistics.median(values))
