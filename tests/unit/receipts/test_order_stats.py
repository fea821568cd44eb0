"""The receipts' own percentiles and medians equal NumPy's to the bit, for the arrays the photo pipeline
measures (float32 backgrounds, int16 HSV values, uint8 greys) and the ink-row runs, and loading them leaves
NumPy's masked arrays unloaded."""

from __future__ import annotations

import struct
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
# Signed zeros too: NumPy's interpolation turns a -0.0 at the top into +0.0, and `==` cannot see the sign.
SIGNED_ZEROS = arrays(np.float32, st.integers(1, 40), elements=st.sampled_from([-0.0, 0.0, -1.5, 2.5]))
INT16 = arrays(np.int16, st.integers(1, 400), elements=st.integers(0, 255))
UINT8 = arrays(np.uint8, st.tuples(st.integers(1, 20), st.integers(1, 20)))


def bits(xs) -> list[bytes]:
    """Each value's IEEE 754 bytes: equal bits, not merely equal values (0.0 == -0.0)."""
    return [struct.pack("<d", float(x)) for x in xs]


@given(st.one_of(FLOAT32, SIGNED_ZEROS), PERCENTS)
def test_percentiles_of_float32_pixels_are_numpys_to_the_bit(values, qs):
    assert bits(percentiles(values, qs)) == bits(np.percentile(values, qs))


def test_the_top_percentile_of_negative_zeros_is_numpys_positive_zero_and_of_one_its_negative_zero():
    two, one = np.array([-0.0, -0.0], dtype=np.float32), np.array([-0.0], dtype=np.float32)
    assert bits(percentiles(two, [100])) == bits(np.percentile(two, [100])) == bits([0.0])
    assert bits(percentiles(one, [100])) == bits(np.percentile(one, [100])) == bits([-0.0])


@pytest.mark.parametrize("q", [-0.5, 100.5, 1e9])
def test_a_percentile_outside_0_to_100_is_refused_as_numpy_refuses_it(q):
    values = np.arange(5, dtype=np.float32)
    with pytest.raises(ValueError, match="range"):
        np.percentile(values, [q])
    with pytest.raises(ValueError, match="range"):
        percentiles(values, [q])


def test_one_scalar_percent_of_float32_is_computed_by_numpy_in_float32_not_as_a_list():
    """The documented caveat: for a float32 array the list form (what the pipeline passes) is the one matched."""
    values = np.array([0.1, 0.7, 0.3], dtype=np.float32)
    assert np.percentile(values, 33).dtype == np.float32
    assert np.percentile(values, [33]).dtype == np.float64
    assert percentiles(values, [33]) == [float(np.percentile(values, [33])[0])]


@given(st.one_of(INT16, UINT8), PERCENTS)
def test_percentiles_of_integer_pixels_are_numpys_for_a_list_and_for_one_percent(values, qs):
    assert bits(percentiles(values, qs)) == bits(np.percentile(values, qs))
    assert bits(percentiles(values, qs[:1])) == bits([np.percentile(values, qs[0])])


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
