"""pg8000's placeholder rewrite, cached per statement text: the same text and parameters as pg8000's own
rewrite for any statement, each distinct text scanned once, other placeholder styles left to pg8000."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from pg8000.dbapi import convert_paramstyle

from foodsave.db.pg8000_statements import cached_rewrite

FRAGMENTS = st.sampled_from(
    [
        "SELECT ", "a", " FROM t WHERE x = ", "%s", "%%", "'", "''", "E'", "\\'", '"', "$$", "--", "\n", " ",
        "::INTEGER", ",", "(", ")", "LIKE 'a%s'", "-- %s\n", "$tag$", ":name", "?",
    ]
)  # fmt: skip
STATEMENTS = st.lists(FRAGMENTS, max_size=40).map("".join)


class Counting:
    """pg8000's rewrite, counting the statements it scans."""

    def __init__(self) -> None:
        self.scans = 0

    def __call__(self, style: str, query: str, args: Any) -> tuple[str, Any]:
        self.scans += 1
        return convert_paramstyle(style, query, args)


@given(STATEMENTS)
def test_a_statement_is_rewritten_as_pg8000_rewrites_it(query):
    args = tuple(range(query.count("%s")))
    try:
        expected = convert_paramstyle("format", query, args)
    except Exception as exc:  # noqa: BLE001 - pg8000 refuses some texts; the cached rewrite must refuse them too
        expected = type(exc)
    try:
        got: Any = cached_rewrite(convert_paramstyle)("format", query, args)
    except Exception as exc:  # noqa: BLE001
        got = type(exc)
    assert got == expected


def test_each_distinct_statement_is_scanned_once():
    counting = Counting()
    rewrite = cached_rewrite(counting)
    first = "SELECT a FROM t WHERE x = %s AND y = %s"
    second = "UPDATE t SET a = %s"
    results = [rewrite("format", q, (1, 2)) for q in (first, second, first, second, first)]
    assert counting.scans == 2
    assert results[0] == results[2] == ("SELECT a FROM t WHERE x = $1 AND y = $2", (1, 2))


def test_the_parameters_of_each_call_are_passed_on_unchanged():
    rewrite = cached_rewrite(convert_paramstyle)
    rewrite("format", "SELECT %s", ("first",))
    assert rewrite("format", "SELECT %s", ("second",)) == ("SELECT $1", ("second",))


def test_other_placeholder_styles_are_rewritten_by_pg8000_on_every_call():
    counting = Counting()
    rewrite = cached_rewrite(counting)
    for _ in range(2):
        assert rewrite("named", "SELECT :a, :b", {"a": 1, "b": 2}) == ("SELECT $1, $2", (1, 2))
    assert counting.scans == 2
