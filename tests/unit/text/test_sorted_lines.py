"""Sorted `key TAB value` lines read as a mapping by binary search: every key of the table is found with its
value and nothing else is, after any comment lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.text.sorted_lines import SortedLines

KEYS = st.text(alphabet="ab\u0105\u017c#z", min_size=1, max_size=5).filter(lambda k: not k.startswith("#"))
TABLES = st.dictionaries(KEYS, st.text(alphabet="xy \u0119", max_size=5), max_size=40)


def _text(table: dict[str, str], header: str = "") -> str:
    lines = [f"# {line}\n" for line in header.splitlines()]
    return "".join(lines) + "".join(f"{key}\t{table[key]}\n" for key in sorted(table))


@given(TABLES, st.lists(st.text(alphabet="ab\u0105\u017c#z ", max_size=6), max_size=10))
def test_the_lines_answer_as_their_table_does(table: dict[str, str], probes: list[str]) -> None:
    lines = SortedLines(_text(table, header="a header\nover two lines"))
    for key in [*table, *probes]:
        assert lines.get(key) == table.get(key)
        assert (key in lines) == (key in table)


@given(TABLES)
def test_the_lines_iterate_over_their_keys_in_order(table: dict[str, str]) -> None:
    lines = SortedLines(_text(table))
    assert list(lines) == sorted(table) and len(lines) == len(table)


def test_a_missing_key_raises_key_error() -> None:
    with pytest.raises(KeyError):
        SortedLines("a\t1\nc\t3\n")["b"]


def test_a_line_without_a_tab_is_a_key_with_an_empty_value() -> None:
    assert SortedLines("a\nb\t2\n").get("a") == ""
