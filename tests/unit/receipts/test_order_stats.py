"""The receipts' own percentiles and medians equal NumPy's to the bit, for the arrays the photo pipeline
measures (float32 backgrounds, int16 HSV values, uint8 greys) and the ink-row runs, and loading them leaves
NumPy's masked arrays unloaded."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from foodsave.receipts.order_stats import median, percentiles

PERCENTS = st.lists(
    st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False)), min_size=1, max_size=4
)
FLOAT32 = arrays(
    np.float32,
    st.integers(1, 400),
    elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=32),
)
INT16 = arrays(np.int16, st.integers(1, 400), elements=st.integers(0, 255))
UINT8 = arrays(np.uint8, st.tuples(st.integers(1, 20), st.integers(1, 20)))


@given(FLOAT32, PERCENTS)
def test_percentiles_of_float32_pixels_are_numpys(values, qs):
    assert percentiles(values, qs) == [float(x) for x in np.percentile(values, qs)]


@given(st.one_of(INT16, UINT8), PERCENTS)
def test_percentiles_of_integer_pixels_are_numpys_for_a_list_and_for_one_percent(values, qs):
    assert percentiles(values, qs) == [float(x) for x in np.percentile(values, qs)]
    assert percentiles(values, qs[:1]) == [float(np.percentile(values, qs[0]))]


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=60))
def test_the_median_of_whole_numbers_is_numpys(runs):
    assert median(runs) == float(np.median(runs))


def test_percentiles_of_nothing_are_refused():
    with pytest.raises(ValueError, match="empty"):
        percentiles(np.array([], dtype=np.float32), [50])


def test_percentiles_and_medians_leave_numpys_masked_arrays_unloaded():
    probe = (
        "import sys, numpy as np; from foodsave.receipts.order_stats import median, percentiles; "
        "percentiles(np.arange(9, dtype=np.float32), [5, 95]); median([3, 1, 2]); "
        "print('numpy.ma' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
